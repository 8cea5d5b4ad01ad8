"""How much a team agrees: Krippendorff's alpha per question, per annotator, and the disputes.

Built on ``nb_feedback.team.metrics`` (alpha with Argilla v1's distance per question kind: nominal for
labels, MASI for label sets, squared interval for ratings, Kendall for rankings). Only submitted
answers count, and a reviewer's answers (``dataset.add_review``) are left out: a review settles a
dispute, it is not one more opinion in it.

- ``questions[q]["alpha"]``: alpha over the records at least two annotators answered.
- ``annotators[u][q]``: alpha over every pair of ``u``'s answer with another annotator's answer
  to the same record: how well ``u`` agrees with the rest.
- ``disputed``: the records whose answers lie furthest apart (the mean distance between two
  answers to a record, each distance scaled to 0..1 and averaged over the questions), most
  disputed first: the ones to review.
"""

from __future__ import annotations

from collections.abc import Hashable
from itertools import combinations
from typing import TYPE_CHECKING, Any

from nb_feedback.domain.schema import Question, RatingQuestion
from nb_feedback.team.answers_by_question import comparable, question_kind
from nb_feedback.team.metrics import kendall_distance, krippendorff_alpha, masi_distance

if TYPE_CHECKING:
    from nb_feedback.store.view import DatasetView

KINDS = ("label", "multi_label", "rating", "ranking")


def _distance(question: Question, kind: str, a: Any, b: Any) -> float:
    """Distance between two answers, scaled to 0..1."""
    if kind == "label":
        return float(a != b)
    if kind == "multi_label":
        return masi_distance(a, b)
    if kind == "rating":
        assert isinstance(question, RatingQuestion)
        span = max(question.values) - min(question.values)
        return 0.0 if span == 0 else abs(a - b) / span
    return kendall_distance(a, b)


def _alpha(units: dict[Any, dict[str, Hashable]], kind: str) -> float | None:
    units = {k: v for k, v in units.items() if len(v) >= 2}
    if not units:
        return None
    return krippendorff_alpha(units, kind)


def team_agreement(ds: DatasetView, top: int = 10) -> dict[str, Any]:
    """Return agreement per question and per annotator, and the ``top`` most disputed records.

    Returns
    -------
    dict
        ``{"questions": {q: {"alpha", "records", "answers"}}, "annotators": {u: {q: alpha}},
        "disputed": [{"record_id", "dispute", "answers"}]}``; an alpha is None where fewer
        than two annotators answered any record.
    """
    notes = ds.reviews()
    reviewed = set(zip(notes["record_id"], notes["reviewer"], strict=True))
    # one pass over the submitted answers for every question (values decoded once)
    frame = ds.responses_frame()
    frame = frame[(frame["status"] == "submitted").to_numpy()]
    rows = [
        (record_id, user, values)
        for record_id, user, values in zip(
            frame["record_id"].tolist(),
            frame["user"].tolist(),
            frame["values"].tolist(),
            strict=True,
        )
        if (record_id, user) not in reviewed
    ]
    per_question: dict[str, Any] = {}
    per_user: dict[str, dict[str, float | None]] = {}
    dispute: dict[str, list[float]] = {}
    for question in ds.schema.questions:
        kind = question_kind(question)
        if kind not in KINDS:
            continue
        units: dict[Any, dict[str, Hashable]] = {}
        name = question.name
        for record_id, user, values in rows:
            value = values.get(name)
            if value is not None:
                units.setdefault(record_id, {})[user] = comparable(question, kind, value)
        shared = {r: v for r, v in units.items() if len(v) >= 2}
        per_question[question.name] = {
            "alpha": _alpha(shared, kind),
            "records": len(shared),
            "answers": sum(len(v) for v in shared.values()),
        }
        users = sorted({u for per in shared.values() for u in per})
        for user in users:
            pairs: dict[Any, dict[str, Hashable]] = {}
            for record_id, per in shared.items():
                if user in per:
                    for other, value in per.items():
                        if other != user:
                            pairs[(record_id, other)] = {user: per[user], "others": value}
            per_user.setdefault(user, {})[question.name] = _alpha(pairs, kind)
        for record_id, per in shared.items():
            values = list(per.values())
            distances = [_distance(question, kind, a, b) for a, b in combinations(values, 2)]
            dispute.setdefault(record_id, []).append(sum(distances) / len(distances))
    ranked = sorted(
        ((sum(d) / len(d), record_id) for record_id, d in dispute.items()),
        key=lambda x: (-x[0], x[1]),
    )
    disputed = [
        {
            "record_id": record_id,
            "dispute": round(score, 4),
            "answers": {
                r.user: r.plain_values() for r in ds.record_at(ds.position_of(record_id)).responses
            },
        }
        for score, record_id in ranked[:top]
        if score > 0
    ]
    return {"questions": per_question, "annotators": per_user, "disputed": disputed}


def team_summary(ds: DatasetView, top: int = 10) -> dict[str, Any] | None:
    """Return the report's team section, or None with fewer than two annotators.

    Per annotator: answers by status, median seconds per record, and alpha with the others per
    question; then agreement per question and the records most in dispute.
    """
    frame = ds.tables().responses  # statuses and times: no values decoded
    users = sorted(set(frame["user"]))
    if len(users) < 2:
        return None
    try:
        agreement: dict[str, Any] = team_agreement(ds, top=top)
    except ImportError as exc:  # the metrics extra is not installed
        agreement = {"error": f"agreement needs nb_feedback[metrics] ({exc})"}
    annotators: dict[str, Any] = {}
    for user in users:
        mine = frame[frame["user"] == user]
        spent = mine["time_spent"].dropna()
        annotators[user] = {
            "responses": {str(k): int(v) for k, v in mine["status"].value_counts().items()},
            "median_time_s": float(spent.median()) if len(spent) else None,
            "agreement": agreement.get("annotators", {}).get(user, {}),
        }
    return {
        "annotators": annotators,
        "questions": agreement.get("questions", {}),
        "disputed": agreement.get("disputed", []),
        **({"error": agreement["error"]} if "error" in agreement else {}),
    }


def render_team_html(team: dict[str, Any]) -> str:
    """Return the team section of the report as HTML (names and ids escaped)."""
    import html

    e = html.escape

    def alpha(v: float | None) -> str:
        return "n/a" if v is None else f"{v:.2f}"

    questions = list(team["questions"])
    head = "".join(f"<th>alpha {e(q)}</th>" for q in questions)
    rows = "".join(
        f"<tr><td>{e(u)}</td><td>"
        + ", ".join(f"{e(k)}: {v}" for k, v in sorted(a["responses"].items()))
        + "</td><td>"
        + ("n/a" if a["median_time_s"] is None else f"{a['median_time_s']:.1f} s")
        + "</td>"
        + "".join(f"<td>{alpha(a['agreement'].get(q))}</td>" for q in questions)
        + "</tr>"
        for u, a in team["annotators"].items()
    )
    overall = "".join(
        f"<tr><td>{e(q)}</td><td>{alpha(v['alpha'])}</td><td>{v['records']}</td></tr>"
        for q, v in team["questions"].items()
    )
    disputed = "".join(
        f"<li><code>{e(d['record_id'])}</code> (dispute {d['dispute']:.2f})</li>"
        for d in team["disputed"]
    )
    return (
        "<div style='display:flex;gap:24px;flex-wrap:wrap'>"
        "<table><caption>Annotators: answers, time per record, agreement with the others"
        f"</caption><tr><th>annotator</th><th>answers</th><th>median time</th>{head}</tr>"
        f"{rows}</table>"
        "<table><caption>Agreement (Krippendorff's alpha)</caption>"
        f"<tr><th>question</th><th>alpha</th><th>records</th></tr>{overall}</table>"
        f"<div><b>Most disputed records</b> (review them)<ol>{disputed or '<li>none</li>'}</ol>"
        + (f"<p>{e(team['error'])}</p>" if "error" in team else "")
        + "</div></div>"
    )
