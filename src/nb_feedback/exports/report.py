"""A look at the answers before training: who answered what, how long, and what ``to_sft`` keeps.

``report(ds)`` returns a ``DatasetReport``: display it in a notebook (an HTML table and a
histogram of demonstration lengths) or read ``.summary`` (a plain dict) from code and tests.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from nb_feedback.base.errors import ExportError
from nb_feedback.domain.provenance import summary as provenance_summary
from nb_feedback.domain.provenance import summary_html as provenance_html
from nb_feedback.exports.sft_plan import SFTPlan, answer_texts, plan_sft, resolve_names, trimmed
from nb_feedback.store._answers import bulk_rows
from nb_feedback.team.team_agreement import render_team_html, team_summary

if TYPE_CHECKING:
    from nb_feedback.store.view import DatasetView


@dataclass
class DatasetReport:
    """What the answers look like and what ``to_sft`` would make of them.

    Attributes
    ----------
    summary : dict
        Plain numbers: ``records``, ``responses`` (by status), ``annotators`` (status counts per
        user), ``demonstration_length`` (count, min, median, p90, max in characters),
        ``duplicate_prompt_groups``, ``time_spent`` (median and p90 seconds an annotator
        spent on a record),
        ``sft`` (``kept``, ``train``, ``test``, ``dropped`` by reason) or ``sft_error``.
        With two annotators or more, ``team``: per annotator answers by status, median time
        per record and agreement with the others; agreement per question (Krippendorff's
        alpha) and the most disputed records (see ``nb_feedback.team.team_agreement``).
    lengths : numpy.ndarray
        Length in characters of every submitted demonstration.
    """

    summary: dict[str, Any]
    lengths: np.ndarray = field(repr=False)

    def _repr_html_(self) -> str:
        return render_html(self)

    def __repr__(self) -> str:
        return render_text(self)


def _percentile(values: np.ndarray, q: float) -> float | None:
    values = values[~np.isnan(values)]
    return float(np.percentile(values, q)) if values.size else None


def report(ds: DatasetView, **sft_options: Any) -> DatasetReport:
    """Summarise the answers of ``ds`` and what ``to_sft(**sft_options)`` keeps and drops.

    Parameters
    ----------
    ds : FeedbackDataset
        The dataset.
    **sft_options
        Options of ``to_sft`` (``prompt``, ``completion``, ``multiple``, ``min_length``,
        ``dedupe``, ``stratify_by``, ``test_size``, ``seed``) so the report shows the same
        selection your ``to_sft`` call would make.

    Returns
    -------
    DatasetReport
        Display it in a notebook, or read ``.summary``.

    Examples
    --------
    >>> import nb_feedback as rg
    >>> ds = rg.FeedbackDataset(fields=[rg.TextField(name="prompt")],
    ...                         questions=[rg.TextQuestion(name="answer")])
    >>> ds.add_records([{"prompt": "Say hi."}])
    >>> report(ds).summary["responses"]
    {}
    """
    raw = ds.tables().responses
    status = raw["status"].to_numpy(dtype=object)
    by_status = {str(k): int(v) for k, v in pd.Series(status).value_counts().items()}
    per_user = (
        pd.crosstab(raw["user"].to_numpy(dtype=object), status) if len(raw) else pd.DataFrame()
    )
    annotators = {
        str(u): {str(k): int(v) for k, v in row.items() if v} for u, row in per_user.iterrows()
    }
    # one value per (record, annotator): the time the widget measured on that record
    spent_per_record = raw["time_spent"].to_numpy(dtype="float64")
    summary: dict[str, Any] = {
        "records": len(ds),
        "responses": by_status,
        "annotators": annotators,
        "records_with_submitted": int(raw.loc[status == "submitted", "record_id"].nunique()),
        "time_spent": {
            "median_s": _percentile(spent_per_record, 50),
            "p90_s": _percentile(spent_per_record, 90),
        },
    }
    # what add_responses(replace_submitted=True) replaced here: the answers are gone, the
    # count is what is left to say it happened
    summary["replaced_submitted"] = int(ds.replaced_submitted)
    team = team_summary(ds)  # per annotator, agreement and disputes: None for one annotator
    if team is not None:
        summary["team"] = team
    shown = raw["provenance"].notna().to_numpy() & ~bulk_rows(raw["provenance"])
    if shown.any():  # answers to a model's drafts, or comparisons
        summary["suggestions"] = provenance_summary(ds.responses_frame())

    lengths = np.array([], dtype=np.int64)
    keys = (
        "prompt",
        "completion",
        "multiple",
        "min_length",
        "dedupe",
        "stratify_by",
        "prefer_people",
    )
    split_keys = ("test_size", "seed")
    unknown = sorted(set(sft_options) - set(keys) - set(split_keys))
    if unknown:
        raise ExportError(
            f"report: unknown options {unknown}; expected some of {keys + split_keys}"
        )
    try:
        prompt, completion = resolve_names(
            ds, sft_options.get("prompt"), sft_options.get("completion"), "report"
        )
    except ExportError as exc:
        summary["sft_error"] = str(exc)
        return DatasetReport(summary, lengths)
    sub = raw[status == "submitted"]
    if len(sub):
        # characters after stripping, as to_sft's min_length counts them (in Arrow, no dicts)
        texts = trimmed(answer_texts(sub["values"], completion))
        lengths = np.asarray(pc.utf8_length(texts).drop_null().to_numpy(), dtype=np.int64)
    summary["demonstration_length"] = {
        "count": int(lengths.size),
        "min": int(lengths.min()) if lengths.size else None,
        "median": float(np.median(lengths)) if lengths.size else None,
        "p90": float(np.percentile(lengths, 90)) if lengths.size else None,
        "max": int(lengths.max()) if lengths.size else None,
    }
    options = {k: v for k, v in sft_options.items() if k in keys}
    options.update(prompt=prompt, completion=completion)
    split_options = {k: v for k, v in sft_options.items() if k in split_keys}
    split: SFTPlan | None = None
    split_error: ExportError | None = None
    try:  # one plan gives the selection and the split, unless there is too little to split
        plan = split = plan_sft(ds, **options, **split_options)
    except ExportError as exc:
        split_error = exc
        try:
            plan = plan_sft(ds, **options, split=False)
        except ExportError as exc:
            summary["sft_error"] = str(exc)
            return DatasetReport(summary, lengths)
    summary["duplicate_prompt_groups"] = plan.duplicate_groups
    sft: dict[str, Any] = {
        "prompt": prompt,
        "completion": completion,
        "kept": len(plan.rows),
        "prompt_groups": plan.groups["total"],
        "dropped": dict(plan.dropped),
    }
    if split is not None:
        sft["train"] = int((~split.is_test).sum())
        sft["test"] = int(split.is_test.sum())
    else:
        sft["train"] = sft["test"] = None
        summary["sft_error"] = str(split_error)
    summary["sft"] = sft
    return DatasetReport(summary, lengths)


def render_text(rep: DatasetReport) -> str:
    """Return the report as text (``print(report)``): what ``to_sft`` keeps, and why not."""
    s = rep.summary
    by_status = ", ".join(f"{k} {v}" for k, v in sorted(s["responses"].items())) or "none"
    lines = [f"DatasetReport: {s['records']} records; answers: {by_status}"]
    for user, counts in s["annotators"].items():
        lines.append(f"  {user}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    length = s.get("demonstration_length") or {}
    if length.get("count"):
        lines.append(
            f"submitted demonstrations: {length['count']}, length {length['min']} to "
            f"{length['max']} characters (median {length['median']:.0f})"
        )
    sft = s.get("sft")
    if sft is not None:
        split = (
            f" (train {sft['train']}, test {sft['test']})" if sft.get("train") is not None else ""
        )
        lines.append(
            f"to_sft keeps {sft['kept']} example(s){split}: prompt {sft['prompt']!r}, "
            f"completion {sft['completion']!r}"
        )
        for reason, n in sft["dropped"].items():
            lines.append(f"  dropped {n}: {reason}")
    if s.get("sft_error"):
        error = str(s["sft_error"])
        lines.append(error if error.startswith("to_sft") else f"to_sft: {error}")
    if s.get("replaced_submitted"):
        lines.append(
            f"{s['replaced_submitted']} submitted answer(s) replaced from code in this session "
            "(add_responses(replace_submitted=True))"
        )
    return "\n".join(lines)


def _histogram_png(lengths: np.ndarray) -> str | None:
    """Return a base64 PNG histogram of lengths, or None without matplotlib or data."""
    if not lengths.size:
        return None
    try:
        import matplotlib

        matplotlib.use("Agg", force=False)
        from matplotlib.figure import Figure
    except ImportError:
        return None
    fig = Figure(figsize=(4.8, 2.2), dpi=100)
    ax = fig.add_subplot()
    ax.hist(lengths, bins=min(30, max(5, int(np.sqrt(lengths.size)))), color="#4c78a8")
    ax.set_xlabel("demonstration length (characters)")
    ax.set_ylabel("answers")
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _bar(part: int, total: int, color: str) -> str:
    width = 0 if total <= 0 else round(100 * part / total)
    return (
        f'<div style="background:#8882;width:160px;height:10px;border-radius:3px">'
        f'<div style="background:{color};width:{width}%;height:100%;border-radius:3px"></div>'
        "</div>"
    )


def render_html(rep: DatasetReport) -> str:
    """Return the report as self-contained HTML (text escaped; the chart inlined as PNG).

    Parameters
    ----------
    rep : DatasetReport
        The report.

    Returns
    -------
    str
        An HTML fragment.
    """
    s = rep.summary
    e = html.escape
    colors = {"submitted": "#59a14f", "draft": "#edc948", "discarded": "#e15759"}
    total = sum(s["responses"].values())
    rows = "".join(
        f"<tr><td>{e(k)}</td><td style='text-align:right'>{v}</td>"
        f"<td>{_bar(v, total, colors.get(k, '#999'))}</td></tr>"
        for k, v in sorted(s["responses"].items())
    )
    users = "".join(
        f"<tr><td>{e(u)}</td><td>"
        + ", ".join(f"{e(k)}: {v}" for k, v in sorted(c.items()))
        + "</td></tr>"
        for u, c in sorted(s["annotators"].items())
    )
    ts = s["time_spent"]

    def secs(v: float | None) -> str:
        return "n/a" if v is None else f"{v:.1f} s"

    parts = [
        '<div class="nb-feedback-report" style="font-family:sans-serif;font-size:13px">',
        f"<h4 style='margin:4px 0'>{s['records']} records, {total} answers, "
        f"{s['records_with_submitted']} records with a submitted answer</h4>",
        "<div style='display:flex;gap:24px;flex-wrap:wrap'>",
        f"<table><caption>Answers by status</caption>{rows or '<tr><td>none</td></tr>'}</table>",
        f"<table><caption>Annotators</caption>{users or '<tr><td>none</td></tr>'}</table>",
        f"<table><caption>Time spent per record</caption><tr><td>median</td>"
        f"<td>{secs(ts['median_s'])}</td></tr><tr><td>p90</td><td>{secs(ts['p90_s'])}</td>"
        "</tr></table>",
        "</div>",
    ]
    dl = s.get("demonstration_length")
    if dl and dl["count"]:
        png = _histogram_png(rep.lengths)
        parts.append(
            f"<p>Demonstration length: median {dl['median']:.0f}, p90 {dl['p90']:.0f}, "
            f"min {dl['min']}, max {dl['max']} characters.</p>"
        )
        if png:
            parts.append(
                f'<img alt="Histogram of demonstration lengths" src="data:image/png;base64,{png}"/>'
            )
    sft = s.get("sft")
    if sft:
        dropped = "".join(
            f"<tr><td>{e(reason)}</td><td style='text-align:right'>{n}</td></tr>"
            for reason, n in sft["dropped"].items()
        )
        train = "n/a" if sft.get("train") is None else sft["train"]
        test = "n/a" if sft.get("test") is None else sft["test"]
        parts.append(
            f"<p><b>to_sft</b> ({e(sft['prompt'])} &rarr; {e(sft['completion'])}) keeps "
            f"<b>{sft['kept']}</b> examples from {sft['prompt_groups']} distinct prompts "
            f"(train {train}, test {test}); {s.get('duplicate_prompt_groups', 0)} prompts "
            "appear in more than one record and stay in one split.</p>"
        )
        if dropped:
            parts.append(f"<table><caption>Left out, and why</caption>{dropped}</table>")
    if s.get("suggestions"):
        parts.append(provenance_html(s["suggestions"]))
    if s.get("sft_error"):
        parts.append(f"<p style='color:#e15759'>{e(s['sft_error'])}</p>")
    if s.get("team"):
        parts.append(render_team_html(s["team"]))
    parts.append("</div>")
    return "".join(parts)
