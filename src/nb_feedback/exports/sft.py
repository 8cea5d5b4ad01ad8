"""From the answers ``plan_sft`` keeps to SFT train/test splits for TRL (``to_sft``).

Each split is rendered from its own rows of the plan as an Arrow table in the asked format
(``prompt``/``completion``, ``messages`` or ``text``, templates filled vectorised) and wrapped as
a ``datasets.Dataset`` with explicit features.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from nb_feedback.base._arrowtext import strings
from nb_feedback.base._progress import progress
from nb_feedback.base.errors import ExportError
from nb_feedback.exports.chat_sft import conversational_columns
from nb_feedback.exports.datasets_bridge import arrow_dataset, require_datasets
from nb_feedback.exports.sft_plan import SFTPlan, plan_sft
from nb_feedback.store import _tables as T

if TYPE_CHECKING:
    from datasets import DatasetDict

    from nb_feedback.store.view import DatasetView

FORMATS = ("prompt_completion", "messages", "text")
INCLUDE = ("record_id", "user", "time_spent", "updated_at", "external_id", "metadata")

PROMPT_TEMPLATE = "### Prompt:\n{prompt}\n### Response:\n"
"""Default ``prompt_template``: TRL joins prompt and completion as plain strings, so the prompt
ends on a newline after a fixed marker and its tokens are a prefix of the joined text's."""

TEXT_TEMPLATE = PROMPT_TEMPLATE + "{completion}"
"""Default ``template`` for ``format="text"``: the same string prompt_completion trains on."""


def _render(
    template: str,
    column: Callable[[str], pa.Array | None],
    where: str,
    allowed: Sequence[str],
) -> pa.Array:
    """Fill a ``str.format``-style template from string columns, vectorised."""
    if not isinstance(template, str):
        raise ExportError(f"{where}: expected a string, got {template!r}")
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise ExportError(f"{where}: {template!r} is not a valid format string: {exc}") from None
    parts: list[pa.Array | str] = []
    for literal, name, spec, conversion in parsed:
        if literal:
            parts.append(literal)
        if name is None:
            continue
        values = column(name) if name in allowed else None
        if spec or conversion or values is None:
            raise ExportError(
                f"{where}: {template!r} uses {{{name}{'!' + conversion if conversion else ''}"
                f"{':' + spec if spec else ''}}}: expected plain placeholders among "
                f"{sorted(set(allowed))}"
            )
        parts.append(pc.fill_null(values, ""))
    n = len(column("prompt"))  # type: ignore[arg-type]
    if not any(isinstance(p, pa.Array) for p in parts):
        return pa.array(["".join(p for p in parts if isinstance(p, str))] * n, type=pa.string())
    return pc.binary_join_element_wise(*parts, "")


def _sft_features(format: str, include: Sequence[str], *, chat: bool = False) -> Any:
    datasets = require_datasets()
    value = datasets.Value
    message = datasets.List({"role": value("string"), "content": value("string")})
    if chat and format == "prompt_completion":
        spec: dict[str, Any] = {"prompt": message, "completion": message}
    elif format == "prompt_completion":
        spec = {"prompt": value("string"), "completion": value("string")}
    elif format == "text":
        spec = {"text": value("string")}
    else:
        spec = {"messages": message}
    types = {"time_spent": "float64", "updated_at": "float64"}
    for name in include:
        spec[name] = value(types.get(name, "string"))
    return datasets.Features(spec)


def _messages(prompts: pa.Array, completions: pa.Array, system_prompt: str | None) -> pa.ListArray:
    """Build ``[{"role", "content"}, ...]`` lists per row without a Python object per row."""
    n = len(prompts)
    roles = ["user", "assistant"]
    columns = [prompts, completions]
    if system_prompt is not None:
        roles.insert(0, "system")
        columns.insert(0, pa.array([system_prompt] * n, type=pa.string()))
    k = len(roles)
    take = np.arange(n * k).reshape(n, k).T.reshape(-1)  # position of each column's rows
    content = pa.concat_arrays([c.cast(pa.string()) for c in columns])
    # concat gives column-major order; reorder to row-major (row 0's messages first).
    inverse = np.empty_like(take)
    inverse[take] = np.arange(n * k)
    content = content.take(pa.array(inverse))
    role = pa.array(np.tile(np.array(roles, dtype=object), n), type=pa.string())
    struct = pa.StructArray.from_arrays([role, content], names=["role", "content"])
    offsets = pa.array(np.arange(0, n * k + 1, k, dtype=np.int32))
    return pa.ListArray.from_arrays(offsets, struct)


def to_sft(
    ds: DatasetView,
    prompt: str | None = None,
    completion: str | None = None,
    format: str = "prompt_completion",
    test_size: float | int = 0.2,
    seed: int = 0,
    *,
    multiple: str = "latest",
    min_length: int = 1,
    dedupe: bool = True,
    stratify_by: str | None = None,
    include: Sequence[str] = (),
    prompt_template: str = PROMPT_TEMPLATE,
    template: str = TEXT_TEMPLATE,
    system_prompt: str | None = None,
    show_progress: bool | None = None,
    prefer_people: bool = True,
) -> DatasetDict:
    r"""Build SFT train/test splits from the submitted answers, ready for ``trl.SFTTrainer``.

    Parameters
    ----------
    ds : FeedbackDataset
        The dataset.
    prompt : str, optional
        The field holding the prompt; defaults to the only field.
    completion : str, optional
        The text question holding the demonstration; defaults to the only text question.
    format : {"prompt_completion", "messages", "text"}
        ``prompt``/``completion`` columns (TRL trains on the completion only), ``messages``
        (user and assistant turns, after an optional system turn), or one ``text`` column.
    test_size : float or int
        Fraction (0, 1) of prompt groups for the test split, or a number of groups.
    seed : int
        Seed of the split; the same seed gives the same split in every process.
    multiple : {"latest", "first", "all", "reviewed"}
        How many answers a prompt keeps when several people answered it (or the same prompt
        appears in several records, with ``dedupe``). The default, "latest", keeps the most
        recent answer: one demonstration per prompt, so prompts many people answered do not
        weigh more, and a later answer (often a review or a fix after the guidelines changed)
        wins. "first" keeps the earliest; "all" keeps every distinct answer. "reviewed" keeps
        a reviewer's answer (``dataset.add_review``, the review view) where there is one, else
        the latest. Whatever the choice, a person's answer outranks one added in bulk from
        code (see ``prefer_people``).
    min_length : int
        Drop completions shorter than this many characters (after stripping whitespace).
    dedupe : bool
        Treat records whose prompts are equal after normalisation (NFKC, casefold, collapsed
        whitespace) as one prompt for ``multiple``. Either way such records always land in the
        same split.
    stratify_by : str, optional
        A metadata property: each of its values gets its share of the test split.
    include : sequence of str
        Extra columns among "record_id", "user", "time_spent", "updated_at", "external_id"
        and "metadata" (JSON text); ``SFTTrainer`` drops them before training.
    prompt_template : str
        For ``prompt_completion``: the prompt column, with ``{prompt}`` and any field name as
        placeholders. It should end on a clear boundary (the default ends in
        "### Response:\n"), since TRL tokenizes ``prompt + completion`` as one string.
    template : str
        For ``text``: placeholders ``{prompt}``, ``{completion}`` and any field name.
    system_prompt : str, optional
        For ``messages``: a system turn first in every conversation.
    show_progress : bool, optional
        Show a progress bar (by default only on large data); nothing else is printed.
    prefer_people : bool
        With "latest", "first" and "reviewed", an answer a person gave (in the widget, or by
        ``add_response`` / ``add_review``, one record at a time) ranks above an answer added
        in bulk from code (``add_responses``, or responses passed to ``add_records``: a
        model's drafts, an import), whatever their times; a review still ranks above both.
        So re-running a cell that adds a model's answers as submitted never makes ``to_sft``
        drop the answers people already gave; ``report()`` counts the bulk answers left out
        this way. Pass False to rank every answer by time alone. "all" keeps both.

    Returns
    -------
    datasets.DatasetDict
        ``{"train", "test"}``; push it with ``.push_to_hub`` or write it with ``export_sft``.

    Raises
    ------
    ExportError
        No submitted answers, too few prompts to split, or an unknown name or option.

    Examples
    --------
    >>> import nb_feedback as rg
    >>> ds = rg.FeedbackDataset(fields=[rg.TextField(name="prompt")],
    ...                         questions=[rg.TextQuestion(name="answer")])
    >>> ds.add_records([{"prompt": f"Say {i}."} for i in range(5)])
    >>> for r in ds:
    ...     _ = ds.add_response(r.id, {"answer": r.fields["prompt"][4:-1]}, user="me")
    >>> splits = ds.to_sft(test_size=0.2, seed=0)
    >>> splits.num_rows
    {'train': 4, 'test': 1}
    """
    where = "to_sft"
    if format not in FORMATS:
        raise ExportError(f"{where}: format={format!r}; expected one of {list(FORMATS)}")
    if isinstance(include, str):
        include = (include,)
    unknown = [c for c in include if c not in INCLUDE]
    if unknown:
        raise ExportError(f"{where}: include={unknown!r} unknown; expected some of {list(INCLUDE)}")
    if system_prompt is not None and not isinstance(system_prompt, str):
        raise ExportError(f"{where}: system_prompt must be a string, got {system_prompt!r}")
    datasets = require_datasets()
    n_answers = len(ds.tables().responses)
    steps = progress(range(3), desc="to_sft", rows=n_answers, enabled=show_progress, total=3)
    next(steps, None)
    plan = plan_sft(
        ds,
        prompt,
        completion,
        test_size=test_size,
        seed=seed,
        multiple=multiple,
        min_length=min_length,
        dedupe=dedupe,
        stratify_by=stratify_by,
        prefer_people=prefer_people,
    )
    next(steps, None)
    chat = plan.prompt in ds.schema.chat_field_names
    if chat and format == "text":
        raise ExportError(
            f"{where}: prompt={plan.prompt!r} is a conversation (ChatField): use "
            "format='messages' or format='prompt_completion' (TRL's conversational forms)"
        )
    # Render each split from its own rows: no full-size table that is then filtered in two.
    result = datasets.DatasetDict(
        {
            name: arrow_dataset(
                _sft_table(
                    plan,
                    np.flatnonzero(mask),
                    ds.schema.field_names,
                    format=format,
                    prompt_template=prompt_template,
                    template=template,
                    system_prompt=system_prompt,
                    include=include,
                    chat=chat,
                ),
                _sft_features(format, include, chat=chat),
            )
            for name, mask in (("train", ~plan.is_test), ("test", plan.is_test))
        }
    )
    for _ in steps:
        pass
    return result


def _sft_table(plan: SFTPlan, which: np.ndarray, fields: list[str], **options: Any) -> pa.Table:
    """Build one split's Arrow table in the asked format from its rows (``which``) of the plan.

    A slice of rows at a time (``_sft_slice``, which takes the ``options``), each column a
    chunked array of the slices: the texts taken for a slice (then filled into the template)
    are freed before the next, so the only full-size text buffers made are the output's.
    """
    slices = [which[at : at + _ROWS_PER_SLICE] for at in range(0, len(which), _ROWS_PER_SLICE)]
    tables = [_sft_slice(plan, rows, fields, **options) for rows in slices or [which]]
    features = _sft_features(options["format"], options["include"], chat=options["chat"])
    return pa.concat_tables(tables).cast(features.arrow_schema)


_ROWS_PER_SLICE = 16_384


def _sft_slice(
    plan: SFTPlan,
    which: np.ndarray,
    fields: list[str],
    *,
    format: str,
    prompt_template: str,
    template: str,
    system_prompt: str | None,
    include: Sequence[str],
    chat: bool = False,
) -> pa.Table:
    """Build the rows ``which`` of one split, as ``_sft_table`` does for them all."""
    where = "to_sft"
    records = plan.records  # the frame plan.position points into
    take = pa.array(plan.position[which])
    prompts = plan.prompt_texts(which)
    completions = plan.completion_texts(which)
    columns: dict[str, pa.Array] = {"prompt": prompts, "completion": completions}

    def column(name: str) -> pa.Array | None:
        if name not in columns and name in fields:
            columns[name] = strings(records[name]).take(take)
        return columns.get(name)

    out: dict[str, pa.Array] = {}
    if (
        chat
    ):  # the prompt is a conversation: TRL's conversational forms (nb_feedback.exports.chat_sft)
        out.update(conversational_columns(prompts, completions, format, system_prompt))
    elif format == "prompt_completion":
        out["prompt"] = _render(
            prompt_template, column, f"{where}: prompt_template", ["prompt", *fields]
        )
        out["completion"] = completions
    elif format == "text":
        out["text"] = _render(
            template, column, f"{where}: template", ["prompt", "completion", *fields]
        )
    else:
        out["messages"] = _messages(prompts, completions, system_prompt)
    for name in include:
        if name in ("record_id", "user"):
            out[name] = plan.column(name, which)
        elif name in ("time_spent", "updated_at"):
            out[name] = pa.array(plan.column(name, which), from_pandas=True)
        elif name == "external_id":
            out[name] = strings(records[T.EXTERNAL_ID]).take(take)
        else:
            out[name] = strings(records[T.METADATA]).take(take)
    return pa.Table.from_pydict(out)
