"""Hostile input: each case gets a clear error naming what was wrong and changes nothing, or,
where the input is legal, is handled exactly (stored and read back as given)."""

from __future__ import annotations

import json
import math
import re
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nb_feedback as rg
from conftest import make_records, make_schema_kwargs
from nb_feedback.base.errors import FeedbackError
from nb_feedback.store import persistence

SURROGATE = "\ud800"
TEN_MB = "x" * 10_000_000
CONTROL = "nul\x00 bel\x07 esc\x1b[2J del\x7f c1\x85\x9f tab\t cr\r lf\n ls\u2028 bom\ufeff"
RTL_EMOJI = "שלום \u200f עולם — مرحبا 👩‍💻🏳️‍🌈 e\u0301 \u202eevil\u202c"


def files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def state(ds: rg.FeedbackDataset) -> tuple[pd.DataFrame, pd.DataFrame]:
    return ds.to_pandas(), ds.responses_frame()


def assert_same_state(a: tuple[pd.DataFrame, ...], b: tuple[pd.DataFrame, ...]) -> None:
    for x, y in zip(a, b, strict=True):
        pd.testing.assert_frame_equal(x, y)


@pytest.fixture
def saved(tmp_path: Path) -> Iterator[rg.FeedbackDataset]:
    """3 records, one answer in the snapshot and one in ann's log, saved to a folder."""
    ds = rg.FeedbackDataset(**make_schema_kwargs())
    ds.add_records(make_records(3))
    ds.add_response(ds[0].id, {"demonstration": "in the snapshot"}, user="ann")
    ds.save(tmp_path / "ds")
    ds.add_response(ds[1].id, {"demonstration": "in the log", "quality": 4}, user="ann")
    yield ds
    ds.close()


def reopened(ds: rg.FeedbackDataset) -> rg.FeedbackDataset:
    assert ds.folder is not None
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a legal input must reload without any skip
        return rg.FeedbackDataset.from_disk(ds.folder)


# ------------------------------------------------------------------------------- schema


def _schema(**change: Any) -> dict[str, Any]:
    kwargs = make_schema_kwargs()
    kwargs.update(change)
    return kwargs


SCHEMA_CASES = [
    pytest.param(
        _schema(questions=[rg.TextQuestion(name="prompt")]),
        r"question name 'prompt' is already used by a field",
        id="schema-field-question-name-collision",
    ),
    pytest.param(_schema(fields=None), r"fields: expected a list, got NoneType", id="schema-none"),
    pytest.param(
        _schema(fields=["prompt"]), r"fields\[0\]: expected one of TextField", id="schema-str"
    ),
    pytest.param(
        _schema(metadata_properties=[rg.IntegerMetadataProperty(name="a")] * 2),
        r"metadata_properties: each name must be unique",
        id="schema-duplicate-metadata",
    ),
]

SCHEMA_BUILD_CASES = [
    pytest.param(
        lambda: rg.TextQuestion(name="ответ"), r"question name 'ответ'", id="schema-cyrillic-name"
    ),
    pytest.param(
        lambda: rg.TextField(name="a" + SURROGATE), r"field name 'a\\ud800'", id="schema-surrogate"
    ),
    pytest.param(
        lambda: rg.RatingQuestion(name="q", values=[1, math.nan]),
        r"question 'q': values must be at least 2 distinct integers",
        id="schema-nan-rating",
    ),
    pytest.param(
        lambda: rg.LabelQuestion(name="q", labels=["a", None]),
        r"question 'q': each label must be a non-empty string, got None",
        id="schema-none-label",
    ),
    pytest.param(
        lambda: rg.LabelQuestion(name="q", labels=["a", " \t"]),
        r"question 'q': each label must be a non-empty string",
        id="schema-blank-label",
    ),
    pytest.param(
        lambda: rg.TextField(name="p", title="t" + SURROGATE),
        r"field 'p': title must be valid Unicode text",
        id="schema-surrogate-title",
    ),
    pytest.param(
        lambda: rg.FeedbackDataset(**_schema(guidelines="g" + SURROGATE)),
        r"dataset: guidelines must be valid Unicode text",
        id="schema-surrogate-guidelines",
    ),
    pytest.param(
        lambda: rg.LabelQuestion(name="q", labels={"a": "shown" + SURROGATE, "b": "b"}),
        r"question 'q': each label must be a non-empty string",
        id="schema-surrogate-label-text",
    ),
    pytest.param(
        lambda: rg.TermsMetadataProperty(name="m", values=["x" + SURROGATE]),
        r"metadata property 'm': values must be a non-empty list of strings",
        id="schema-surrogate-terms",
    ),
]


@pytest.mark.parametrize(("kwargs", "expected"), SCHEMA_CASES)
def test_bad_schema_is_refused(kwargs: dict[str, Any], expected: str) -> None:
    with pytest.raises(rg.SchemaError, match=expected):
        rg.FeedbackDataset(**kwargs)


@pytest.mark.parametrize(("build", "expected"), SCHEMA_BUILD_CASES)
def test_bad_schema_item_is_refused(build: Callable[[], Any], expected: str) -> None:
    with pytest.raises(rg.SchemaError, match=expected):
        build()


def test_legal_odd_text_in_the_schema_round_trips(tmp_path: Path) -> None:
    kwargs = _schema(
        guidelines=RTL_EMOJI + CONTROL,
        fields=[rg.TextField(name="prompt", title=RTL_EMOJI)],
    )
    ds = rg.FeedbackDataset(**kwargs)
    ds.add_records([{"prompt": "x"}])
    ds.save(tmp_path / "ds")
    loaded = rg.FeedbackDataset.from_disk(tmp_path / "ds")
    assert loaded.guidelines == RTL_EMOJI + CONTROL
    assert loaded.fields[0].title == RTL_EMOJI
    assert loaded.schema.to_dict() == ds.schema.to_dict()


# ------------------------------------------------------------------------ records/answers

Action = Callable[[rg.FeedbackDataset], Any]


def _add(*records: Any) -> Action:
    return lambda ds: ds.add_records(list(records))


def _answer(values: Any, *, position: int = 2, **kw: Any) -> Action:
    def act(ds: rg.FeedbackDataset) -> Any:
        kw.setdefault("user", "bob")
        return ds.add_response(ds[position].id, values, **kw)

    return act


def _dup_of_existing(ds: rg.FeedbackDataset) -> Any:
    return ds.add_records([{"prompt": "new", "id": ds[0].id}])


def _bulk_one_bad(ds: rg.FeedbackDataset) -> Any:
    rows = [{"record_id": r.id, "demonstration": f"a{k}"} for k, r in enumerate(ds)]
    rows[1]["quality"] = 9
    return ds.add_responses(rows, user="bulk")


BAD = [  # (action, error, pattern the message must match)
    pytest.param(_add({"prompt": 3}), rg.RecordError,
                 r"record 0: field 'prompt': expected text \(str\), got int 3", id="rec-int"),
    pytest.param(_add({"prompt": None}), rg.RecordError,
                 r"record 0: field 'prompt': required field", id="rec-none"),
    pytest.param(_add({"prompt": math.nan}), rg.RecordError,
                 r"record 0: field 'prompt': required field", id="rec-nan"),
    pytest.param(_add({"prompt": ""}), rg.RecordError,
                 r"record 0: field 'prompt': expected non-empty text", id="rec-empty"),
    pytest.param(_add({"prompt": " \t\n\u3000"}), rg.RecordError,
                 r"record 0: field 'prompt': expected non-empty text", id="rec-whitespace"),
    pytest.param(_add({"prompt": "ok"}, {"prompt": TEN_MB}), rg.RecordError,
                 r"record 1: field 'prompt': expected at most 1,000,000 characters, "
                 r"got 10,000,000", id="rec-10MB"),
    pytest.param(_add({"prompt": "ok"}, {"prompt": "a" + SURROGATE}), rg.RecordError,
                 r"record 1: field 'prompt': .*lone surrogate", id="rec-surrogate-field"),
    pytest.param(_add({"prompt": "ok", "id": "a" + SURROGATE}), rg.RecordError,
                 r"record 0.*\bid\b", id="rec-surrogate-id"),
    pytest.param(_add({"prompt": "ok", "metadata": {"note": SURROGATE}}), rg.RecordError,
                 r"record 0.*metadata", id="rec-surrogate-metadata"),
    pytest.param(_add({"prompt": "a", "id": "x"}, {"prompt": "b", "id": "x"}), rg.RecordError,
                 r"record 0: id 'x' appears twice in this batch", id="rec-duplicate-id"),
    pytest.param(_dup_of_existing, rg.RecordError, r"record 0: id '.*' is already in the dataset",
                 id="rec-id-taken"),
    pytest.param(_add({"fields": {"prompt": "a", "nope": "b"}}), rg.RecordError,
                 r"record 0: unknown field 'nope'", id="rec-unknown-field"),
    pytest.param(_add({"prompt": "a"}, {"prompt": "b", "demonstration": "c"}), rg.RecordError,
                 r"record 1: unknown column 'demonstration'", id="rec-question-as-field"),
    pytest.param(_add({"prompt": "a", "metadata": {"length": "10"}}), rg.RecordError,
                 r"record 0: metadata 'length': expected an integer", id="rec-meta-type"),
    pytest.param(_add({"prompt": "a", "metadata": {"score": math.nan}}), rg.RecordError,
                 r"record 0: metadata 'score': expected a number, got nan", id="rec-meta-nan"),
    pytest.param(_add({"prompt": "a", "external_id": ["e"]}), rg.RecordError,
                 r"record 0 \(external_id \['e'\]\): external_id must be a string", id="rec-external-id-list"),
    pytest.param(_add({"prompt": "a", "suggestions": {"nope": "x"}}), rg.RecordError,
                 r"record 0: suggestion for unknown question 'nope'", id="rec-sugg-unknown"),
    pytest.param(_add({"prompt": "a", "responses": [{"user": "u",
                       "values": {"demonstration": "x", "quality": True}}]}), rg.RecordError,
                 r"record 0: response 0, question 'quality': expected one of",
                 id="rec-response-bool-rating"),
    pytest.param(_add(None), rg.RecordError, r"record 0: expected a FeedbackRecord or a dict",
                 id="rec-none-record"),
    pytest.param(lambda ds: ds.add_records("prompt"), rg.RecordError,
                 r"add_records: expected a FeedbackRecord", id="rec-a-string"),
    pytest.param(lambda ds: ds.add_response("nope", {"demonstration": "x"}, user="bob"),
                 rg.ResponseError, r"record 'nope': no record with this id", id="ans-unknown-id"),
    pytest.param(_answer({"demonstration": "x", "prompt": "y"}), rg.ResponseError,
                 r"record '.*': unknown question 'prompt'", id="ans-field-as-question"),
    pytest.param(_answer({"demonstration": "x", "quality": 3.0}), rg.ResponseError,
                 r"record '.*', question 'quality': expected one of \[1, 2, 3, 4, 5\], got 3.0",
                 id="ans-float-rating"),
    pytest.param(_answer({"demonstration": None}), rg.ResponseError,
                 r"question 'demonstration': expected text \(str\), got NoneType",
                 id="ans-none-text"),
    pytest.param(_answer({"demonstration": TEN_MB}), rg.ResponseError,
                 r"question 'demonstration': expected at most 1,000,000 characters",
                 id="ans-10MB"),
    pytest.param(_answer({"demonstration": "a" + SURROGATE}), rg.ResponseError,
                 r"question 'demonstration': .*lone surrogate", id="ans-surrogate"),
    pytest.param(_answer({"demonstration": "x"}, user=" "), rg.ResponseError,
                 r"user must be a non-empty string", id="ans-blank-user"),
    pytest.param(_answer({"demonstration": "x"}, user=7), rg.ResponseError,
                 r"user must be a non-empty string, got 7", id="ans-int-user"),
    pytest.param(_answer({"demonstration": "x"}, user="u" + SURROGATE), rg.ResponseError,
                 r"user", id="ans-surrogate-user"),
    pytest.param(_answer({"demonstration": "x"}, status="done"), rg.ResponseError,
                 r"status must be one of", id="ans-bad-status"),
    pytest.param(_answer({"demonstration": "x"}, time_spent=math.nan), rg.ResponseError,
                 r"time_spent must be seconds >= 0, got nan", id="ans-nan-time"),
    pytest.param(_bulk_one_bad, rg.ResponseError,
                 r"answer 1: record '.*', question 'quality': expected one of .*"
                 r"no answer of this batch was added", id="bulk-one-bad-row"),
]  # fmt: skip


@pytest.mark.parametrize(("action", "error", "expected"), BAD)
def test_bad_input_is_refused_and_changes_nothing(
    saved: rg.FeedbackDataset, action: Action, error: type[Exception], expected: str
) -> None:
    assert saved.folder is not None
    before, on_disk = state(saved), files(saved.folder)
    with pytest.raises(error, match=expected):
        action(saved)
    assert_same_state(state(saved), before)
    assert files(saved.folder) == on_disk
    assert_same_state(state(reopened(saved)), before)


LEGAL = [  # (action, how to find what was stored, the value it must hold)
    pytest.param(_add({"prompt": CONTROL, "context": CONTROL}), "prompt", CONTROL,
                 id="ok-control-chars-field"),
    pytest.param(_add({"prompt": RTL_EMOJI, "metadata": {"source": "web", "note": RTL_EMOJI},
                       "external_id": RTL_EMOJI}), "prompt", RTL_EMOJI, id="ok-rtl-emoji-field"),
    pytest.param(_add({"prompt": "x" * 1_000_000}), "prompt", "x" * 1_000_000,
                 id="ok-text-at-the-limit"),
    pytest.param(_answer({"demonstration": CONTROL}), "demonstration", CONTROL,
                 id="ok-control-chars-answer"),
    pytest.param(_answer({"demonstration": RTL_EMOJI}, user=RTL_EMOJI), "demonstration",
                 RTL_EMOJI, id="ok-rtl-emoji-answer-and-user"),
    pytest.param(_answer({"demonstration": " "}, status="draft"), "demonstration", " ",
                 id="ok-blank-draft"),
]  # fmt: skip


@pytest.mark.parametrize(("action", "name", "value"), LEGAL)
def test_legal_odd_input_round_trips_exactly(
    saved: rg.FeedbackDataset, action: Action, name: str, value: str
) -> None:
    action(saved)
    after = state(saved)
    if name in saved.schema.field_names:
        stored = after[0][name].iloc[-1]
    else:
        stored = after[1][after[1]["record_id"] == saved[2].id]["values"].iloc[0][name]
    assert stored.encode("utf-8") == value.encode("utf-8")
    saved.close()
    assert_same_state(state(reopened(saved)), after)


# -------------------------------------------------------------------------------- folders


def _manifest(change: Callable[[dict[str, Any]], Any]) -> Callable[[Path], None]:
    def corrupt(folder: Path) -> None:
        path = folder / persistence.MANIFEST
        manifest = json.loads(path.read_text("utf-8"))
        change(manifest)
        path.write_text(json.dumps(manifest), "utf-8")

    return corrupt


def _truncate(pattern: str) -> Callable[[Path], None]:
    def corrupt(folder: Path) -> None:
        path = next(folder.glob(pattern))
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])

    return corrupt


def _write(name: str, data: bytes) -> Callable[[Path], None]:
    return lambda folder: (folder / name).write_bytes(data)


def _foreign(folder: Path) -> None:
    for path in sorted(folder.rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    (folder / "notes.txt").write_text("not a dataset", "utf-8")


def _checkpoint(change: Callable[[dict[str, Any]], Any]) -> Callable[[Path], None]:
    def corrupt(folder: Path) -> None:
        path = next(folder.glob("writers/*/checkpoint-*.json"))
        body = json.loads(path.read_text("utf-8"))
        change(body)
        path.write_text(json.dumps(body), "utf-8")

    return corrupt


FOLDERS = [
    pytest.param(_truncate("writers/*/checkpoint-*.records.parquet"), rg.StorageError,
                 r"records\.parquet: unreadable .*the folder is damaged",
                 id="dir-truncated-records"),
    pytest.param(_truncate("writers/*/checkpoint-*.responses.parquet"), rg.StorageError,
                 r"responses\.parquet: unreadable .*the folder is damaged",
                 id="dir-truncated-responses"),
    pytest.param(_write(persistence.MANIFEST, b"\x00\xff\xfe garbage \x89PNG"), rg.StorageError,
                 r"nb_feedback\.json: unreadable manifest", id="dir-garbage-manifest"),
    pytest.param(_write(persistence.MANIFEST, b""), rg.StorageError,
                 r"nb_feedback\.json: unreadable manifest", id="dir-empty-manifest"),
    pytest.param(_manifest(lambda m: m.update(format_version=99)), rg.StorageError,
                 r"format_version 99 is newer than this nb_feedback reads \(\d+\); upgrade",
                 id="dir-future-format"),
    pytest.param(_checkpoint(lambda m: m["schema"].update(fields=3)), rg.StorageError,
                 r"unreadable schema", id="dir-garbage-schema"),
    pytest.param(_checkpoint(lambda m: m.update(records="records-gone.parquet")),
                 rg.StorageError, r"no readable checkpoint|missing", id="dir-missing-part"),
    pytest.param(_foreign, rg.StorageError, r"not an nb_feedback dataset folder",
                 id="dir-foreign"),
]  # fmt: skip


@pytest.mark.parametrize(("corrupt", "error", "expected"), FOLDERS)
def test_a_damaged_folder_is_a_clear_error_and_is_left_alone(
    saved: rg.FeedbackDataset, corrupt: Callable[[Path], None], error: type, expected: str
) -> None:
    folder = saved.folder
    assert folder is not None
    saved.close()
    corrupt(folder)
    on_disk = files(folder)
    with pytest.raises(error, match=expected):
        rg.FeedbackDataset.from_disk(folder)
    assert files(folder) == on_disk


def test_an_undecodable_log_line_is_skipped_with_a_warning(saved: rg.FeedbackDataset) -> None:
    folder = saved.folder
    assert folder is not None
    saved.close()
    (log,) = [p for p in folder.glob(f"writers/*/{persistence.ANSWERS}") if p.stat().st_size]
    with log.open("ab") as fh:
        fh.write(b'{"record_id": "\xff\xfe", "values": 3}\n')
    with pytest.warns(rg.LoadWarning, match=r"answers\.jsonl: 1 unreadable line"):
        loaded = rg.FeedbackDataset.from_disk(folder)
    assert_same_state(state(loaded), state(saved))


def test_saving_onto_a_foreign_folder_leaves_it_alone(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "records-abc.parquet.bak").write_bytes(b"my own file")
    ds = rg.FeedbackDataset(**make_schema_kwargs())
    ds.add_records(make_records(2))
    with pytest.raises(rg.StorageError, match="is not empty and holds no nb_feedback dataset"):
        ds.save(folder, overwrite=True)
    assert files(folder) == {"records-abc.parquet.bak": b"my own file"}
    assert ds.folder is None


# ------------------------------------------------------------------------------- messages


def _msg(position: int | None = 2, **content: Any) -> Callable[[rg.FeedbackDataset], Any]:
    def build(ds: rg.FeedbackDataset) -> Any:
        base = {"type": "answer", "request_id": "view-1", "status": "submitted",
                "time_spent": 2.0}  # fmt: skip
        if position is not None:
            base["record_id"] = ds[position].id
        return {**base, **content}

    return build


MESSAGES = [  # (content, error text in the reply, or None for an ack)
    pytest.param(_msg(values=json.loads('{"demonstration": "a\\ud800"}')),
                 r"record '.*', question 'demonstration': .*lone surrogate",
                 id="msg-surrogate-json-escape"),
    pytest.param(_msg(values={"demonstration": TEN_MB}),
                 r"question 'demonstration': expected at most 1,000,000 characters",
                 id="msg-10MB"),
    pytest.param(_msg(values={"demonstration": "x", "quality": math.nan}),
                 r"question 'quality': expected one of", id="msg-nan-rating"),
    pytest.param(_msg(values={"demonstration": "x", "prompt": "field"}),
                 r"unknown question 'prompt'", id="msg-field-as-question"),
    pytest.param(_msg(None, values={"demonstration": "x"}, record_id=None),
                 r"'record_id': expected a string, got None", id="msg-null-record"),
    pytest.param(_msg(values={"demonstration": "x", "tags": json.loads("[" * 500 + "]" * 500)}),
                 r"question 'tags': expected a non-empty list of distinct labels",
                 id="msg-deeply-nested"),
    pytest.param(_msg(values={"demonstration": CONTROL}), None, id="msg-ok-control-chars"),
    pytest.param(_msg(values={"demonstration": RTL_EMOJI, "topic": "code"}), None,
                 id="msg-ok-rtl-emoji"),
]  # fmt: skip


@pytest.mark.parametrize(("build", "expected"), MESSAGES)
def test_front_end_message_on_a_saved_dataset(
    saved: rg.FeedbackDataset, build: Callable[[rg.FeedbackDataset], Any], expected: str | None
) -> None:
    assert saved.folder is not None
    w = saved.annotate(user="viewer")
    sent: list[dict[str, Any]] = []
    w.send = lambda msg, buffers=None: sent.append(msg)  # type: ignore[method-assign]
    content = build(saved)
    before, on_disk = state(saved), files(saved.folder)
    try:
        w._on_message(w, content, [])
    finally:
        w.close()
    (reply,) = sent
    if expected is not None:
        assert reply["type"] == "error"
        assert reply["request_id"] == "view-1"
        assert re.search(expected, reply["message"]), reply["message"]
        assert "internal error" not in reply["message"]
        assert_same_state(state(saved), before)
        assert files(saved.folder) == on_disk
        return
    assert reply == {"type": "ack", "request_id": "view-1", "record_id": content["record_id"],
                     "status": "submitted", "saved": True}  # fmt: skip
    saved.close()
    loaded = reopened(saved)
    (mine,) = [r for r in loaded[2].responses if r.user == "viewer"]
    assert mine.plain_values() == content["values"]
    text = content["values"]["demonstration"]
    assert mine.values["demonstration"].value.encode("utf-8") == text.encode("utf-8")
    assert_same_state(state(loaded), state(saved))


# ------------------------------------------------------------- fuzz: add_records of anything

_NAMES = st.sampled_from(
    ["prompt", "context", "metadata", "suggestions", "responses", "external_id", "id", "fields",
     "source", "length", "score", "demonstration", "quality", "nope", ""]
)  # fmt: skip
_TEXT = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", " ", SURROGATE, "a" + SURROGATE, CONTROL, RTL_EMOJI, "web", "code"]),
)
_SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(),  # NaN and inf included
    _TEXT,
    st.binary(max_size=4),
)
_ANY = st.recursive(
    _SCALAR,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.tuples(inner, inner),
        st.dictionaries(st.one_of(_NAMES, _TEXT), inner, max_size=4),
    ),
    max_leaves=12,
)
_RECORD = st.one_of(
    st.dictionaries(_NAMES, _ANY, max_size=6),
    st.fixed_dictionaries({"prompt": _TEXT}, optional=dict.fromkeys(["context", "metadata", "suggestions", "responses", "id", "source"], _ANY)),
    _ANY,
)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch=st.lists(_RECORD, max_size=4))
def test_add_records_of_anything_raises_only_feedback_errors_and_changes_nothing(
    batch: list[Any],
) -> None:
    ds = rg.FeedbackDataset(**make_schema_kwargs())
    ds.add_records(make_records(2))
    before, n = state(ds), len(ds)
    try:
        ds.add_records(batch)
    except FeedbackError as exc:
        assert str(exc)
        assert_same_state(state(ds), before)
        return
    assert len(ds) == n + len(batch)
    for record in ds:  # every stored text is valid Unicode
        for value in record.fields.values():
            assert value is None or value.encode("utf-8")
