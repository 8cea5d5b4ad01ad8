"""From submitted answers to SFT splits for TRL, and Argilla v1's ``format_as("datasets")`` layout.

``to_sft`` is one vectorised pass over the responses table: keep submitted answers, drop empty
and too-short ones, group prompts that are the same after normalisation (NFKC, casefold,
collapsed whitespace), pick answers by the ``multiple`` policy, then split by *group*, so no
prompt ever lands in both train and test. The split orders groups by a keyed hash of
(seed, normalised prompt): the same seed gives the same split in any process and any order of
records.

The same selection, without building datasets, is ``plan_sft``: the report uses it to show what
``to_sft`` keeps and drops, and why.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import string
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pa_json

from nb_feedback import _tables as T
from nb_feedback._progress import progress
from nb_feedback.errors import ExportError

if TYPE_CHECKING:
    from datasets import Dataset, DatasetDict

    from nb_feedback.dataset import FeedbackDataset

FORMATS = ("prompt_completion", "messages", "text")
MULTIPLE = ("latest", "first", "all")
INCLUDE = ("record_id", "user", "time_spent", "updated_at", "external_id", "metadata")

PROMPT_TEMPLATE = "### Prompt:\n{prompt}\n### Response:\n"
"""Default ``prompt_template``: TRL joins prompt and completion as plain strings, so the prompt
ends on a newline after a fixed marker and its tokens are a prefix of the joined text's."""

TEXT_TEMPLATE = PROMPT_TEMPLATE + "{completion}"
"""Default ``template`` for ``format="text"``: the same string prompt_completion trains on."""

# Why an answer was left out, in the order a reader meets them (the report shows these).
DROP_DRAFT = "draft (not submitted)"
DROP_DISCARDED = "discarded"
DROP_NO_ANSWER = "submitted without an answer to the completion question"
DROP_EMPTY_PROMPT = "empty prompt field"
DROP_TOO_SHORT = "completion shorter than min_length"
DROP_SAME_RECORD = "another answer to the same record kept (multiple={multiple!r})"
DROP_DUPLICATE_PROMPT = "duplicate prompt: an answer to another record kept (multiple={multiple!r})"
DROP_SAME_COMPLETION = "same completion already kept for this prompt"


@dataclass
class SFTPlan:
    """What ``to_sft`` keeps, what it drops and why, and how it splits.

    Attributes
    ----------
    examples : pandas.DataFrame
        One row per kept answer, in output order: ``record_id``, ``user``, ``prompt``,
        ``completion``, ``group`` (normalised prompt), ``split`` ("train"/"test"),
        ``updated_at``, ``time_spent`` and the record ``position``.
    dropped : dict
        Number of answers left out, by reason (only reasons that happened).
    responses : dict
        Number of responses by status, before any filter.
    duplicate_groups : int
        Prompt groups (after normalisation) that hold more than one record.
    prompt, completion : str
        The field and question used.
    """

    examples: pd.DataFrame
    dropped: dict[str, int]
    responses: dict[str, int]
    duplicate_groups: int
    prompt: str
    completion: str
    groups: dict[str, int] = field(default_factory=dict)


# ----------------------------------------------------------------------------- helpers
def _require_datasets() -> Any:
    try:
        import datasets
    except ImportError:  # pragma: no cover - datasets is a core dependency
        raise ImportError(
            "nb_feedback export needs the 'datasets' package: pip install datasets"
        ) from None
    return datasets


def _strings(values: Any) -> pa.Array:
    """Return ``values`` (Series, array or list) as a pyarrow string array, nulls kept."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if isinstance(values, pa.Array):
        return values.cast(pa.string())
    if isinstance(values, pd.Series):
        values = values.to_numpy(dtype=object, na_value=None)
    arr = np.array(values, dtype=object)  # a copy: missing cells are set to None below
    arr[np.asarray(pd.isna(arr), dtype=bool)] = None
    return pa.array(arr, type=pa.string(), from_pandas=True)


def _column(series: pd.Series) -> pa.Array:
    """Return a frame column as one pyarrow string array (no copy when Arrow-backed)."""
    arr = pa.Array.from_pandas(series.array if hasattr(series.array, "__arrow_array__") else series)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return arr.cast(pa.string())


def normalize_prompts(values: Any) -> pa.Array:
    r"""Return the grouping key of each prompt: NFKC, casefolded, whitespace collapsed, stripped.

    Parameters
    ----------
    values : sequence of str
        Prompt texts (None stays None).

    Returns
    -------
    pyarrow.Array
        The normalised texts, as strings.

    Examples
    --------
    >>> normalize_prompts(["  Hello\u00a0  WORLD ", "hello world"]).to_pylist()
    ['hello world', 'hello world']
    """
    arr = _strings(values)
    ascii_rows = pc.fill_null(pc.string_is_ascii(arr), True)
    if not pc.all(ascii_rows).as_py():  # NFKC leaves ASCII as it is: skip the pass if all are
        arr = pc.utf8_normalize(arr, form="NFKC")
        ascii_rows = pc.fill_null(pc.string_is_ascii(arr), True)
    # casefold is stricter than lower() ("ß" -> "ss") and pyarrow has none: ASCII rows go
    # through pyarrow's lower (the same thing there), the others through Python.
    non_ascii = pc.invert(ascii_rows)
    arr = _python_where(
        pc.utf8_lower(arr), non_ascii, lambda s: unicodedata.normalize("NFKC", s.casefold())
    )
    # Collapse whitespace as str.split() sees it; only rows that need it go through Python.
    messy = pc.fill_null(pc.match_substring_regex(arr, pattern=_MESSY_SPACE), False)
    arr = _python_where(arr, messy, lambda s: " ".join(s.split()))
    return pc.utf8_trim_whitespace(arr)


_MESSY_SPACE = "  |[\t\n\r\x0b\x0c\x1c-\x1f\x85\u1680\u2028\u2029]"
"""Whitespace that NFKC leaves alone and a single-space collapse must handle."""


def _python_where(arr: pa.Array, mask: pa.Array, fn: Callable[[str], str]) -> pa.Array:
    """Apply ``fn`` to the strings of ``arr`` where ``mask`` holds; others stay as they are."""
    where = mask.to_numpy(zero_copy_only=False)
    if not where.any():
        return arr
    chosen = arr.filter(mask).to_pylist()
    fixed = pa.array([None if s is None else fn(s) for s in chosen], type=pa.string())
    return pc.replace_with_mask(arr, mask, fixed)


def _hash_key(seed: int) -> str:
    return hashlib.sha256(f"nb_feedback split seed={seed}".encode()).hexdigest()[:16]


def group_hashes(keys: Any, seed: int) -> np.ndarray:
    """Return a uint64 hash of (seed, key) per key, the same in every process.

    Parameters
    ----------
    keys : sequence of str
        Group keys (normalised prompts).
    seed : int
        The split seed.

    Returns
    -------
    numpy.ndarray
        One uint64 per key: SipHash keyed by ``seed`` (never Python's salted ``hash()``).
    """
    arr = np.asarray(_strings(keys).to_numpy(zero_copy_only=False), dtype=object)
    return np.asarray(pd.util.hash_array(arr, hash_key=_hash_key(seed), categorize=False))


def _check_seed(seed: object, where: str) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise ExportError(f"{where}: seed must be an integer, got {seed!r}")
    return int(seed)


def n_test_groups(n_groups: int, test_size: float | int, where: str) -> int:
    """Return how many of ``n_groups`` groups go to test, or raise if a split would be empty.

    Parameters
    ----------
    n_groups : int
        Number of prompt groups to split.
    test_size : float or int
        A fraction in (0, 1) of the groups, or a number of groups.
    where : str
        The caller's name, for messages.

    Returns
    -------
    int
        The number of test groups (at least 1, at most ``n_groups - 1``).
    """
    if isinstance(test_size, bool) or not isinstance(test_size, int | float | np.number):
        raise ExportError(f"{where}: test_size must be a number, got {test_size!r}")
    if isinstance(test_size, int | np.integer):
        n_test = int(test_size)
        if n_test < 1:
            raise ExportError(f"{where}: test_size must be at least 1 group, got {test_size}")
    else:
        if not 0.0 < float(test_size) < 1.0:
            raise ExportError(
                f"{where}: test_size must be a fraction in (0, 1) or a number of prompt groups, "
                f"got {test_size!r}"
            )
        n_test = math.ceil(float(test_size) * n_groups - 1e-9)
    if n_groups < 2 or n_test >= n_groups:
        raise ExportError(
            f"{where}: too few rows to split: {n_groups} distinct prompt(s) after grouping "
            f"duplicates, test_size={test_size!r} leaves the train split with "
            f"{max(n_groups - n_test, 0)} and the test split with {min(n_test, n_groups)}; "
            "need at least one prompt in each (add answers or lower test_size)"
        )
    return n_test


def split_groups(
    keys: pa.Array | Sequence[str],
    strata: Sequence[Any] | None,
    test_size: float | int,
    seed: int,
    where: str,
) -> tuple[np.ndarray, np.ndarray]:
    """Assign each unique group to train or test; return (order, is_test) per group.

    Groups are ranked by the seeded hash (within their stratum when ``strata`` is given, each
    stratum spread evenly over the ranking), and the first ones go to test.

    Parameters
    ----------
    keys : sequence of str
        Unique group keys.
    strata : sequence, optional
        One stratum per group.
    test_size : float or int
        See ``n_test_groups``.
    seed : int
        The split seed.
    where : str
        The caller's name, for messages.

    Returns
    -------
    tuple of numpy.ndarray
        ``order`` (position of each group in the output) and ``is_test`` (bool per group).
    """
    n = len(keys)
    n_test = n_test_groups(n, test_size, where)
    h = group_hashes(keys, seed)
    if strata is None:
        primary = np.zeros(n)
    else:
        filled = pd.Series(strata, dtype=object).fillna("\x00missing").astype(str)
        code = pd.factorize(filled.to_numpy(dtype=object))[0]
        by_stratum = np.lexsort((h, code))
        size = np.bincount(code)
        start = np.concatenate(([0], np.cumsum(size)[:-1]))
        rank = np.empty(n, dtype=np.int64)
        rank[by_stratum] = np.arange(n) - start[code[by_stratum]]
        primary = (rank + 0.5) / size[code]
    order = np.lexsort((h, primary))  # by primary, ties by hash
    position = np.empty(n, dtype=np.int64)
    position[order] = np.arange(n)
    return position, position < n_test


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


def _loads() -> Callable[[str], Any]:
    try:
        import orjson

        return orjson.loads
    except ImportError:
        return json.loads


def _answer_texts(values: pd.Series, question: str) -> pa.Array:
    """Return the text answer to ``question`` in each JSON ``values`` (null if absent or not text).

    Arrow's JSON reader parses all of them in one C++ pass; a value of another type makes it
    fail, and then Python's parser goes one by one.
    """
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
    loads = _loads()
    answers = [loads(v).get(question) for v in texts]
    return pa.array([a if isinstance(a, str) else None for a in answers], type=pa.string())


def resolve_names(
    ds: FeedbackDataset, prompt: str | None, completion: str | None, where: str = "to_sft"
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
    texts = [q.name for q in schema.questions if q.kind == "text_question"]
    if prompt is None:
        if len(fields) != 1:
            raise ExportError(
                f"{where}: the dataset has {len(fields)} fields {fields}; "
                "pass prompt=<field name> to say which one holds the prompt"
            )
        prompt = fields[0]
    elif schema.field(prompt) is None:
        raise ExportError(f"{where}: prompt={prompt!r} is not a field; expected one of {fields}")
    if completion is None:
        if len(texts) != 1:
            raise ExportError(
                f"{where}: the dataset has {len(texts)} text questions {texts}; "
                "pass completion=<question name> to say which one holds the demonstration"
            )
        completion = texts[0]
    else:
        question = schema.question(completion)
        if question is None:
            raise ExportError(
                f"{where}: completion={completion!r} is not a question; expected one of "
                f"{schema.question_names}"
            )
        if question.kind != "text_question":
            raise ExportError(
                f"{where}: completion={completion!r} is a {question.kind}; "
                f"expected a text_question, one of {texts}"
            )
    return prompt, completion


# ------------------------------------------------------------------------------- plan
def plan_sft(
    ds: FeedbackDataset,
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
    seed = _check_seed(seed, where)
    if multiple not in MULTIPLE:
        raise ExportError(f"{where}: multiple={multiple!r}; expected one of {list(MULTIPLE)}")
    if isinstance(min_length, bool) or not isinstance(min_length, int) or min_length < 0:
        raise ExportError(f"{where}: min_length must be an integer >= 0, got {min_length!r}")
    if stratify_by is not None and ds.schema.metadata_property(stratify_by) is None:
        names = [p.name for p in ds.schema.metadata_properties]
        raise ExportError(
            f"{where}: stratify_by={stratify_by!r} is not a declared metadata property; "
            f"expected one of {names}"
        )

    records = ds._records_frame()
    raw = ds._responses_raw()
    status = raw["status"].to_numpy(dtype=object)
    responses = {s: int(n) for s, n in pd.Series(status).value_counts().items()}
    dropped: dict[str, int] = {}

    def drop(reason: str, n: int) -> None:
        if n:
            dropped[reason] = dropped.get(reason, 0) + int(n)

    drop(DROP_DRAFT, responses.get("draft", 0))
    drop(DROP_DISCARDED, responses.get("discarded", 0))
    sub = raw[status == "submitted"]
    if sub.empty:
        raise ExportError(
            f"{where}: no submitted answers in {len(records)} records "
            f"(responses by status: {responses or 'none'}); submit answers first"
        )

    comp = pc.utf8_trim_whitespace(_answer_texts(sub["values"], completion))
    pos = np.asarray(
        pc.index_in(_column(sub["record_id"]), value_set=_column(records[T.ID])).to_numpy(
            zero_copy_only=False
        ),
        dtype=np.int64,
    )
    prompts = pc.utf8_trim_whitespace(_column(records[prompt]).take(pa.array(pos)))

    def null_or(mask: pa.Array) -> np.ndarray:
        return np.asarray(pc.fill_null(mask, True).to_numpy(zero_copy_only=False), dtype=bool)

    comp_len = pc.utf8_length(comp)
    no_answer = null_or(pc.equal(comp_len, 0))
    no_prompt = null_or(pc.equal(pc.utf8_length(prompts), 0)) & ~no_answer
    short = null_or(pc.less(comp_len, min_length)) & ~no_answer & ~no_prompt
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

    # Everything below works on integer codes; strings are taken once, at the end.
    encoded = pc.dictionary_encode(normalize_prompts(prompts))
    all_groups = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    users_enc = pc.dictionary_encode(_column(sub["user"]))
    user_rank = np.argsort(np.argsort(np.asarray(users_enc.dictionary.to_pylist(), dtype=object)))
    all_users = user_rank[np.asarray(users_enc.indices.to_numpy(zero_copy_only=False))]
    group_raw, position = all_groups[keep], pos[keep]
    # renumber the groups still present, so every group below has an answer
    present, group = np.unique(group_raw, return_inverse=True)
    keys = encoded.dictionary.take(pa.array(present))
    user_code = all_users[keep]
    updated = sub["updated_at"].to_numpy(dtype="float64")[keep]

    # Duplicate prompt groups: groups holding more than one record with a usable answer.
    pairs = np.unique(group * (len(records) + 1) + position)
    duplicate_groups = int((np.bincount(pairs // (len(records) + 1)) > 1).sum())

    unit = group if dedupe else position
    order = np.lexsort((position, user_code, updated, unit))
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
        pick = last_of_unit if multiple == "latest" else first_of_unit
        # for each sorted row, the record whose answer its unit keeps
        unit_index = np.cumsum(first_of_unit) - 1
        winner_pos = position[order][pick][unit_index]
        lost = ~pick
        same_record = winner_pos[lost] == position[order][lost]
        drop(DROP_SAME_RECORD.format(multiple=multiple), same_record.sum())
        drop(DROP_DUPLICATE_PROMPT.format(multiple=multiple), (~same_record).sum())
        chosen = order[pick]

    # Split by group: every answer of a group lands on the same side.
    n_groups = len(keys)
    strata = None
    if stratify_by is not None:
        first_pos = np.full(n_groups, -1, dtype=np.int64)
        first_pos[group[chosen][::-1]] = position[chosen][::-1]
        column = records[T.meta_column(stratify_by)].to_numpy(dtype=object)
        strata = list(column[first_pos])
    if split:
        group_order, group_test = split_groups(keys, strata, test_size, seed, where)
    else:
        group_order = np.arange(n_groups)
        group_test = np.zeros(n_groups, dtype=bool)
    g = group[chosen]
    final = chosen[
        np.lexsort((position[chosen], user_code[chosen], updated[chosen], group_order[g]))
    ]
    g = group[final]
    rows = pa.array(keep[final])  # rows of `sub`

    def arrow(values: pa.Array) -> pd.api.extensions.ExtensionArray:
        return pd.arrays.ArrowExtensionArray(values)

    frame = pd.DataFrame(
        {
            "position": position[final],
            "record_id": arrow(_column(sub["record_id"]).take(rows)),
            "user": arrow(_column(sub["user"]).take(rows)),
            "updated_at": updated[final],
            "time_spent": sub["time_spent"].to_numpy(dtype="float64")[keep][final],
            "prompt": arrow(prompts.take(rows)),
            "completion": arrow(comp.take(rows)),
            "split": arrow(pa.array(np.where(group_test[g], "test", "train"), type=pa.string())),
        }
    )
    return SFTPlan(
        examples=frame,
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
    )


# ----------------------------------------------------------------------------- to_sft
def _sft_features(format: str, include: Sequence[str]) -> Any:
    datasets = _require_datasets()
    value = datasets.Value
    if format == "prompt_completion":
        spec: dict[str, Any] = {"prompt": value("string"), "completion": value("string")}
    elif format == "text":
        spec = {"text": value("string")}
    else:
        spec = {"messages": datasets.List({"role": value("string"), "content": value("string")})}
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
    ds: FeedbackDataset,
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
    multiple : {"latest", "first", "all"}
        How many answers a prompt keeps when several people answered it (or the same prompt
        appears in several records, with ``dedupe``). The default, "latest", keeps the most
        recent answer: one demonstration per prompt, so prompts many people answered do not
        weigh more, and a later answer (often a review or a fix after the guidelines changed)
        wins. "first" keeps the earliest; "all" keeps every distinct answer.
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
        Show a progress bar (by default only on large data).

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
    datasets = _require_datasets()
    n_answers = len(ds._responses_raw())
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
    )
    next(steps, None)
    records = ds._records_frame()
    # Render each split from its own rows: no full-size table that is then filtered in two.
    is_test = (plan.examples["split"] == "test").to_numpy(dtype=bool)
    result = datasets.DatasetDict(
        {
            name: _dataset(
                _sft_table(
                    plan.examples[mask].reset_index(drop=True),
                    records,
                    ds.schema.field_names,
                    format=format,
                    prompt_template=prompt_template,
                    template=template,
                    system_prompt=system_prompt,
                    include=include,
                ),
                _sft_features(format, include),
            )
            for name, mask in (("train", ~is_test), ("test", is_test))
        }
    )
    for _ in steps:
        pass
    return result


def _sft_table(
    examples: pd.DataFrame,
    records: pd.DataFrame,
    fields: list[str],
    *,
    format: str,
    prompt_template: str,
    template: str,
    system_prompt: str | None,
    include: Sequence[str],
) -> pa.Table:
    """Build one split's Arrow table in the asked format from its rows of the plan."""
    where = "to_sft"
    take = pa.array(examples["position"].to_numpy())
    prompts = pa.array(examples["prompt"].array)
    completions = pa.array(examples["completion"].array)
    columns: dict[str, pa.Array] = {"prompt": prompts, "completion": completions}

    def column(name: str) -> pa.Array | None:
        if name not in columns and name in fields:
            columns[name] = _column(records[name]).take(take)
        return columns.get(name)

    out: dict[str, pa.Array] = {}
    if format == "prompt_completion":
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
            out[name] = pa.array(examples[name].array)
        elif name in ("time_spent", "updated_at"):
            out[name] = pa.array(examples[name].to_numpy(dtype="float64"), from_pandas=True)
        elif name == "external_id":
            out[name] = _column(records[T.EXTERNAL_ID]).take(take)
        else:
            out[name] = _column(records[T.METADATA]).take(take)
    return pa.Table.from_pydict(out).cast(_sft_features(format, include).arrow_schema)


def _dataset(table: pa.Table, features: Any) -> Dataset:
    """Wrap an Arrow table as an in-memory ``datasets.Dataset`` with the given features.

    ``Dataset.from_pandas`` would fingerprint the data by pickling all of it (a third of the
    time at 100,000 rows); an in-memory dataset gets a random fingerprint, as datasets itself
    gives the results of transforms it cannot hash.
    """
    datasets = _require_datasets()
    from datasets.fingerprint import generate_random_fingerprint
    from datasets.table import InMemoryTable

    return datasets.Dataset(
        InMemoryTable(table.combine_chunks()),
        info=datasets.DatasetInfo(features=features),
        fingerprint=generate_random_fingerprint(),
    )


def export_sft(
    splits: DatasetDict | Mapping[str, Dataset],
    folder: str | Path,
    formats: Sequence[str] = ("jsonl", "parquet"),
) -> dict[str, list[Path]]:
    """Write each split to ``folder`` as JSONL, parquet and/or a ``save_to_disk`` folder.

    Parameters
    ----------
    splits : datasets.DatasetDict
        What ``to_sft`` returned (any mapping of split name to Dataset).
    folder : str or Path
        Created if missing. Files are ``<split>.jsonl`` and ``<split>.parquet``; "disk" writes
        ``folder/dataset_dict`` (read it back with ``datasets.load_from_disk``).
    formats : sequence of {"jsonl", "parquet", "disk"}
        What to write.

    Returns
    -------
    dict
        The paths written, by format.

    Notes
    -----
    Each file is written to a temporary name in ``folder`` and then renamed, so a crash never
    leaves a half-written file under the final name. To publish, call
    ``splits.push_to_hub(repo_id)`` (``datasets``' own method).
    """
    datasets = _require_datasets()
    if isinstance(formats, str):
        formats = (formats,)
    bad = [f for f in formats if f not in ("jsonl", "parquet", "disk")]
    if bad:
        raise ExportError(f"export_sft: formats={bad!r}; expected some of jsonl, parquet, disk")
    target = Path(folder).expanduser()
    target.mkdir(parents=True, exist_ok=True)
    written: dict[str, list[Path]] = {}
    for fmt in formats:
        paths: list[Path] = []
        if fmt == "disk":
            path = target / "dataset_dict"
            datasets.DatasetDict(dict(splits)).save_to_disk(str(path))
            paths.append(path)
        else:
            for name, split in splits.items():
                path = target / f"{name}.{fmt}"
                tmp = target / f".{name}.{fmt}.tmp"
                if fmt == "jsonl":
                    split.to_json(str(tmp), lines=True, force_ascii=False)
                else:
                    split.to_parquet(str(tmp))
                tmp.replace(path)
                paths.append(path)
        written[fmt] = paths
    return written


# ------------------------------------------------------------ Argilla v1 datasets layout
def _value_feature(kind: str) -> Any:
    datasets = _require_datasets()
    value = datasets.Value
    if kind == "rating_question":
        return value("int32")
    if kind == "multi_label_question":
        return datasets.List(value("string"))
    if kind == "ranking_question":
        return datasets.List({"rank": value("uint8"), "value": value("string")})
    return value("string")


def argilla_columns(ds: FeedbackDataset) -> tuple[dict[str, list[Any]], Any]:
    """Return Argilla v1's ``format_as("datasets")`` columns (Python lists) and features.

    Parameters
    ----------
    ds : FeedbackDataset
        The dataset.

    Returns
    -------
    tuple
        ``(columns, features)``: ``columns`` maps column name to one value per record.
    """
    datasets = _require_datasets()
    value = datasets.Value
    schema = ds.schema
    records = ds._records_frame()
    n = len(records)
    columns: dict[str, list[Any]] = {}
    spec: dict[str, Any] = {}
    for f in schema.fields:
        columns[f.name] = list(records[f.name].to_numpy(dtype=object, na_value=None))
        spec[f.name] = value("string")

    raw = ds._responses_raw()
    pos = pd.Index(records[T.ID]).get_indexer(raw["record_id"])
    order = np.argsort(pos, kind="stable")
    loads = _loads()
    parsed = [loads(v) for v in raw["values"].to_numpy(dtype=object)[order]]
    users = raw["user"].to_numpy(dtype=object)[order]
    statuses = raw["status"].to_numpy(dtype=object)[order]
    sorted_pos = pos[order]

    suggestions: list[dict[str, dict[str, Any]]] = [{} for _ in range(n)]
    for i, text in enumerate(records[T.SUGGESTIONS].to_numpy(dtype=object)):
        if isinstance(text, str):
            for s in loads(text):
                suggestions[i].setdefault(s["question_name"], s)

    for q in schema.questions:
        answers: list[list[dict[str, Any]]] = [[] for _ in range(n)]
        for p, vals, user, st in zip(sorted_pos, parsed, users, statuses, strict=True):
            if q.name in vals:
                answers[p].append({"user_id": user, "value": vals[q.name], "status": st})
        columns[q.name] = answers
        feat = _value_feature(q.kind)
        spec[q.name] = [{"user_id": value("string"), "value": feat, "status": value("string")}]
        score = value("float32")
        if q.kind in ("multi_label_question", "ranking_question"):
            score = datasets.List(score)
        sugg_values, sugg_meta = [], []
        for per in suggestions:
            s = per.get(q.name)
            sugg_values.append(None if s is None else s.get("value"))
            sugg_meta.append(
                {"type": None, "score": None, "agent": None}
                if s is None
                else {"type": s.get("type"), "score": s.get("score"), "agent": s.get("agent")}
            )
        columns[f"{q.name}-suggestion"] = sugg_values
        spec[f"{q.name}-suggestion"] = feat
        columns[f"{q.name}-suggestion-metadata"] = sugg_meta
        spec[f"{q.name}-suggestion-metadata"] = {
            "type": value("string"),
            "score": score,
            "agent": value("string"),
        }
    columns["external_id"] = list(records[T.EXTERNAL_ID].to_numpy(dtype=object, na_value=None))
    spec["external_id"] = value("string")
    columns["metadata"] = [
        m if isinstance(m, str) else None for m in records[T.METADATA].to_numpy(dtype=object)
    ]
    spec["metadata"] = value("string")
    return columns, datasets.Features(spec)


def format_as(ds: FeedbackDataset, format: str) -> Dataset:
    """Return the dataset as a ``datasets.Dataset`` in Argilla v1's column layout.

    Parameters
    ----------
    ds : FeedbackDataset
        The dataset.
    format : {"datasets"}
        The only format Argilla v1 had.

    Returns
    -------
    datasets.Dataset
        One row per record: a column per field; per question ``q``, ``q`` (a list of
        ``{"user_id", "value", "status"}``), ``q-suggestion`` and ``q-suggestion-metadata``
        (``{"type", "score", "agent"}``); ``external_id``; ``metadata`` as JSON text.
    """
    if format != "datasets":
        raise ExportError(f"format_as: format={format!r}; expected 'datasets'")
    datasets = _require_datasets()
    columns, features = argilla_columns(ds)
    return datasets.Dataset.from_dict(columns, features=features)
