"""Model drafts: ``dataset.suggest(fn, question=...)`` fills suggestions from any Python callable.

``fn`` gets a batch of inputs (by default each record's text) and returns one output per input:
a value, ``(value, score)``, a dict with ``value`` (or ``label``, or ``generated_text``) and an
optional ``score``, or a one-item list of those (what ``transformers`` pipelines return). Each
batch is checked against the question and written with ``update_records`` before the next one
runs, so a batch that raises loses nothing finished; running ``suggest`` again picks up the
records that still have no suggestion for the question.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from nb_feedback.base.errors import FeedbackError, ResponseError
from nb_feedback.domain.chat import per_turn_check
from nb_feedback.domain.records import FeedbackRecord

if TYPE_CHECKING:
    from nb_feedback.store.view import DatasetView


@dataclass
class FailedBatch:
    """A batch whose suggestions were not written, and why."""

    record_ids: list[str]
    error: BaseException

    def __repr__(self) -> str:
        return f"FailedBatch({len(self.record_ids)} records, {self.error!r})"


@dataclass
class SuggestResult:
    """What one ``suggest`` run did.

    Attributes
    ----------
    added : int
        Records that got a suggestion.
    skipped : int
        Records that already had a suggestion for the question (not asked again).
    failed : list of FailedBatch
        Batches that raised, with their record ids; run ``suggest`` again to retry them.
    """

    added: int = 0
    skipped: int = 0
    failed: list[FailedBatch] = field(default_factory=list)

    @property
    def failed_ids(self) -> list[str]:
        """The ids of every record of a failed batch."""
        return [i for batch in self.failed for i in batch.record_ids]


def agent_name(fn: Callable[..., Any]) -> str:
    """Return a readable name for ``fn``: a pipeline's model name, else the callable's name."""
    model = getattr(fn, "model", None)
    name = getattr(getattr(model, "config", None), "name_or_path", None) or getattr(
        fn, "__name__", None
    )
    return str(name or type(fn).__name__)


def _unpack(output: Any) -> tuple[Any, float | None]:
    """Return (value, score) from one output of ``fn``."""
    if isinstance(output, list) and len(output) == 1 and isinstance(output[0], dict):
        output = output[0]  # a pipeline's list of candidates for one input
    if isinstance(output, tuple) and len(output) == 2:
        value, score = output
    elif isinstance(output, dict):
        key = next((k for k in ("value", "label", "generated_text") if k in output), None)
        if key is None:
            raise ResponseError(
                f"expected a dict with 'value', 'label' or 'generated_text', got {output!r:.120}"
            )
        value, score = output[key], output.get("score")
    else:
        value, score = output, None
    if score is not None:
        if isinstance(score, bool) or not isinstance(score, int | float):
            try:
                score = float(score)  # numpy and torch scalars
            except (TypeError, ValueError):
                raise ResponseError(f"score must be a number, got {score!r:.80}") from None
        score = float(score)
    return value, score


def _input_of(record: FeedbackRecord, inputs: str | Callable[[FeedbackRecord], Any] | None) -> Any:
    if callable(inputs):
        return inputs(record)
    if isinstance(inputs, str):
        return record.fields.get(inputs)
    if len(record.fields) == 1:
        return next(iter(record.fields.values()))
    return dict(record.fields)


def suggest(
    ds: DatasetView,
    fn: Callable[[list[Any]], Sequence[Any]],
    *,
    write: Callable[[list[dict[str, Any]]], None],
    question: str,
    agent: str | None = None,
    batch_size: int = 32,
    inputs: str | Callable[[FeedbackRecord], Any] | None = None,
    show_progress: bool = True,
) -> SuggestResult:
    """Ask ``fn`` for a suggested answer to ``question`` on every record that has none yet.

    Parameters
    ----------
    ds : FeedbackDataset
        The dataset to read the records from.
    write : callable
        Commits one batch of record updates (the dataset's ``update_records``): the dataset
        writes, this module only computes.
    fn : callable
        Gets a list of inputs and returns one output per input (see the module docstring).
    question : str
        The question the suggestions answer; each value is checked against it.
    agent : str, optional
        Stored with each suggestion; defaults to the model's or the callable's name.
    batch_size : int
        Inputs per call of ``fn``.
    inputs : str or callable, optional
        What ``fn`` gets per record: a field's text (a field name), ``inputs(record)``, or by
        default the only field's text (or the dict of fields when there are several).
    show_progress : bool
        Show a progress bar (``tqdm.auto``).

    Returns
    -------
    SuggestResult
        Counts, and the failed batches with their record ids (a warning names them too).

    Examples
    --------
    >>> import nb_feedback as rg
    >>> ds = rg.FeedbackDataset(fields=[rg.TextField(name="prompt")],
    ...                         questions=[rg.TextQuestion(name="answer")])
    >>> ds.add_records([{"prompt": "Say hi."}, {"prompt": "Say bye."}])
    >>> ds.suggest(lambda texts: [t.upper() for t in texts], question="answer",
    ...            agent="shout", show_progress=False).added
    2
    >>> ds[0].suggestions[0].value
    'SAY HI.'
    """
    target = ds.schema.question(question)
    if target is None:
        raise ResponseError(
            f"suggest: question={question!r} is not a question; expected one of "
            f"{ds.schema.question_names}"
        )
    if not callable(fn):
        raise TypeError(f"suggest: fn must be callable, got {fn!r:.80}")
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"suggest: batch_size must be a positive integer, got {batch_size!r}")
    name = agent if agent is not None else agent_name(fn)
    result = SuggestResult()
    todo: list[FeedbackRecord] = []
    for record in ds:
        if any(s.question_name == question for s in record.suggestions):
            result.skipped += 1
        else:
            todo.append(record)
    bar = None
    if show_progress and todo:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(todo), desc=f"suggest {question!r}", unit="record")
    try:
        for start in range(0, len(todo), batch_size):
            batch = todo[start : start + batch_size]
            ids = [str(r.id) for r in batch]
            try:
                updates = _batch_updates(batch, fn, inputs, target, name)
                write(updates)
            except Exception as exc:  # any error of the model or its output: report, go on
                result.failed.append(FailedBatch(ids, exc))
            else:
                result.added += len(batch)
            if bar is not None:
                bar.update(len(batch))
    finally:
        if bar is not None:
            bar.close()
    if result.failed:
        first = result.failed[0]
        warnings.warn(
            f"suggest: {len(result.failed)} batch(es) failed ({len(result.failed_ids)} records, "
            f"first {first.record_ids[:3]}...: {first.error!r:.200}); the other "
            f"{result.added} suggestions are saved. Run suggest() again to retry; "
            "result.failed lists each batch",
            stacklevel=3,
        )
    return result


def _batch_updates(
    batch: list[FeedbackRecord],
    fn: Callable[[list[Any]], Sequence[Any]],
    inputs: str | Callable[[FeedbackRecord], Any] | None,
    target: Any,
    agent: str,
) -> list[dict[str, Any]]:
    """Call ``fn`` on one batch; return the ``update_records`` input, or raise naming the record."""
    outputs = fn([_input_of(r, inputs) for r in batch])
    if outputs is None or isinstance(outputs, str | bytes | dict):
        raise ResponseError(
            f"suggest: fn returned {type(outputs).__name__}; expected a list of "
            f"{len(batch)} outputs, one per input"
        )
    outputs = list(outputs)
    if len(outputs) != len(batch):
        raise ResponseError(
            f"suggest: fn returned {len(outputs)} outputs for {len(batch)} inputs "
            f"(records {batch[0].id!r}..{batch[-1].id!r})"
        )
    # a question asked of each assistant turn takes {"<turn index>": value}
    check = target.check_value if target.turns_of is None else per_turn_check(target.check_value)
    updates = []
    for record, output in zip(batch, outputs, strict=True):
        where = f"record {record.id!r}, question {target.name!r}"
        try:
            value, score = _unpack(output)
        except FeedbackError as exc:
            raise ResponseError(f"{where}: {exc}") from None
        problem = check(value)
        if problem:
            raise ResponseError(f"{where}: suggestion from fn: {problem}")
        kept = [s.to_dict() for s in record.suggestions if s.question_name != target.name]
        new = {"question_name": target.name, "value": value, "score": score, "agent": agent}
        updates.append({"id": record.id, "suggestions": [*kept, new]})
    return updates
