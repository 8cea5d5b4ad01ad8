"""Comparison data for TRL: preference pairs (``to_preference``) and unpaired labels (``to_kto``).

A ``RankingQuestion`` whose options name fields ranks those fields' texts (the candidates) for
the record's prompt field; each submitted ranking gives pairs of (chosen, rejected) texts.
``preference_pairs`` builds those rows and is what ``to_preference`` and the training tasks
share. Splits are grouped by prompt, as ``to_sft`` does, so no prompt is both trained on and
evaluated on, and the same seed gives the same split in every process.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa

from nb_feedback.base._arrowtext import loads
from nb_feedback.base.errors import ExportError
from nb_feedback.domain.chat import encode
from nb_feedback.domain.comparisons import compared_fields
from nb_feedback.domain.schema import LabelQuestion, RankingQuestion, RatingQuestion
from nb_feedback.exports._grouping import check_seed, prompt_groups, split_by_hash
from nb_feedback.exports._reading import submitted_answers, the_only
from nb_feedback.exports.datasets_bridge import arrow_dataset, require_datasets
from nb_feedback.exports.turn_pairs import turn_kto_rows, turn_pair_rows

if TYPE_CHECKING:
    from datasets import DatasetDict

    from nb_feedback.store.view import DatasetView

PAIRS = ("best_vs_rest", "all")
FORMATS = ("standard", "conversational")
INCLUDE = ("record_id", "user", "source")
PAIR_COLUMNS = ["record_id", "user", "prompt", "chosen", "rejected", "source"]
"""``source`` is "ranking" for a pair from a ranking, "edit" for an edited suggestion, "turn"
for a corrected turn of a conversation (``nb_feedback.exports.turn_pairs``)."""


def _ranking_question(ds: DatasetView, ranking: str | None, where: str) -> RankingQuestion:
    rankings = [q for q in ds.schema.questions if isinstance(q, RankingQuestion)]
    if ranking is None:
        return the_only(rankings, "ranking questions", "pass ranking=<question name>", where)
    question = ds.schema.question(ranking)
    if not isinstance(question, RankingQuestion):
        raise ExportError(
            f"{where}: ranking={ranking!r} is not a ranking question; expected one of "
            f"{[q.name for q in rankings]}"
        )
    return question


def candidate_fields(question: RankingQuestion, ds: DatasetView, where: str) -> list[str]:
    """Return the fields a ranking question compares (``domain.comparisons.compared_fields``).

    Parameters
    ----------
    question : RankingQuestion
        The ranking question.
    ds : DatasetView
        The dataset whose text fields the options must name.
    where : str
        The caller's name, for messages.

    Returns
    -------
    list of str
        The option values, in the question's order.
    """
    values = compared_fields(ds.schema, question.name)
    if values is not None:
        return values
    # no comparison: say which options are why (the decision itself is compared_fields')
    options = [o["value"] for o in question.to_dict()["values"]]
    missing = [v for v in options if ds.schema.field(v) is None]
    if missing:
        raise ExportError(
            f"{where}: ranking question {question.name!r} has options {missing} that are not "
            f"fields; each option must name the field holding that candidate "
            f"(fields: {ds.schema.field_names})"
        )
    chats = [v for v in options if v in ds.schema.chat_field_names]
    raise ExportError(
        f"{where}: ranking question {question.name!r} has options {chats} that name chat "
        f"fields; each option must name a text field holding one candidate reply"
    )


def _prompt_field(ds: DatasetView, prompt: str | None, taken: Collection[str], where: str) -> str:
    fields = ds.schema.field_names
    if prompt is None:
        rest = [f for f in fields if f not in taken]
        if len(rest) != 1:
            raise ExportError(
                f"{where}: fields {rest} could hold the prompt; pass prompt=<field name>"
            )
        return rest[0]
    if ds.schema.field(prompt) is None:
        raise ExportError(f"{where}: prompt={prompt!r} is not a field; expected one of {fields}")
    if prompt in taken:
        raise ExportError(f"{where}: prompt={prompt!r} is also a candidate being compared")
    return prompt


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _prompt_text(value: Any, chat: bool) -> str:
    """Return a prompt as text: a conversation as its canonical JSON text (``nb_feedback.domain.chat``)."""
    if chat:
        return encode(value) if isinstance(value, list) and value else ""
    return _text(value)


def _ranked_pairs(ranking: Any, pairs: str) -> list[tuple[str, str]]:
    """Return (better, worse) option pairs of one ranking; equal ranks give no pair."""
    items = sorted((int(i["rank"]), n, str(i["value"])) for n, i in enumerate(ranking))
    best = items[0][0]
    out: list[tuple[str, str]] = []
    for a, (rank_a, _, value_a) in enumerate(items):
        if pairs == "best_vs_rest" and rank_a != best:
            break
        out.extend((value_a, value_b) for rank_b, _, value_b in items[a + 1 :] if rank_b > rank_a)
    return out


def preference_pairs(
    ds: DatasetView,
    prompt: str | None = None,
    ranking: str | None = None,
    pairs: str = "best_vs_rest",
    *,
    edits: str | None = None,
    where: str = "preference_pairs",
) -> pd.DataFrame:
    """Return one row per preference pair from the submitted answers, in record order.

    Parameters
    ----------
    ds : FeedbackDataset
        The dataset.
    prompt : str, optional
        The field holding the prompt; defaults to the only field the ranking does not compare.
    ranking : str, optional
        A ranking question whose options name the fields holding the candidates; defaults to
        the only ranking question (a dataset without one gives only ``edits`` pairs).
    pairs : {"best_vs_rest", "all"}
        Pair each top-ranked candidate with every worse one, or every two candidates of
        different rank. Equal ranks (ties) give no pair.
    edits : str, optional
        A text question: each submitted answer that differs from the record's suggestion for
        it also gives a pair, the answer as chosen and the suggestion as rejected.
    where : str
        The caller's name, for messages.

    Returns
    -------
    pandas.DataFrame
        Columns ``record_id``, ``user``, ``prompt``, ``chosen``, ``rejected`` and ``source``
        ("ranking" or "edit"). Every submitted answer counts (several annotators give several
        rows); drafts and discarded answers never do, nor pairs whose texts are empty or equal.

    Examples
    --------
    >>> import nb_feedback as rg
    >>> ds = rg.FeedbackDataset(
    ...     fields=[rg.TextField(name="prompt"), rg.TextField(name="a"), rg.TextField(name="b")],
    ...     questions=[rg.RankingQuestion(name="best", values=["a", "b"])])
    >>> ds.add_records([{"prompt": "2+2?", "a": "5", "b": "4"}])
    >>> _ = ds.add_response(ds[0].id, {"best": [{"value": "b", "rank": 1},
    ...                                         {"value": "a", "rank": 2}]}, user="me")
    >>> preference_pairs(ds)[["prompt", "chosen", "rejected"]].values.tolist()
    [['2+2?', '4', '5']]
    """
    if pairs not in PAIRS:
        raise ExportError(f"{where}: pairs={pairs!r}; expected one of {list(PAIRS)}")
    question: RankingQuestion | None = None
    has_ranking = any(isinstance(q, RankingQuestion) for q in ds.schema.questions)
    if ranking is not None or edits is None or has_ranking:
        question = _ranking_question(ds, ranking, where)
    candidates = candidate_fields(question, ds, where) if question is not None else []
    prompt = _prompt_field(ds, prompt, candidates, where)
    if edits is not None:
        q = ds.schema.question(edits)
        if q is None or q.kind != "text_question":
            texts = [x.name for x in ds.schema.questions if x.kind == "text_question"]
            raise ExportError(
                f"{where}: edits={edits!r} is not a text question; expected one of {texts}"
            )

    chat = prompt in ds.schema.chat_field_names
    records, submitted = submitted_answers(ds)
    columns = {f: records[f].tolist() for f in (prompt, *candidates)}
    suggested: dict[str, str] = {}
    if edits is not None:
        for record_id, items in zip(records["id"], records["suggestions"], strict=True):
            text = next((_text(s["value"]) for s in items if s["question_name"] == edits), "")
            if text:
                suggested[record_id] = text

    found: list[tuple[int, str, int, list[Any]]] = []
    for k, record_id, user, values in submitted:
        prompt_text = _prompt_text(columns[prompt][k], chat)
        if not prompt_text:
            continue
        rows: list[list[Any]] = []
        if question is not None and question.name in values:
            for better, worse in _ranked_pairs(values[question.name], pairs):
                rows.append(
                    [prompt_text, _text(columns[better][k]), _text(columns[worse][k]), "ranking"]
                )
        if edits is not None and record_id in suggested:
            rows.append([prompt_text, _text(values.get(edits)), suggested[record_id], "edit"])
        found.extend(
            (k, str(user), n, [record_id, user, *row])
            for n, row in enumerate(rows)
            if row[1] and row[2] and row[1] != row[2]
        )
    found.sort(key=lambda x: x[:3])
    out = pd.DataFrame([row for *_, row in found], columns=PAIR_COLUMNS, dtype=object)
    out.attrs["chat"] = chat  # the prompts are conversations (JSON text)
    return out


def _split(
    frame: pd.DataFrame, test_size: float | int, seed: int, where: str
) -> tuple[np.ndarray, np.ndarray]:
    """Return (row order, is_test per row) with every prompt's rows on one side."""
    # rows from the turns of one conversation carry it as "group": one side for them all
    key = frame["group"] if "group" in frame.columns else frame["prompt"]
    group, group_hash = prompt_groups(pa.array(key.tolist(), pa.string()), seed)
    group_order, group_test = split_by_hash(group_hash, None, test_size, where)
    order = np.lexsort((np.arange(len(frame)), group_order[group]))
    return order, group_test[group]


def _messages(texts: Sequence[str], role: str) -> list[list[dict[str, str]]]:
    return [[{"role": role, "content": t}] for t in texts]


def _splits(
    frame: pd.DataFrame,
    texts: dict[str, str],
    format: str,
    include: Sequence[str],
    allowed: Sequence[str],
    test_size: float | int,
    seed: int,
    where: str,
    *,
    chat: bool = False,
) -> DatasetDict:
    """Split ``frame`` by prompt and render each side in ``format`` as a ``datasets.Dataset``.

    ``texts`` maps each text column to its role in the conversational format. With ``chat``,
    each prompt is a conversation (JSON text), rendered as its messages.
    """
    if format not in FORMATS:
        raise ExportError(f"{where}: format={format!r}; expected one of {list(FORMATS)}")
    if chat and format != "conversational":
        raise ExportError(
            f"{where}: the prompts are conversations (a ChatField): use format='conversational'"
        )
    include = (include,) if isinstance(include, str) else tuple(include)
    unknown = [c for c in include if c not in allowed]
    if unknown:
        raise ExportError(f"{where}: include={unknown!r} unknown; expected some of {list(allowed)}")
    seed = check_seed(seed, where)
    datasets = require_datasets()
    order, is_test = _split(frame, test_size, seed, where)
    string = datasets.Value("string")
    message = datasets.List({"role": string, "content": string})
    spec: dict[str, Any] = {}
    for name in texts:
        spec[name] = string if format == "standard" else message
    if "label" in frame.columns:  # KTO's desirable / undesirable flag
        spec["label"] = datasets.Value("bool")
    for name in include:
        spec[name] = string
    features = datasets.Features(spec)
    out = {}
    for split, side in (("train", ~is_test), ("test", is_test)):
        rows = frame.iloc[order[side[order]]]
        columns: dict[str, Any] = {name: rows[name].tolist() for name in spec}
        if format == "conversational":
            for name, role in texts.items():
                if chat and name == "prompt":
                    columns[name] = [loads(text) for text in columns[name]]
                else:
                    columns[name] = _messages(columns[name], role)
        table = pa.Table.from_pydict(columns, schema=features.arrow_schema)
        out[split] = arrow_dataset(table, features)
    return datasets.DatasetDict(out)


def to_preference(
    ds: DatasetView,
    prompt: str | None = None,
    ranking: str | None = None,
    format: str = "standard",
    pairs: str = "best_vs_rest",
    test_size: float | int = 0.2,
    seed: int = 0,
    *,
    edits: str | None = None,
    turns: str | None = None,
    include: Sequence[str] = (),
) -> DatasetDict:
    """Build preference train/test splits for TRL (``DPOTrainer``, ``RewardTrainer``).

    Parameters
    ----------
    ds : FeedbackDataset
        The dataset.
    prompt, ranking, pairs, edits
        Which answers give which pairs: see ``preference_pairs``.
    format : {"standard", "conversational"}
        ``prompt``/``chosen``/``rejected`` as texts, or as message lists (a user turn for the
        prompt, an assistant turn for each answer). A prompt that is a conversation (a
        ``ChatField``) is given as its messages, and needs "conversational".
    turns : str, optional
        A text question asked of each assistant turn (``turns_of=<chat field>``): each
        corrected turn gives a pair, ``prompt`` = the conversation up to that turn,
        ``chosen`` = the correction, ``rejected`` = the original turn (see
        ``nb_feedback.exports.turn_pairs``). Defaults to the only such question when the dataset has
        no ranking question and ``edits`` is not given.
    test_size : float or int
        Fraction (0, 1) of prompts for the test split, or a number of prompts.
    seed : int
        Seed of the split; the same seed gives the same split in every process.
    include : sequence of str
        Extra columns among "record_id", "user" and "source".

    Returns
    -------
    datasets.DatasetDict
        ``{"train", "test"}``; every pair of a prompt (after normalisation, as ``to_sft``
        groups prompts) lands in the same split.

    Raises
    ------
    ExportError
        No pair to build, too few prompts to split, or an unknown name or option.

    Examples
    --------
    >>> import nb_feedback as rg
    >>> ds = rg.FeedbackDataset(
    ...     fields=[rg.TextField(name="prompt"), rg.TextField(name="a"), rg.TextField(name="b")],
    ...     questions=[rg.RankingQuestion(name="best", values=["a", "b"])])
    >>> ds.add_records([{"prompt": f"{i}+1?", "a": str(i + 1), "b": str(i)} for i in range(5)])
    >>> for r in ds:
    ...     _ = ds.add_response(r.id, {"best": [{"value": "a", "rank": 1},
    ...                                         {"value": "b", "rank": 2}]}, user="me")
    >>> to_preference(ds, test_size=1).num_rows
    {'train': 4, 'test': 1}
    """
    where = "to_preference"
    has_ranking = any(isinstance(q, RankingQuestion) for q in ds.schema.questions)
    per_turn_texts = [
        q for q in ds.schema.questions if q.kind == "text_question" and q.turns_of is not None
    ]
    if turns is not None or (
        not has_ranking and edits is None and ranking is None and len(per_turn_texts) == 1
    ):
        frame = turn_pair_rows(ds, turns, where)
        if frame.empty:
            raise ExportError(f"{where}: no corrected turn in the submitted answers")
        texts = {"prompt": "user", "chosen": "assistant", "rejected": "assistant"}
        return _splits(frame, texts, format, include, INCLUDE, test_size, seed, where, chat=True)
    frame = preference_pairs(ds, prompt, ranking, pairs, edits=edits, where=where)
    chat = bool(frame.attrs.get("chat"))
    if frame.empty:
        raise ExportError(
            f"{where}: no preference pair in {len(ds)} records: a pair needs a submitted "
            "ranking with two different ranks (ties give none) over non-empty, different texts"
        )
    texts = {"prompt": "user", "chosen": "assistant", "rejected": "assistant"}
    return _splits(frame, texts, format, include, INCLUDE, test_size, seed, where, chat=chat)


def kto_rows(
    ds: DatasetView,
    prompt: str | None = None,
    completion: str | None = None,
    question: str | None = None,
    *,
    threshold: int | None = None,
    desirable: Collection[str] | None = None,
    corrections: str | None = None,
    where: str = "kto_rows",
) -> pd.DataFrame:
    """Return one row per submitted rating or label: prompt, completion and a bool label.

    Parameters
    ----------
    ds : FeedbackDataset
        The dataset.
    prompt, completion : str, optional
        The fields holding the prompt and the rated response; with exactly two fields they
        default to the first and the second.
    question : str, optional
        A rating or label question; defaults to the only one.
    threshold : int
        For a rating question: ratings at or above it are desirable.
    desirable : collection of str
        For a label question: the labels that mark a desirable completion.
    corrections : str, optional
        For a question asked of each assistant turn: the per-turn text question holding
        corrections (defaults to the only one on the same chat field). The rule: each rated
        turn is labelled by its rating; a corrected turn is undesirable whatever its rating,
        and its correction is a desirable completion of the same prompt (the conversation up
        to that turn).
    where : str
        The caller's name, for messages.

    Returns
    -------
    pandas.DataFrame
        Columns ``record_id``, ``user``, ``prompt``, ``completion`` and ``label``, in record
        order; every submitted answer counts, drafts and discarded answers never do. Rows of
        a per-turn question also have ``group`` (the whole conversation).
    """
    kinds = ("rating_question", "label_question")
    scored = [q for q in ds.schema.questions if q.kind in kinds]
    if question is None:
        q = the_only(scored, "rating or label questions", "pass question=<question name>", where)
    else:
        found = ds.schema.question(question)
        if found is None or found.kind not in kinds:
            raise ExportError(
                f"{where}: question={question!r} is not a rating or label question; expected "
                f"one of {[x.name for x in scored]}"
            )
        q = found
    if isinstance(q, RatingQuestion):
        if isinstance(threshold, bool) or not isinstance(threshold, int | float):
            raise ExportError(
                f"{where}: question {q.name!r} is a rating {list(q.values)}: pass threshold=<n> "
                f"(ratings >= n are desirable), got threshold={threshold!r}"
            )

        def is_good(v: Any) -> bool:
            return bool(v >= threshold)
    else:
        assert isinstance(q, LabelQuestion)
        labels = q.label_values
        chosen = [desirable] if isinstance(desirable, str) else list(desirable or [])
        bad = [x for x in chosen if x not in labels]
        if not chosen or bad:
            raise ExportError(
                f"{where}: question {q.name!r} is a label question: pass desirable=<labels> "
                f"among {labels}, got {desirable!r}"
            )
        good = set(chosen)

        def is_good(v: Any) -> bool:
            return v in good

    if q.turns_of is not None:  # asked of each assistant turn: rows per turn
        return turn_kto_rows(ds, q, is_good, corrections, where)
    fields = ds.schema.field_names
    if prompt is None and completion is None and len(fields) == 2:
        prompt, completion = fields
    for role, name in (("prompt", prompt), ("completion", completion)):
        if name is None or ds.schema.field(name) is None:
            raise ExportError(
                f"{where}: {role}={name!r}: pass the name of a field, one of {fields}"
            )
    assert prompt is not None and completion is not None
    records, submitted = submitted_answers(ds)
    prompts, completions = records[prompt].tolist(), records[completion].tolist()
    found_rows = []
    for k, record_id, user, values in submitted:
        p, c = _text(prompts[k]), _text(completions[k])
        if q.name in values and p and c:
            found_rows.append((k, str(user), [record_id, user, p, c, is_good(values[q.name])]))
    found_rows.sort(key=lambda x: x[:2])
    frame = pd.DataFrame(
        [row for *_, row in found_rows],
        columns=["record_id", "user", "prompt", "completion", "label"],
        dtype=object,
    )
    frame["label"] = frame["label"].astype(bool)
    return frame


def to_kto(
    ds: DatasetView,
    prompt: str | None = None,
    completion: str | None = None,
    question: str | None = None,
    *,
    threshold: int | None = None,
    desirable: Collection[str] | None = None,
    format: str = "standard",
    test_size: float | int = 0.2,
    seed: int = 0,
    include: Sequence[str] = (),
    corrections: str | None = None,
) -> DatasetDict:
    """Build TRL's unpaired preference splits (``prompt``/``completion``/``label``) for KTO.

    Parameters
    ----------
    ds : FeedbackDataset
        The dataset.
    prompt, completion, question, threshold, desirable
        Which answers give which rows: see ``kto_rows``.
    format : {"standard", "conversational"}
        Texts, or message lists (a user turn for the prompt, an assistant turn for the
        completion).
    test_size : float or int
        Fraction (0, 1) of prompts for the test split, or a number of prompts.
    seed : int
        Seed of the split; the same seed gives the same split in every process.
    corrections : str, optional
        For a question asked of each assistant turn: see ``kto_rows``.
    include : sequence of str
        Extra columns among "record_id" and "user".

    Returns
    -------
    datasets.DatasetDict
        ``{"train", "test"}``, split by prompt.

    Examples
    --------
    >>> import nb_feedback as rg
    >>> ds = rg.FeedbackDataset(
    ...     fields=[rg.TextField(name="prompt"), rg.TextField(name="reply")],
    ...     questions=[rg.RatingQuestion(name="quality", values=[1, 2, 3])])
    >>> ds.add_records([{"prompt": f"{i}+1?", "reply": str(i + 1)} for i in range(4)])
    >>> for r in ds:
    ...     _ = ds.add_response(r.id, {"quality": 3}, user="me")
    >>> to_kto(ds, threshold=2, test_size=1)["train"][0]["label"]
    True
    """
    where = "to_kto"
    frame = kto_rows(
        ds,
        prompt,
        completion,
        question,
        threshold=threshold,
        desirable=desirable,
        corrections=corrections,
        where=where,
    )
    if frame.empty:
        raise ExportError(f"{where}: no submitted answer to rate in {len(ds)} records")
    texts = {"prompt": "user", "completion": "assistant"}
    chat = "group" in frame.columns  # rows of a question asked of each turn: conversations
    return _splits(
        frame, texts, format, include, ("record_id", "user"), test_size, seed, where, chat=chat
    )
