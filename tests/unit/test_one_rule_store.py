"""One rule each for the store's small concepts: answer lines, JSON, the row type, names, statuses.

- answer-log lines: ``store.lines.answer_line`` writes them and ``read_answer_lines``
  parses them, for this format's follower and for format 1 and 2 folders (``_legacy``) alike;
- JSON: ``base._arrowtext`` is the only module that imports a JSON library;
- the response row type: ``store._tables.RESPONSE_SCHEMA``, in memory, in a log line and in a
  saved part;
- user names: ``domain.records.is_user_name`` (``check_user`` raises with it; the bulk path
  tests whole columns with it); statuses: ``STATUSES`` / ``is_status``.
"""

from __future__ import annotations

import ast
import warnings
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nb_feedback as rg
from conftest import make_records, make_schema_kwargs
from nb_feedback.base.errors import ResponseError
from nb_feedback.domain.records import STATUSES, check_status, check_user, is_status, is_user_name
from nb_feedback.store import _legacy
from nb_feedback.store import _tables as T
from nb_feedback.store.lines import answer_line, read_answer_lines
from nb_feedback.widget.protocol import FILTERS

SRC = Path(__file__).resolve().parents[2] / "src" / "nb_feedback"

rows = st.fixed_dictionaries(
    {
        "record_id": st.text(min_size=1, max_size=8),
        "user": st.sampled_from(["ana", "bob", "é ü"]),
        "status": st.sampled_from(STATUSES),
        "values": st.sampled_from(['{"q":"a"}', "{}", '{"q":"\\u2028"}']),
        "updated_at": st.floats(0, 2e9),
        "time_spent": st.none() | st.floats(0, 100),
    }
)
# not answers; the last two are JSON objects that only a laxer second parser would take in
junk = st.sampled_from(
    [b"{not json", b"[]", b'"text"', b'{"values": 3}', b'{"record_id": 1}', b'{"values": "{}"}']
)


@settings(max_examples=60, deadline=None)
@given(lines=st.lists(st.one_of(rows, junk), max_size=8))
def test_every_reader_of_answer_lines_reads_them_alike(
    lines: list[object], tmp_path_factory: pytest.TempPathFactory
) -> None:
    data = b"".join(x + b"\n" if isinstance(x, bytes) else answer_line(x) for x in lines)
    frame, bad = read_answer_lines(data)
    good = [x for x in lines if not isinstance(x, bytes)]
    assert bad == len(lines) - len(good)
    assert list(frame.columns) == T.RESPONSE_COLUMNS
    assert frame["record_id"].tolist() == [r["record_id"] for r in good]
    assert frame["updated_at"].tolist() == [r["updated_at"] for r in good]
    # a format 1 or 2 folder's log goes through the same parser
    path = tmp_path_factory.mktemp("log") / "ana.jsonl"
    path.write_bytes(data)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        legacy = _legacy.read_answer_log(path)
    pd.testing.assert_frame_equal(legacy, frame)
    assert len(caught) == (1 if bad else 0)


def test_json_is_imported_by_the_codec_module_only() -> None:
    importers = []
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            if any(n.split(".")[0] in ("json", "orjson") for n in names):
                importers.append(path.relative_to(SRC).as_posix())
    assert sorted(set(importers)) == ["base/_arrowtext.py"]


def test_one_row_type_in_memory_in_the_log_and_in_a_saved_part(tmp_path: Path) -> None:
    ds = rg.FeedbackDataset(**make_schema_kwargs())
    ds.add_records(make_records(3))
    ds.save(tmp_path / "ds")
    ds.add_response(ds[0].id, {"demonstration": "hi"}, user="ana")
    assert list(ds.tables().responses.columns) == T.RESPONSE_COLUMNS
    logs = [p for p in (tmp_path / "ds").rglob("*") if p.is_file() and p.suffix == ".jsonl"]
    lines = [line for p in logs for line in p.read_bytes().splitlines() if b'"values"' in line]
    frame, bad = read_answer_lines(b"\n".join(lines) + b"\n")
    assert (len(frame), bad) == (1, 0)
    ds.save()
    parts = list((tmp_path / "ds").rglob("*responses.parquet"))
    assert parts and all(pd.read_parquet(p).columns.tolist() == T.RESPONSE_COLUMNS for p in parts)


names = st.one_of(
    st.text(max_size=6),
    st.sampled_from(["", " ", "\t", "ana", "a\ud800", "\ud800"]),
    st.integers(),
    st.none(),
)


@settings(max_examples=60, deadline=None)
@given(name=names)
def test_one_rule_for_user_names(name: object) -> None:
    try:
        check_user(name, "x")
        ok = True
    except ResponseError:
        ok = False
    assert ok == is_user_name(name)
    ds = rg.FeedbackDataset(**make_schema_kwargs())
    ds.add_records(make_records(2))
    frame = pd.DataFrame({"record_id": [r.id for r in ds], "demonstration": ["a", "b"]})
    try:  # the bulk path (column-wise check, then per row) follows the same rule
        ds.add_responses(frame, user=name)  # type: ignore[arg-type]
        bulk = True
    except ResponseError:
        bulk = False
    assert bulk == ok


def test_one_list_of_statuses() -> None:
    assert all(is_status(s) and check_status(s, "x") == s for s in STATUSES)
    for bad in ("pending", "Submitted", "", None, 1):
        assert not is_status(bad)
        with pytest.raises(ResponseError):
            check_status(bad, "x")
    assert set(STATUSES) <= set(FILTERS)  # the widget's filter menu offers each status
    ds = rg.FeedbackDataset(**make_schema_kwargs())
    ds.add_records(make_records(len(STATUSES)))
    for i, status in enumerate(STATUSES):
        ds.add_response(ds[i].id, {"demonstration": "x"}, user="ana", status=status)
        assert len(ds.filter_by(response_status=status)) == 1
