"""to_hub / from_hub in the project venv: round trips, Argilla 2's hard cases, errors, the Hub.

The files of Argilla 2's server export that its own SDK cannot read are written here as the
server's exporter writes them (argilla_server/contexts/hub.py in argilla-server 2.8.0: a null
for each question a user skipped, terms metadata as lists with ``[None]`` for none, ranking
suggestions as ``[{"value"}]``, suggestion columns only for questions some record has).
"""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from tests.hub.cases import (
    cells,
    chat_dataset,
    float32_rounded,
    full_dataset,
    full_schema,
    scored_span_dataset,
    span_dataset,
)

import nb_feedback as rg
from nb_feedback.argilla.hub import write_parquet
from nb_feedback.argilla.hub_settings import settings_json, user_uuid


@pytest.mark.parametrize("layout", ["argilla", "argilla-server"])
def test_round_trip_keeps_every_cell(tmp_path: Path, layout: str) -> None:
    ds = full_dataset()
    folder = ds.to_hub(local_dir=tmp_path / "out", layout=layout)
    back = rg.FeedbackDataset.from_hub(local_dir=folder)
    assert cells(back) == cells(ds)
    # and again: nothing doubled, nothing lost
    again = rg.FeedbackDataset.from_hub(
        local_dir=back.to_hub(local_dir=tmp_path / "2", layout=layout)
    )
    assert cells(again) == cells(ds)


def test_argilla2_layout_files_and_columns(tmp_path: Path) -> None:
    ds = full_dataset()
    ds.to_hub(local_dir=tmp_path, layout="argilla")
    names = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert names == [
        ".argilla/dataset.json",
        ".argilla/nb_feedback.json",
        ".argilla/settings.json",
        "README.md",
        "data/train-00000-of-00001.parquet",
    ]
    table = pa.parquet.read_table(tmp_path / "data" / "train-00000-of-00001.parquet")
    assert table.column_names[:5] == ["id", "status", "_server_id", "prompt", "context"]
    assert {"source", "length", "score", "lang", "emb"} <= set(table.column_names)
    for q in ("answer", "best"):
        for part in ("responses", "responses.users", "responses.status"):
            assert f"{q}.{part}" in table.column_names
        for part in ("suggestion", "suggestion.score", "suggestion.agent"):
            assert f"{q}.{part}" in table.column_names
    row = table.slice(0, 1).to_pylist()[0]
    assert row["best.suggestion"] == ["reply-2", "reply-1", "reply-3"]
    assert row["best.responses"] == [
        [
            {"value": "reply-1", "rank": 1},
            {"value": "reply-2", "rank": 1},
            {"value": "reply-3", "rank": 3},
        ]
    ]
    assert row["answer.responses.users"] == [user_uuid("ana"), user_uuid("bo")]
    assert row["status"] == "completed"  # two submitted answers, min_submitted=2
    settings = json.loads((tmp_path / ".argilla" / "settings.json").read_text())
    assert settings == settings_json(ds.schema)
    assert settings["distribution"] == {"strategy": "overlap", "min_submitted": 2}
    assert [q["settings"]["type"] for q in settings["questions"]] == [
        "text",
        "rating",
        "label_selection",
        "multi_label_selection",
        "ranking",
    ]
    users = json.loads((tmp_path / ".argilla" / "nb_feedback.json").read_text())["users"]
    assert users == {user_uuid(n): n for n in ("ana", "bo", "cy")}
    card = (tmp_path / "README.md").read_text()
    assert card.startswith("---\ntags:") and "`answer`" in card


def test_server_layout_names_metadata_and_vectors_and_adds_times(tmp_path: Path) -> None:
    full_dataset().to_hub(local_dir=tmp_path, layout="argilla-server")
    table = pa.parquet.read_table(tmp_path / "data" / "train-00000-of-00001.parquet")
    cols = set(table.column_names)
    assert {"metadata.source", "metadata.length", "metadata.lang", "vector.emb"} <= cols
    assert {"inserted_at", "updated_at"} <= cols and "source" not in cols
    assert table.column("metadata.source").to_pylist() == [["web"], ["book"], None]
    assert table.column("updated_at").to_pylist()[2] is not None  # r-2 has an answer
    assert (tmp_path / ".argilla" / "version.json").is_file()


def test_user_ids_are_deterministic_and_names_come_back() -> None:
    assert user_uuid("ana") == user_uuid("ana") != user_uuid("bo")
    assert uuid.UUID(user_uuid("ana")).version == 5
    theirs = str(uuid.uuid4())
    assert user_uuid(theirs) == theirs  # an Argilla user id stays itself


def test_a_foreign_user_id_without_a_name_stays_the_annotator(tmp_path: Path) -> None:
    full_dataset().to_hub(local_dir=tmp_path)
    (tmp_path / ".argilla" / "nb_feedback.json").unlink()  # as Argilla 2 writes: ids only
    with pytest.warns(UserWarning, match=r"\['lang'\] are not in the settings"):
        back = rg.FeedbackDataset.from_hub(local_dir=tmp_path)
    assert {x.user for x in back[0].responses} == {user_uuid("ana"), user_uuid("bo")}


def test_argilla_v1_layout_round_trip_and_its_limits(tmp_path: Path) -> None:
    ds = full_dataset()
    ds.to_hub(local_dir=tmp_path, layout="argilla-v1")
    assert (tmp_path / "argilla.yaml").is_file()
    back = rg.FeedbackDataset.from_hub(local_dir=tmp_path)
    a, b = cells(ds), cells(back)
    assert {k: v for k, v in a["schema"].items() if k != "distribution"} == {
        k: v for k, v in b["schema"].items() if k != "distribution"
    }
    assert b["schema"]["distribution"] is None  # v1 has no task distribution
    for mine, theirs in zip(a["records"], b["records"], strict=True):
        assert theirs["fields"] == mine["fields"] and theirs["metadata"] == mine["metadata"]
        # v1 keeps no record id (ours travels as external_id only if set), floats as float32
        assert theirs["vectors"].keys() == mine["vectors"].keys()
        assert float32_rounded(theirs["vectors"]) == float32_rounded(mine["vectors"])
        assert float32_rounded(theirs["suggestions"]) == float32_rounded(mine["suggestions"])
        # v1's layout lists answers per question: a discard with no answer has no place
        kept = [x for x in mine["responses"] if x["values"]]
        assert [(x["user"], x["status"], x["values"]) for x in theirs["responses"]] == [
            (x["user"], x["status"], x["values"]) for x in kept
        ]


def test_with_records_false_writes_settings_only(tmp_path: Path) -> None:
    full_dataset().to_hub(local_dir=tmp_path, with_records=False)
    assert not (tmp_path / "data").exists()
    back = rg.FeedbackDataset.from_hub(local_dir=tmp_path)
    assert len(back) == 0
    assert back.schema.to_dict() == rg.FeedbackDataset(**full_schema()).schema.to_dict()


# ------------------------------------------------------ what Argilla 2 cannot read of its own
def _server_export(tmp_path: Path, rows: dict[str, tuple[pa.DataType, list[Any]]]) -> Path:
    """A folder as the server exports: the full schema's settings and the given columns."""
    ds = rg.FeedbackDataset(**full_schema())
    ds.to_hub(local_dir=tmp_path, layout="argilla-server", with_records=False)
    (tmp_path / ".argilla" / "nb_feedback.json").unlink()
    table = pa.table({k: pa.array(v, type=t) for k, (t, v) in rows.items()})
    write_parquet(table, tmp_path / "data" / "train-00000-of-00001.parquet")
    return tmp_path


S, L = pa.string(), pa.list_


def test_server_export_with_skipped_optional_questions_and_bare_discards(tmp_path: Path) -> None:
    ana, bo = str(uuid.uuid4()), str(uuid.uuid4())
    rank = pa.struct([("value", S), ("rank", pa.int64())])
    folder = _server_export(
        tmp_path,
        {
            "id": (S, ["x-0"]),
            "status": (S, ["pending"]),
            "_server_id": (S, [str(uuid.uuid4())]),
            "prompt": (S, ["p"]),
            # ana answers both; bo submits without the optional rating; ana's... every user
            # is listed under every question, null where unanswered
            "answer.responses": (L(S), [["a", "b", None]]),
            "answer.responses.users": (L(S), [[ana, bo, "c0ffee00-0000-4000-8000-000000000000"]]),
            "answer.responses.status": (L(S), [["submitted", "submitted", "discarded"]]),
            "quality.responses": (L(pa.int64()), [[3, None, None]]),
            "quality.responses.users": (L(S), [[ana, bo, "c0ffee00-0000-4000-8000-000000000000"]]),
            "quality.responses.status": (L(S), [["submitted", "submitted", "discarded"]]),
            "best.responses": (
                L(L(rank)),
                [
                    [
                        None,
                        [
                            {"value": "reply-3", "rank": 1},
                            {"value": "reply-1", "rank": 2},
                            {"value": "reply-2", "rank": 3},
                        ],
                        None,
                    ]
                ],
            ),
            "best.responses.users": (L(S), [[ana, bo, "c0ffee00-0000-4000-8000-000000000000"]]),
            "best.responses.status": (L(S), [["submitted", "submitted", "discarded"]]),
            # only this question has suggestions anywhere: the other columns are absent
            "best.suggestion": (
                L(pa.struct([("value", S)])),
                [[{"value": "reply-2"}, {"value": "reply-1"}, {"value": "reply-3"}]],
            ),
            "best.suggestion.score": (pa.float64(), [None]),
            "best.suggestion.agent": (S, ["judge"]),
            "metadata.source": (L(S), [[None]]),
            "metadata.length": (pa.int64(), [None]),
            "metadata.score": (pa.float64(), [0.25]),
            "vector.emb": (L(pa.float64()), [[1.0, 2.0, 3.0]]),
        },
    )
    back = rg.FeedbackDataset.from_hub(local_dir=folder)
    record = back[0]
    got = {x.user: (x.status, x.plain_values()) for x in record.responses}
    assert got[ana] == ("submitted", {"answer": "a", "quality": 3})
    assert got[bo][1]["answer"] == "b" and "quality" not in got[bo][1]
    assert got["c0ffee00-0000-4000-8000-000000000000"] == ("discarded", {})
    assert [s.to_dict() for s in record.suggestions] == [
        {
            "question_name": "best",
            "value": [
                {"value": "reply-2", "rank": 1},
                {"value": "reply-1", "rank": 2},
                {"value": "reply-3", "rank": 3},
            ],
            "score": None,
            "agent": "judge",
        }
    ]
    assert record.metadata == {"score": 0.25}  # [None] is no value, not the term None
    assert record.vectors == {"emb": [1.0, 2.0, 3.0]}
    assert record.external_id is not None  # the server's row id, the way back to it


def test_sdk_files_after_a_server_round_trip(tmp_path: Path) -> None:
    """Rankings as plain ordered lists (ranks dropped by the SDK) and the SDK's ClassLabel."""
    folder = _server_export(
        tmp_path,
        {
            "id": (S, ["x-0", "x-1"]),
            "prompt": (S, ["p", "q"]),
            "best.responses": (L(L(S)), [[["reply-2", "reply-3", "reply-1"]], None]),
            "best.responses.users": (L(S), [["3f0e5a26-0000-4000-8000-000000000000"], None]),
            "best.responses.status": (L(S), [["submitted"], None]),
            "answer.responses": (L(S), [["x"], None]),
            "answer.responses.users": (L(S), [["3f0e5a26-0000-4000-8000-000000000000"], None]),
            "answer.responses.status": (L(S), [["submitted"], None]),
            "topic.suggestion": (pa.int64(), [0, 1]),
            "metadata.source": (L(S), [["web"], ["web", "book"]]),
        },
    )
    # the SDK's ClassLabel: a record without a suggestion is the name None
    path = folder / "data" / "train-00000-of-00001.parquet"
    table = pa.parquet.read_table(path)
    info = json.loads(table.schema.metadata[b"huggingface"])
    info["info"]["features"]["topic.suggestion"] = {"names": ["math", None], "_type": "ClassLabel"}
    pa.parquet.write_table(
        table.replace_schema_metadata({b"huggingface": json.dumps(info).encode()}), path
    )
    back = rg.FeedbackDataset.from_hub(local_dir=folder)
    answer = back[0].responses[0].plain_values()
    assert answer["best"] == [
        {"value": "reply-2", "rank": 1},
        {"value": "reply-3", "rank": 2},
        {"value": "reply-1", "rank": 3},
    ]
    assert [s.value for s in back[0].suggestions] == ["math"]
    assert back[1].suggestions == []  # not the label "None"
    assert back[0].metadata["source"] == "web" and back[1].metadata["source"] == ["web", "book"]


# ------------------------------------------------------------------------------ plain folders
def test_plain_datasets_folder_is_inferred_or_refused(tmp_path: Path) -> None:
    table = pa.table({"prompt": ["a", "b"], "reply": ["x", None], "n": [1, 2], "p": [0.5, 0.25]})
    write_parquet(table, tmp_path / "data" / "train-00000-of-00001.parquet")
    with pytest.raises(rg.HubError, match=r"pass questions=\[\.\.\.\]") as err:
        rg.FeedbackDataset.from_hub(local_dir=tmp_path)
    assert "['prompt', 'reply', 'n', 'p']" in str(err.value)
    ds = rg.FeedbackDataset.from_hub(local_dir=tmp_path, questions=[rg.TextQuestion(name="reply")])
    assert ds.schema.field_names == ["prompt"]
    assert [p.kind for p in ds.metadata_properties] == ["integer", "float"]
    assert ds[0].suggestions[0].value == "x" and ds[1].suggestions == []
    assert ds[1].metadata == {"n": 2, "p": 0.25}


def test_plain_folder_column_without_counterpart_is_named(tmp_path: Path) -> None:
    table = pa.table({"prompt": ["a"], "chat": [[{"role": "user", "content": "hi"}]]})
    write_parquet(table, tmp_path / "data" / "train-00000-of-00001.parquet")
    with pytest.raises(rg.HubError, match="column 'chat'"):
        rg.FeedbackDataset.from_hub(local_dir=tmp_path, questions=[rg.TextQuestion(name="q")])


# ------------------------------------------------------------------------------------ errors
def test_corrupt_settings_json_names_the_file(tmp_path: Path) -> None:
    full_dataset().to_hub(local_dir=tmp_path)
    (tmp_path / ".argilla" / "settings.json").write_text('{"fields": [')
    with pytest.raises(rg.HubError, match=r"settings\.json: cannot read the settings"):
        rg.FeedbackDataset.from_hub(local_dir=tmp_path)
    (tmp_path / ".argilla" / "settings.json").write_text('{"fields": 3, "questions": []}')
    with pytest.raises(rg.HubError, match=r"settings\.json: expected 'fields' as a list"):
        rg.FeedbackDataset.from_hub(local_dir=tmp_path)


def test_unknown_question_and_field_types_are_named(tmp_path: Path) -> None:
    full_dataset().to_hub(local_dir=tmp_path)
    path = tmp_path / ".argilla" / "settings.json"
    settings = json.loads(path.read_text())
    settings["questions"][1]["settings"]["type"] = "image_region"
    path.write_text(json.dumps(settings))
    with pytest.raises(rg.HubError, match="question 'quality' is of type 'image_region'"):
        rg.FeedbackDataset.from_hub(local_dir=tmp_path)
    settings["questions"][1]["settings"]["type"] = "rating"
    settings["fields"][1]["settings"]["type"] = "image"
    path.write_text(json.dumps(settings))
    with pytest.raises(rg.HubError, match="field 'context' is of type 'image'"):
        rg.FeedbackDataset.from_hub(local_dir=tmp_path)


def test_missing_column_is_named(tmp_path: Path) -> None:
    full_dataset().to_hub(local_dir=tmp_path)
    path = tmp_path / "data" / "train-00000-of-00001.parquet"
    table = pa.parquet.read_table(path)
    write_parquet(table.drop_columns(["prompt"]), path)
    with pytest.raises(rg.HubError, match="no column 'prompt' for required field 'prompt'"):
        rg.FeedbackDataset.from_hub(local_dir=tmp_path)
    write_parquet(table.drop_columns(["answer.responses.users"]), path)
    with pytest.raises(rg.HubError, match=r"column answer\.responses\.users is missing"):
        rg.FeedbackDataset.from_hub(local_dir=tmp_path)


def test_columns_outside_the_settings_warn_where_they_went(tmp_path: Path) -> None:
    full_dataset().to_hub(local_dir=tmp_path)
    path = tmp_path / "data" / "train-00000-of-00001.parquet"
    table = pa.parquet.read_table(path)
    write_parquet(table.append_column("origin", pa.array(["a", None, "c"])), path)
    with pytest.warns(UserWarning, match=r"\['origin'\] are not in the settings: kept as"):
        back = rg.FeedbackDataset.from_hub(local_dir=tmp_path)
    assert back[0].metadata["origin"] == "a"
    write_parquet(table.append_column("ghost.suggestion", pa.array(["a", None, "c"])), path)
    with pytest.raises(rg.HubError, match=r"question\(s\) \['ghost'\]"):
        rg.FeedbackDataset.from_hub(local_dir=tmp_path)


def test_wrong_split_and_bad_arguments(tmp_path: Path) -> None:
    full_dataset().to_hub(local_dir=tmp_path / "a")
    with pytest.raises(rg.HubError, match=r"no split 'test'; it holds \['train'\]"):
        rg.FeedbackDataset.from_hub(local_dir=tmp_path / "a", split="test")
    with pytest.raises(rg.HubError, match="is not empty"):
        full_dataset().to_hub(local_dir=tmp_path / "a")
    with pytest.raises(rg.HubError, match="layout='argilla-3'"):
        full_dataset().to_hub(local_dir=tmp_path / "b", layout="argilla-3")
    with pytest.raises(rg.HubError, match="pass repo_id"):
        full_dataset().to_hub()
    with pytest.raises(rg.HubError, match="pass repo_id"):
        rg.FeedbackDataset.from_hub()


# ----------------------------------------------------------------------------------- the Hub
def test_no_network_gives_one_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    import huggingface_hub.constants as constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    with pytest.raises(rg.HubError, match="from_hub: cannot download 'me/data': the Hub cannot"):
        rg.FeedbackDataset.from_hub("me/data")
    with pytest.raises(rg.HubError, match="to_hub: cannot upload to 'me/data': the Hub cannot"):
        full_dataset().to_hub("me/data", token="hf_not_a_real_token")


def test_no_token_gives_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import huggingface_hub

    monkeypatch.setattr(huggingface_hub, "get_token", lambda: None)
    with pytest.raises(rg.HubError, match="no Hugging Face token: run `hf auth login`"):
        full_dataset().to_hub("me/data")


def test_upload_and_download_through_huggingface_hub(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """HfApi and snapshot_download stood in at huggingface_hub's boundary: a folder is the repo."""
    import huggingface_hub

    repo = tmp_path / "repo"
    calls: list[tuple[str, dict[str, Any]]] = []

    class FakeApi:
        def __init__(self, token: str | None = None) -> None:
            calls.append(("init", {"token": token}))

        def create_repo(self, **kwargs: Any) -> None:
            calls.append(("create_repo", kwargs))

        def upload_folder(self, **kwargs: Any) -> None:
            calls.append(("upload_folder", {k: v for k, v in kwargs.items() if k != "folder_path"}))
            shutil.copytree(kwargs["folder_path"], repo)

    monkeypatch.setattr(huggingface_hub, "HfApi", FakeApi)
    monkeypatch.setattr(
        huggingface_hub,
        "snapshot_download",
        lambda repo_id, repo_type, token: str(repo) if repo_id == "me/data" else 1 / 0,
    )
    ds = full_dataset()
    assert ds.to_hub("me/data", token="hf_x", private=True) == "me/data"
    assert calls == [
        ("init", {"token": "hf_x"}),
        (
            "create_repo",
            {"repo_id": "me/data", "repo_type": "dataset", "private": True, "exist_ok": True},
        ),
        ("upload_folder", {"repo_id": "me/data", "repo_type": "dataset"}),
    ]
    assert (repo / ".argilla" / "settings.json").is_file()
    assert cells(rg.FeedbackDataset.from_hub("me/data")) == cells(ds)
    # with local_dir the folder is written and nothing is uploaded, a repo id given or not
    made = len(calls)
    for repo_id in (None, "me/data"):
        folder = ds.to_hub(repo_id, local_dir=tmp_path / f"only-here-{repo_id is None}")
        assert (folder / ".argilla" / "settings.json").is_file()
    assert len(calls) == made

    def refuse(**kwargs: Any) -> None:
        import httpx

        response = httpx.Response(404, request=httpx.Request("GET", "https://huggingface.co"))
        raise huggingface_hub.errors.RepositoryNotFoundError("404: not found", response=response)

    monkeypatch.setattr(huggingface_hub, "snapshot_download", refuse)
    with pytest.raises(rg.HubError, match="no such dataset repo, or it is private"):
        rg.FeedbackDataset.from_hub("me/other")


# ------------------------------------------------------------------------------ conversations
@pytest.mark.parametrize("layout", ["argilla", "argilla-server"])
def test_chat_field_round_trip(tmp_path: Path, layout: str) -> None:
    ds = chat_dataset()
    folder = ds.to_hub(local_dir=tmp_path / "out", layout=layout)
    table = pa.parquet.read_table(folder / "data" / "train-00000-of-00001.parquet")
    assert table.column("chat").to_pylist()[1] == [{"role": "user", "content": "Name a prime."}]
    settings = json.loads((folder / ".argilla" / "settings.json").read_text())
    assert settings["fields"][0]["settings"] == {"type": "chat", "use_markdown": True}
    back = rg.FeedbackDataset.from_hub(local_dir=folder)
    assert cells(back) == cells(ds)
    assert isinstance(back.schema.fields[0], rg.ChatField)


def test_questions_of_each_turn_and_v1_conversations_are_refused(tmp_path: Path) -> None:
    ds = rg.FeedbackDataset(
        fields=[rg.ChatField(name="chat")],
        questions=[
            rg.TextQuestion(name="reply"),
            rg.RatingQuestion(name="turn_ok", values=[1, 2], turns_of="chat", required=False),
        ],
    )
    with pytest.raises(rg.HubError, match="question 'turn_ok' is asked of each turn"):
        ds.to_hub(local_dir=tmp_path / "a")
    with pytest.raises(rg.HubError, match="field 'chat' is a conversation; Argilla v1"):
        chat_dataset().to_hub(local_dir=tmp_path / "b", layout="argilla-v1")


def test_span_answers_cross_argilla_v1_layout_as_v1_writes_them(tmp_path: Path) -> None:
    ds = span_dataset()
    folder = ds.to_hub(local_dir=tmp_path / "out", layout="argilla-v1")
    config = (folder / "argilla.yaml").read_text()
    assert "type: span\n" in config and "PER: Person" in config
    table = pa.parquet.read_table(folder / "data" / "train-00000-of-00001.parquet")
    # v1's columns: each list of spans per key, as its format_as("datasets") gives them
    assert table.column("ents").to_pylist()[0][0]["value"] == {
        "start": [0, 0],
        "end": [3, 13],
        "label": ["PER", "PER"],
        "score": [None, None],
    }
    back = rg.FeedbackDataset.from_hub(local_dir=folder)
    assert back.schema.to_dict()["questions"] == ds.schema.to_dict()["questions"]
    assert [r.responses for r in back] == [r.responses for r in ds]
    assert [r.suggestions for r in back] == [r.suggestions for r in ds]
    # and Argilla 2's layout keeps them too
    assert cells(rg.FeedbackDataset.from_hub(local_dir=ds.to_hub(local_dir=tmp_path / "a2"))) == (
        cells(ds)
    )


def test_spans_written_by_argilla_v1_are_read(tmp_path: Path) -> None:
    # what v1's push_to_huggingface uploads: type "span", labels with descriptions, and each
    # span with the text it covers; suggestions scored per span
    (tmp_path / "argilla.yaml").write_text(
        "fields:\n- {name: text, title: Text, required: true, type: text, use_markdown: false}\n"
        "questions:\n- name: ents\n  title: Ents\n  required: true\n  type: span\n  field: text\n"
        "  allow_overlapping: false\n  visible_labels: null\n  labels:\n"
        "  - {value: PER, text: Person, description: null}\n"
        "  - {value: LOC, text: Place, description: null}\n"
    )
    span = pa.struct(
        [
            ("start", pa.list_(pa.int32())),
            ("end", pa.list_(pa.int32())),
            ("label", pa.list_(pa.string())),
            ("text", pa.list_(pa.string())),
        ]
    )
    answer = pa.struct([("user_id", pa.string()), ("value", span), ("status", pa.string())])
    scored = pa.struct([*span, ("score", pa.list_(pa.float32()))])
    meta = pa.struct(
        [("type", pa.string()), ("score", pa.list_(pa.float32())), ("agent", pa.string())]
    )
    uid = str(uuid.UUID(int=1))
    columns = {
        "text": pa.array(["Ada in London"]),
        "ents": pa.array(
            [
                [
                    {
                        "user_id": uid,
                        "value": {"start": [0], "end": [3], "label": ["PER"], "text": ["Ada"]},
                        "status": "submitted",
                    }
                ]
            ],
            pa.list_(answer),
        ),
        "ents-suggestion": pa.array(
            [{"start": [7], "end": [13], "label": ["LOC"], "text": ["London"], "score": [0.5]}],
            scored,
        ),
        "ents-suggestion-metadata": pa.array(
            [{"type": None, "score": [0.5], "agent": "ner"}], meta
        ),
    }
    write_parquet(pa.table(columns), tmp_path / "data" / "train-00000-of-00001.parquet")
    back = rg.FeedbackDataset.from_hub(local_dir=tmp_path)
    assert back.question_by_name("ents").labels == [
        rg.SpanLabelOption("PER", "Person"),
        rg.SpanLabelOption("LOC", "Place"),
    ]
    assert back[0].responses[0].plain_values() == {"ents": [{"start": 0, "end": 3, "label": "PER"}]}
    assert back[0].suggestions[0].value == [{"start": 7, "end": 13, "label": "LOC", "score": 0.5}]


@pytest.mark.parametrize("layout", ["argilla", "argilla-server"])
def test_span_question_round_trip(tmp_path: Path, layout: str) -> None:
    ds = scored_span_dataset()
    folder = ds.to_hub(local_dir=tmp_path / "out", layout=layout)
    settings = json.loads((folder / ".argilla" / "settings.json").read_text())
    assert settings["questions"][0]["settings"] == {
        "type": "span",
        "field": "text",
        "options": [
            {"value": "PER", "text": "Person"},
            {"value": "LOC", "text": "Place"},
            {"value": "ORG", "text": "Organisation"},
        ],
        "visible_options": 3,
        "allow_overlapping": True,
    }
    table = pa.parquet.read_table(folder / "data" / "train-00000-of-00001.parquet")
    row = table.slice(0, 1).to_pylist()[0]
    # each span as Argilla 2 holds it, with its own score beside (null when none)
    assert row["ents.suggestion"][1] == {"start": 8, "end": 15, "label": "PER", "score": 0.5}
    assert row["ents.responses"][0][2] == {"start": 19, "end": 25, "label": "LOC", "score": None}
    assert cells(rg.FeedbackDataset.from_hub(local_dir=folder)) == cells(ds)


def test_span_suggestion_scored_in_argillas_form_is_read_into_its_spans(tmp_path: Path) -> None:
    """Argilla 2 scores a span suggestion's spans in a list beside them; read into each span."""
    ds = scored_span_dataset()
    ds.to_hub(local_dir=tmp_path, with_records=False)
    span = pa.struct([("start", pa.int64()), ("end", pa.int64()), ("label", S)])
    table = pa.table(
        {
            "id": pa.array(["x-0", "x-1"], type=S),
            "text": pa.array(["Ada met Babbage.", "Kew"], type=S),
            "ents.suggestion": pa.array(
                [
                    [
                        {"start": 0, "end": 3, "label": "PER"},
                        {"start": 8, "end": 15, "label": "PER"},
                    ],
                    [{"start": 0, "end": 3, "label": "LOC"}],
                ],
                type=L(span),
            ),
            "ents.suggestion.score": pa.array([[0.9, 0.5], None], type=L(pa.float64())),
        }
    )
    write_parquet(table, tmp_path / "data" / "train-00000-of-00001.parquet")
    back = rg.FeedbackDataset.from_hub(local_dir=tmp_path)
    assert [s.to_dict() for s in back[0].suggestions] == [
        {
            "question_name": "ents",
            "value": [
                {"start": 0, "end": 3, "label": "PER", "score": 0.9},
                {"start": 8, "end": 15, "label": "PER", "score": 0.5},
            ],
            "score": None,
            "agent": None,
        }
    ]
    assert back[1].suggestions[0].value == [{"start": 0, "end": 3, "label": "LOC"}]
