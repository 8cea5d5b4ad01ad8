"""Record edits, deletes and schema changes: durable, visible to views, and all-or-nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

import nb_feedback as rg
from nb_feedback.store import persistence

FIXTURES = Path(__file__).parent.parent / "fixtures"


def _state_of(ds: rg.FeedbackDataset) -> list[dict[str, Any]]:
    """What the fixtures' makers wrote down of a dataset (``make_format2.state_of``)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_format2", FIXTURES / "make_format2.py")
    assert spec is not None and spec.loader is not None
    maker = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(maker)
    return json.loads(json.dumps(maker.state_of(ds)))


def _dataset() -> rg.FeedbackDataset:
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="prompt")],
        questions=[
            rg.TextQuestion(name="demonstration"),
            rg.RatingQuestion(name="quality", values=[1, 2, 3], required=False),
        ],
        metadata_properties=[rg.TermsMetadataProperty(name="source", values=["a", "b"])],
    )
    ds.add_records([{"prompt": f"p{i}", "metadata": {"source": "a"}} for i in range(4)])
    return ds


def _plain(ds: rg.FeedbackDataset) -> list[dict[str, Any]]:
    return [
        {
            "id": r.id,
            "metadata": r.metadata,
            "suggestions": [s.to_dict() for s in r.suggestions],
            "responses": sorted(
                (x.user_id, x.status, json.dumps(x.plain_values())) for x in r.responses
            ),
        }
        for r in ds
    ]


def test_edits_through_records_stick_and_survive_reopen(tmp_path: Path) -> None:
    ds = _dataset()
    ds.save(tmp_path / "d")
    ids = [r.id for r in ds]
    ds[0].metadata["source"] = "b"  # v1's way: edit a record read from the dataset
    record = ds[1]
    record.suggestions = [{"question_name": "demonstration", "value": "draft", "agent": "m"}]
    ds[2].update(metadata={"note": "x"})
    ds.update_records([{"id": ids[3], "metadata": {"source": "b"}}])
    assert ds[0].metadata == {"source": "b"}
    assert [s.value for s in ds[1].suggestions] == ["draft"]
    assert ds[2].metadata == {"source": "a", "note": "x"}
    assert ds.filter_by(
        metadata_filters=rg.TermsMetadataFilter(name="source", values=["b"])
    ).to_pandas()["id"].tolist() == [ids[0], ids[3]]
    before = _plain(ds)
    ds.close()
    again = rg.FeedbackDataset.from_disk(tmp_path / "d")
    assert _plain(again) == before
    again.save()  # compaction folds the edits into one snapshot
    again.close()
    assert _plain(rg.FeedbackDataset.from_disk(tmp_path / "d")) == before


def test_a_bad_edit_raises_naming_the_record_and_changes_nothing(tmp_path: Path) -> None:
    ds = _dataset()
    ds.save(tmp_path / "d")
    before = _plain(ds)
    record = ds[0]
    with pytest.raises(rg.RecordError, match="source"):
        record.metadata["source"] = "not-a-term"
    assert record.metadata == {"source": "a"}  # the record's own dict is put back
    with pytest.raises(rg.RecordError, match="question"):
        ds.update_records(
            [{"id": ds[1].id, "suggestions": [{"question_name": "nope", "value": 1}]}]
        )
    with pytest.raises(rg.RecordError, match="no record with this id"):
        ds.update_records([{"id": "missing", "metadata": {}}])
    assert _plain(ds) == before
    ds.close()
    assert _plain(rg.FeedbackDataset.from_disk(tmp_path / "d")) == before


def test_delete_records_removes_them_and_their_answers_everywhere(tmp_path: Path) -> None:
    ds = _dataset()
    ids = [r.id for r in ds]
    ds.add_response(ids[1], {"demonstration": "gone with it"}, user="ann")
    ds.save(tmp_path / "d")
    ds.add_response(ids[2], {"demonstration": "kept"}, user="ann")
    ds.add_response(ids[1], {"demonstration": "also gone"}, user="bob")
    ds.delete_records([ids[1], ds[0]])
    assert [r.id for r in ds] == ids[2:]
    assert len(ds.responses_frame()) == 1
    with pytest.raises(rg.RecordError, match="nothing was deleted"):
        ds.delete_records(["missing", ids[2]])
    assert len(ds) == 2
    ds.close()
    with _no_warning():
        again = rg.FeedbackDataset.from_disk(tmp_path / "d")
    assert [r.id for r in again] == ids[2:]
    assert [x.plain_values() for x in again[0].responses] == [{"demonstration": "kept"}]
    again.save()
    again.close()
    with _no_warning():
        assert [r.id for r in rg.FeedbackDataset.from_disk(tmp_path / "d")] == ids[2:]


class _no_warning:
    def __enter__(self) -> None:
        import warnings

        self._catch = warnings.catch_warnings()
        self._catch.__enter__()
        warnings.simplefilter("error", persistence.LoadWarning)

    def __exit__(self, *exc: Any) -> None:
        self._catch.__exit__(*exc)


def test_setting_responses_on_a_record_replaces_them(tmp_path: Path) -> None:
    ds = _dataset()
    ds.save(tmp_path / "d")
    record = ds[0]
    record.responses = [
        {"user_id": "ann", "values": {"demonstration": {"value": "a"}}},
        rg.ResponseSchema(values={"demonstration": {"value": "no user"}}, status="draft"),
    ]
    got = sorted((r.user_id, r.values["demonstration"].value, r.status) for r in ds[0].responses)
    assert got == [("ann", "a", "submitted"), (rg.DEFAULT_USER, "no user", "draft")]
    ds[0].responses = [{"user_id": "ann", "values": {"demonstration": "b"}}]
    assert [(r.user_id, r.values["demonstration"].value) for r in ds[0].responses] == [("ann", "b")]
    ds.close()
    again = rg.FeedbackDataset.from_disk(tmp_path / "d")
    assert [(r.user_id, r.values["demonstration"].value) for r in again[0].responses] == [
        ("ann", "b")
    ]


def test_open_views_are_told_of_edits_and_deletes() -> None:
    ds = _dataset()
    seen: list[tuple[str, list[str]]] = []
    ds.subscribe(lambda kind, ids: seen.append((kind, list(ids))))
    first = ds[0].id
    ds[0].metadata["source"] = "b"
    ds.delete_records([first])
    assert seen == [("records", [first]), ("records", [first])]


def test_a_response_keeps_when_it_was_first_given() -> None:
    ds = _dataset()
    rid = ds[0].id
    first = ds.add_response(rid, {"demonstration": "one"})  # v1 style: no user
    second = ds.add_response(rid, {"demonstration": "two"})
    assert first.user_id == second.user_id == rg.DEFAULT_USER
    assert second.inserted_at == first.inserted_at
    assert second.updated_at is not None and second.updated_at >= first.updated_at  # type: ignore[operator]


def test_a_format_1_folder_opens_and_keeps_working(tmp_path: Path) -> None:
    """A folder written by nb_feedback 0.1.0, committed before format 2 existed."""
    folder = tmp_path / "old"
    shutil.copytree(FIXTURES / "format1", folder)
    expected = json.loads((FIXTURES / "format1_expected.json").read_text("utf-8"))
    ds = rg.FeedbackDataset.from_disk(folder)
    got = _state_of(ds)
    assert got == expected
    # it keeps working: answer, edit, delete, export, reopen
    ids = [r.id for r in ds]
    ds.add_response(ids[4], {"demonstration": "new\nline"}, user="ann")
    ds[0].metadata["source"] = "z"
    ds.delete_records([ids[3]])
    splits = ds.to_sft(prompt="prompt", completion="demonstration", test_size=1)
    assert sum(len(s) for s in splits.values()) > 0
    ds.close()
    manifest = persistence.read_manifest(folder)
    assert manifest["format_version"] == persistence.FORMAT_VERSION  # upgraded by the first edit
    again = rg.FeedbackDataset.from_disk(folder)
    assert [r.id for r in again] == [i for i in ids if i != ids[3]]
    assert again[0].metadata == {"source": "z"}
    assert again.record_by_id(ids[4]).responses[-1].values["demonstration"].value == "new\nline"
    again.to_sft(prompt="prompt", completion="demonstration", test_size=1)


def test_a_format_2_folder_opens_upgrades_and_keeps_working(tmp_path: Path) -> None:
    """A folder written in storage format 2 (c26066c), committed before format 3 existed."""
    state_of = _state_of
    folder = tmp_path / "old"
    shutil.copytree(FIXTURES / "format2", folder)
    expected = json.loads((FIXTURES / "format2_expected.json").read_text("utf-8"))
    ds = rg.FeedbackDataset.from_disk(folder)
    assert json.loads(json.dumps(state_of(ds))) == expected["records"]
    reviews = ds.reviews()[["record_id", "reviewer", "source", "edited"]].to_dict("records")
    assert reviews == expected["reviews"]
    assert [p.name for p in ds.metadata_properties] == expected["metadata_properties"]
    old_files = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    ids = [r.id for r in ds]
    ds.add_response(ids[0], {"demonstration": "after the upgrade"}, user="zed")
    ds.close()
    assert persistence.read_manifest(folder)["format_version"] == persistence.FORMAT_VERSION
    for name, data in old_files.items():  # the old files stay as they were (but the manifest)
        if name.name != persistence.MANIFEST:
            assert (folder / name).read_bytes() == data, name
    again = rg.FeedbackDataset.from_disk(folder)
    state = json.loads(json.dumps(state_of(again)))
    assert [r["id"] for r in state] == [r["id"] for r in expected["records"]]
    assert {
        "user": "zed",
        "values": {"demonstration": "after the upgrade"},
        "status": "submitted",
    } in (state[0]["responses"])
    assert again.reviews()[["record_id", "reviewer"]].to_dict("records") == [
        {k: r[k] for k in ("record_id", "reviewer")} for r in expected["reviews"]
    ]


def test_saving_a_format_2_folder_upgrades_it(tmp_path: Path) -> None:
    folder = tmp_path / "old"
    shutil.copytree(FIXTURES / "format2", folder)
    ds = rg.FeedbackDataset.from_disk(folder)
    n, answers = len(ds), len(ds.responses_frame())
    ds.save()
    assert persistence.read_manifest(folder)["format_version"] == persistence.FORMAT_VERSION
    again = rg.FeedbackDataset.from_disk(folder)
    assert (len(again), len(again.responses_frame())) == (n, answers)
