"""Which submitted answers ``to_sft`` keeps, which it drops and why, and their split.

``plan_sft`` is one vectorised pass over the responses table: keep submitted answers, drop empty
and too-short ones, group prompts that are the same after normalisation, pick answers by the
``multiple`` policy (a person's answer above one added in bulk from code), then split by *group*
(``_grouping``). It builds no datasets: ``to_sft``
renders its result, and the report uses it to show what ``to_sft`` keeps and drops, and why.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pa_json

from nb_feedback.base._arrowtext import loads, strings
from nb_feedback.base._textbuf import count_byte, may_have_edge_space
from nb_feedback.base.errors import ExportError
from nb_feedback.exports._grouping import check_seed, prompt_groups, split_by_hash
from nb_feedback.exports._reading import the_only
from nb_feedback.store import _tables as T
from nb_feedback.store._answers import bulk_rows

if TYPE_CHECKING:
    from nb_feedback.store.view import DatasetView

MULTIPLE = ("latest", "first", "all", "reviewed")

# Why an answer was left out, in the order a reader meets them (the report shows these).
DROP_DRAFT = "draft (not submitted)"
DROP_DISCARDED = "discarded"
DROP_NO_ANSWER = "submitted without an answer to the completion question"
DROP_EMPTY_PROMPT = "empty prompt field"
DROP_TOO_SHORT = "completion shorter than min_length"
DROP_SAME_RECORD = "another answer to the same record kept (multiple={multiple!r})"
DROP_DUPLICATE_PROMPT = "duplicate prompt: an answer to another record kept (multiple={multiple!r})"
DROP_SAME_COMPLETION = "same completion already kept for this prompt"
DROP_OUTRANKED = (
    "added in bulk from code (add_responses, add_records), {newer} than a person's answer to "
    "the same prompt, which is kept (multiple={multiple!r}; prefer_people=False ranks by time)"
)


@dataclass
class SFTPlan:
    """What ``to_sft`` keeps, what it drops and why, and how it splits.

    Attributes
    ----------
    dropped : dict
        Number of answers left out, by reason (only reasons that happened).
    responses : dict
        Number of responses by status, before any filter.
    duplicate_groups : int
        Prompt groups (after normalisation) that hold more than one record.
    prompt, completion : str
        The field and question used.
    groups : dict
        Number of prompt groups in all, in train and in test.
    rows, position, is_test : numpy.ndarray
        Per kept answer, in output order: its row among the submitted responses, its record's
        position, and whether it goes to the test split.
    """

    dropped: dict[str, int]
    responses: dict[str, int]
    duplicate_groups: int
    prompt: str
    completion: str
    groups: dict[str, int]
    rows: np.ndarray
    position: np.ndarray
    is_test: np.ndarray
    submitted: pd.DataFrame
    """The submitted responses ``rows`` points into."""
    completions: pa.Array
    """The trimmed completion of each submitted response."""
    prompts: pa.Array | None
    """The trimmed prompt of each submitted response, or None when the records' own texts
    need no trim (then they are taken from the records, and no copy is held)."""
    records: pd.DataFrame
    """The records ``position`` points into (for a filter_by() view, those it came from)."""

    def prompt_texts(self, which: np.ndarray) -> pa.Array:
        """Return the prompt of each kept answer at ``which`` (indices into ``rows``)."""
        if self.prompts is not None:
            return self.prompts.take(pa.array(self.rows[which]))
        return strings(self.records[self.prompt]).take(pa.array(self.position[which]))

    def completion_texts(self, which: np.ndarray) -> pa.Array:
        """Return the completion of each kept answer at ``which`` (indices into ``rows``)."""
        return self.completions.take(pa.array(self.rows[which]))

    def column(self, name: str, which: np.ndarray) -> pa.Array | np.ndarray:
        """Return ``record_id``/``user`` (Arrow) or ``updated_at``/``time_spent`` (float64)."""
        rows = self.rows[which]
        if name in ("record_id", "user"):
            return strings(self.submitted[name]).take(pa.array(rows))
        return self.submitted[name].to_numpy(dtype="float64")[rows]

    @property
    def examples(self) -> pd.DataFrame:
        """Return one row per kept answer, in output order, as a DataFrame.

        Columns: ``position``, ``record_id``, ``user``, ``updated_at``, ``time_spent``,
        ``prompt``, ``completion`` and ``split``.
        """
        every = np.arange(len(self.rows))

        def arrow(values: Any) -> pd.api.extensions.ExtensionArray:
            return pd.arrays.ArrowExtensionArray(values)

        return pd.DataFrame(
            {
                "position": self.position,
                "record_id": arrow(self.column("record_id", every)),
                "user": arrow(self.column("user", every)),
                "updated_at": self.column("updated_at", every),
                "time_spent": self.column("time_spent", every),
                "prompt": arrow(self.prompt_texts(every)),
                "completion": arrow(self.completion_texts(every)),
                "split": arrow(pa.array(np.where(self.is_test, "test", "train"), pa.string())),
            }
        )


def answer_texts(values: pd.Series, question: str) -> pa.Array:
    """Return the text answer to ``question`` in each JSON ``values`` (null if absent or not text).

    Arrow's JSON reader parses all of them in one C++ pass; a value of another type makes it
    fail, and then Python's parser goes one by one.
    """
    arr = strings(values)
    # Most answers are stored as exactly {"<question>":"<text>"} with nothing escaped in the
    # text: those are sliced out without parsing (names are [a-z0-9_-], never escaped).
    head = '{"' + question + '":"'
    if _all_simple(arr, head):
        # each text sits between ASCII bytes (the head, then '"}'): a byte slice is exact, and
        # ~10x faster than a code-unit slice, which decodes every character
        binary = pa.large_binary() if pa.types.is_large_string(arr.type) else pa.binary()
        return pc.binary_slice(arr.view(binary), len(head), -2).view(arr.type)
    sliced = pc.utf8_slice_codeunits(arr, start=len(head), stop=-2)
    # one anchored RE2 pass (Arrow's plain substring search is slower than its regex engine)
    simple = pc.match_substring_regex(arr, pattern="^" + re.escape(head) + '[^"\\\\]*"\\}$')
    parsed = _parsed_answer_texts(pd.Series(arr.filter(pc.invert(simple))), question)
    return pc.replace_with_mask(sliced, pc.invert(simple), parsed)


def _all_simple(values: pa.Array, head: str) -> bool:
    """Tell whether every JSON text in ``values`` is ``head``, a text, then '"}'.

    The text must hold no quote or backslash. A row that starts with ``head``, ends with '"}'
    and is at least ``len(head) + 2`` bytes long holds at least four quotes (three in ``head``,
    one closing); so four quotes a row in all, and no backslash anywhere, means every row is
    such a row: one pass over the bytes, ~10x faster than the regex per row.
    """
    n = len(values)
    if not n or values.null_count:
        return False
    if pc.min(pc.binary_length(values)).as_py() < len(head) + 2:
        return False
    if not (
        pc.all(pc.starts_with(values, head)).as_py() and pc.all(pc.ends_with(values, '"}')).as_py()
    ):
        return False
    return count_byte(values, ord('"')) == 4 * n and not count_byte(values, ord("\\"))


def _parsed_answer_texts(values: pd.Series, question: str) -> pa.Array:
    texts = values.tolist()
    schema = pa.schema([(question, pa.string())])
    try:
        # one object a line: serialised JSON never holds a raw newline
        data = ("\n".join(texts) + "\n").encode("utf-8")
        options = pa_json.ParseOptions(explicit_schema=schema, unexpected_field_behavior="ignore")
        table = pa_json.read_json(io.BytesIO(data), parse_options=options)
        if table.num_rows == len(texts):
            return table.column(question).combine_chunks()
    except (pa.ArrowInvalid, UnicodeEncodeError):
        pass
    answers = [loads(v).get(question) for v in texts]
    return pa.array([a if isinstance(a, str) else None for a in answers], type=pa.string())


def resolve_names(
    ds: DatasetView, prompt: str | None, completion: str | None, where: str = "to_sft"
) -> tuple[str, str]:
    """Return the (prompt field, completion question) to use, defaulting when unambiguous.

    Parameters
    ----------
    ds : FeedbackDataset
        The dataset.
    prompt : str, optional
        A field name; defaults to the only field.
    completion : str, optional
        A text question's name; defaults to the only text question.
    where : str
        The caller's name, for messages.

    Returns
    -------
    tuple of str
        The field name and the question name.
    """
    schema = ds.schema
    fields = schema.field_names
    # a per-turn text question holds corrections by turn, not a demonstration
    texts = [q.name for q in schema.questions if q.kind == "text_question" and q.turns_of is None]
    if prompt is None:
        hint = "pass prompt=<field name> to say which one holds the prompt"
        prompt = the_only(fields, "fields", hint, where)
    elif schema.field(prompt) is None:
        raise ExportError(f"{where}: prompt={prompt!r} is not a field; expected one of {fields}")
    if completion is None:
        hint = "pass completion=<question name> to say which one holds the demonstration"
        completion = the_only(texts, "text questions", hint, where)
    else:
        question = schema.question(completion)
        if question is None:
            raise ExportError(
                f"{where}: completion={completion!r} is not a question; expected one of "
                f"{schema.question_names}"
            )
        if question.kind != "text_question" or question.turns_of is not None:
            raise ExportError(
                f"{where}: completion={completion!r} is a {question.kind}; "
                f"expected a text_question, one of {texts}"
            )
    return prompt, completion


def reviewed_rows(ds: DatasetView, responses: pd.DataFrame) -> np.ndarray:
    """Return True for each response row that is a reviewer's answer (``add_review``)."""
    notes = ds.reviews()
    if notes.empty or responses.empty:
        return np.zeros(len(responses), dtype=bool)
    keys = pd.MultiIndex.from_arrays([notes["record_id"], notes["reviewer"]])
    rows = pd.MultiIndex.from_arrays(
        [responses["record_id"].astype(object), responses["user"].astype(object)]
    )
    return np.asarray(rows.isin(keys), dtype=bool)


# ------------------------------------------------------------------------------- plan
def plan_sft(
    ds: DatasetView,
    prompt: str | None = None,
    completion: str | None = None,
    *,
    test_size: float | int = 0.2,
    seed: int = 0,
    multiple: str = "latest",
    min_length: int = 1,
    dedupe: bool = True,
    stratify_by: str | None = None,
    split: bool = True,
    prefer_people: bool = True,
) -> SFTPlan:
    """Select the answers ``to_sft`` would use and assign them to splits (no datasets built).

    Parameters are those of ``to_sft``; with ``split=False`` no split is made (``split`` column
    is "train"), and too few rows to split is not an error.

    Returns
    -------
    SFTPlan
        Kept rows, dropped counts by reason and status counts.
    """
    where = "to_sft"
    prompt, completion = resolve_names(ds, prompt, completion, where)
    seed = check_seed(seed, where)
    if multiple not in MULTIPLE:
        raise ExportError(f"{where}: multiple={multiple!r}; expected one of {list(MULTIPLE)}")
    if not isinstance(prefer_people, bool):
        raise ExportError(f"{where}: prefer_people must be True or False, got {prefer_people!r}")
    if isinstance(min_length, bool) or not isinstance(min_length, int) or min_length < 0:
        raise ExportError(f"{where}: min_length must be an integer >= 0, got {min_length!r}")
    if stratify_by is not None and ds.schema.metadata_property(stratify_by) is None:
        names = [p.name for p in ds.schema.metadata_properties]
        raise ExportError(
            f"{where}: stratify_by={stratify_by!r} is not a declared metadata property; "
            f"expected one of {names}"
        )

    # a filter_by() result gives the records it came from: positions below are in that frame
    records, n_records = ds.tables().record_source
    raw = ds.tables().responses
    status = strings(raw["status"])
    responses = {
        str(row["values"]): int(row["counts"]) for row in pc.value_counts(status).to_pylist()
    }
    dropped: dict[str, int] = {}

    def drop(reason: str, n: int) -> None:
        if n:
            dropped[reason] = dropped.get(reason, 0) + int(n)

    drop(DROP_DRAFT, responses.get("draft", 0))
    drop(DROP_DISCARDED, responses.get("discarded", 0))
    positions = ds.tables().response_positions
    if responses.get("submitted", 0) == len(raw):
        sub = raw  # the usual case: no copy of the answers
    else:
        submitted = pc.equal(status, "submitted").to_numpy(zero_copy_only=False)
        sub, positions = raw[submitted], positions[submitted]
    if sub.empty:
        raise ExportError(
            f"{where}: no submitted answers in {n_records} records "
            f"(responses by status: {responses or 'none'}); submit answers first"
        )

    comp = trimmed(answer_texts(sub["values"], completion))
    pos = positions  # each answer's record, in ``records``
    record_prompts = strings(records[prompt])
    prompts: pa.Array | None = None  # the answers' prompts, when some need a trim
    if may_have_edge_space(record_prompts):
        prompts = trimmed(record_prompts.take(pa.array(pos)))
        prompt_bytes = pc.binary_length(prompts)
    else:  # the records' own texts, read in place (no copy of every answer's prompt)
        prompt_bytes = pc.binary_length(record_prompts).take(pa.array(pos))

    def null_or(mask: pa.Array) -> np.ndarray:
        return np.asarray(pc.fill_null(mask, True).to_numpy(zero_copy_only=False), dtype=bool)

    # byte lengths say "empty" without decoding; characters matter only for min_length > 1
    no_answer = null_or(pc.equal(pc.binary_length(comp), 0))
    no_prompt = null_or(pc.equal(prompt_bytes, 0)) & ~no_answer
    short = np.zeros(len(sub), dtype=bool)
    if min_length > 1:
        short = null_or(pc.less(pc.utf8_length(comp), min_length)) & ~no_answer & ~no_prompt
    drop(DROP_NO_ANSWER, no_answer.sum())
    drop(DROP_EMPTY_PROMPT, no_prompt.sum())
    drop(DROP_TOO_SHORT, short.sum())
    keep = np.flatnonzero(~(no_answer | no_prompt | short))
    if split and not keep.size:
        reasons = {k: v for k, v in dropped.items() if k not in (DROP_DRAFT, DROP_DISCARDED)}
        raise ExportError(
            f"{where}: none of the {len(sub)} submitted answers is usable ({reasons}); "
            f"check completion={completion!r} and min_length={min_length}"
        )

    # Everything below works on integer codes; strings are taken once, at the end. Grouping
    # normalises (and strips) each prompt itself: the records' texts serve, trimmed or not.
    group, group_hash = prompt_groups(record_prompts, seed, rows=pos[keep])
    users_enc = pc.dictionary_encode(strings(sub["user"]))
    user_rank = np.argsort(np.argsort(np.asarray(users_enc.dictionary.to_pylist(), dtype=object)))
    all_users = user_rank[np.asarray(users_enc.indices.to_numpy(zero_copy_only=False))]
    position = pos[keep]
    user_code = all_users[keep]
    updated = sub["updated_at"].to_numpy(dtype="float64")[keep]

    # Duplicate prompt groups: groups holding more than one record with a usable answer.
    pairs = np.unique(group * (len(records) + 1) + position)
    duplicate_groups = int((np.bincount(pairs // (len(records) + 1)) > 1).sum())

    unit = group if dedupe else position
    # multiple="reviewed": a reviewer's answer (dataset.add_review) sorts last in its unit and
    # is kept; units nobody reviewed keep their latest answer
    reviewed = reviewed_rows(ds, sub)[keep] if multiple == "reviewed" else np.zeros(len(keep))
    # a person's answer (the widget, add_response, add_review) outranks one added in bulk from
    # code (a model's drafts submitted by a re-run cell), whatever their times; below a review
    bulk = bulk_rows(sub["provenance"])[keep] if prefer_people else np.zeros(len(keep), bool)
    person = ~bulk if multiple != "first" else bulk  # "first" keeps the unit's first row
    order = np.lexsort((position, user_code, updated, person, reviewed, unit))
    su = unit[order]
    first_of_unit = np.ones(len(su), dtype=bool)
    first_of_unit[1:] = su[1:] != su[:-1]
    if multiple == "all":
        comp_code = np.asarray(
            pc.dictionary_encode(comp.take(pa.array(keep))).indices.to_numpy(zero_copy_only=False),
            dtype=np.int64,
        )[order]
        pair = np.lexsort((np.arange(len(order)), comp_code, su))
        ps, pcs = su[pair], comp_code[pair]
        dup_sorted = np.zeros(len(ps), dtype=bool)
        dup_sorted[1:] = (ps[1:] == ps[:-1]) & (pcs[1:] == pcs[:-1])
        dup = np.empty(len(order), dtype=bool)
        dup[pair] = dup_sorted
        drop(DROP_SAME_COMPLETION, dup.sum())
        chosen = order[~dup]
    else:
        last_of_unit = np.ones(len(su), dtype=bool)
        last_of_unit[:-1] = su[1:] != su[:-1]
        pick = first_of_unit if multiple == "first" else last_of_unit
        # for each sorted row, the record whose answer its unit keeps
        unit_index = np.cumsum(first_of_unit) - 1
        winner_pos = position[order][pick][unit_index]
        lost = ~pick
        outranked = _outranked(
            order, pick, unit_index, bulk, reviewed, (updated, user_code, position), multiple
        )
        newer = "newer" if multiple != "first" else "older"
        drop(DROP_OUTRANKED.format(newer=newer, multiple=multiple), outranked.sum())
        same_record = (winner_pos == position[order])[lost & ~outranked]
        drop(DROP_SAME_RECORD.format(multiple=multiple), same_record.sum())
        drop(DROP_DUPLICATE_PROMPT.format(multiple=multiple), (~same_record).sum())
        chosen = order[pick]

    # Split by group: every answer of a group lands on the same side.
    n_groups = len(group_hash)
    strata = None
    if stratify_by is not None:
        first_pos = np.full(n_groups, -1, dtype=np.int64)
        first_pos[group[chosen][::-1]] = position[chosen][::-1]
        column = records[T.meta_column(stratify_by)].to_numpy(dtype=object)
        strata = list(column[first_pos])
    if split:
        group_order, group_test = split_by_hash(group_hash, strata, test_size, where)
    else:
        group_order = np.arange(n_groups)
        group_test = np.zeros(n_groups, dtype=bool)
    g = group[chosen]
    final = chosen[
        np.lexsort((position[chosen], user_code[chosen], updated[chosen], group_order[g]))
    ]
    return SFTPlan(
        dropped=dropped,
        responses=responses,
        duplicate_groups=duplicate_groups,
        prompt=prompt,
        completion=completion,
        groups={
            "total": n_groups,
            "train": int((~group_test).sum()),
            "test": int(group_test.sum()),
        },
        rows=keep[final],
        position=position[final],
        is_test=group_test[group[final]],
        submitted=sub,
        completions=comp,
        prompts=prompts,
        records=records,
    )


def _outranked(
    order: np.ndarray,
    pick: np.ndarray,
    unit_index: np.ndarray,
    bulk: np.ndarray,
    reviewed: np.ndarray,
    times: tuple[np.ndarray, np.ndarray, np.ndarray],
    multiple: str,
) -> np.ndarray:
    """Return, per sorted row, whether it is a bulk answer left out only for being bulk.

    That is: its unit kept a person's answer of the same review rank, which the bulk answer
    would have beaten on time alone (later for "latest", earlier for "first").
    """
    winner = order[pick][unit_index]  # per sorted row, the row its unit keeps
    row = order
    candidate = np.asarray(
        ~pick & bulk[row] & ~bulk[winner] & (reviewed[row] == reviewed[winner]), dtype=bool
    )
    if not candidate.any():
        return candidate
    beats = np.zeros(len(row), dtype=bool)  # (time, user, record) compared in lexsort's order
    tied = np.ones(len(row), dtype=bool)
    for key in times:
        a, b = key[row], key[winner]
        ahead = a > b if multiple != "first" else a < b
        beats |= tied & ahead
        tied &= a == b
    return np.asarray(candidate & beats, dtype=bool)


def trimmed(text: pa.Array) -> pa.Array:
    """Return ``text`` with edge whitespace stripped: ``text`` itself when there is none."""
    return pc.utf8_trim_whitespace(text) if may_have_edge_space(text) else text
