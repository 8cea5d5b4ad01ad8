"""Cell for cell against Argilla 2.8's own code (``argilla==2.8.0``, its own venv, offline).

nb_feedback writes a layout and Argilla 2's ``from_hub`` path reads it; Argilla 2's ``to_hub``
path writes and nb_feedback reads it (``argilla2_side.py`` says which Argilla code runs). The
venv is ``.venv-argilla2`` (``scripts/setup.sh`` makes it). Without it these tests skip, unless
``NB_FEEDBACK_ARGILLA2=1`` (CI sets it), where a missing venv fails.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from tests.hub.cases import (
    chat_dataset,
    full_dataset,
    neutral,
    scored_span_dataset,
    span_dataset,
)
from tests.hub.side import run_side

import nb_feedback as rg
from nb_feedback.argilla.hub_settings import settings_json

ROOT = Path(__file__).resolve().parents[2]
VENV_PYTHON = ROOT / ".venv-argilla2" / "bin" / "python"
SIDE = Path(__file__).with_name("argilla2_side.py")

if not VENV_PYTHON.exists() and os.environ.get("NB_FEEDBACK_ARGILLA2") != "1":
    pytest.skip(
        f"{VENV_PYTHON} is missing (bash scripts/setup.sh makes it)", allow_module_level=True
    )


def argilla2(*args: str) -> dict[str, Any]:
    line = run_side(VENV_PYTHON, SIDE, *args, setup="bash scripts/setup.sh")
    return json.loads(line)  # type: ignore[no-any-return]


@pytest.mark.parametrize("layout", ["argilla", "argilla-server"])
def test_argilla2_reads_what_to_hub_writes_cell_for_cell(tmp_path: Path, layout: str) -> None:
    ds = full_dataset()
    ds.to_hub(local_dir=tmp_path / "out", layout=layout)
    theirs = argilla2("read", str(tmp_path / "out"))
    expected = neutral(ds)
    if layout == "argilla-server":  # the server's export holds terms metadata as lists
        for record in expected:
            if "source" in record["metadata"]:
                record["metadata"]["source"] = [record["metadata"]["source"]]
    assert theirs["records"] == expected
    # what the SDK would send the server: built for every record, ranks and the bare discard kept
    assert all("error" not in body for body in theirs["requests"]), theirs["requests"]
    best = theirs["requests"][0]["responses"][0]["values"]["best"]["value"]
    assert [item["rank"] for item in best] == [1, 1, 3]
    suggested = {s["question_name"]: s["value"] for s in theirs["requests"][0]["suggestions"]}
    assert suggested["best"] == [{"value": "reply-2"}, {"value": "reply-1"}, {"value": "reply-3"}]
    bare = [x for x in theirs["requests"][1]["responses"] if x["status"] == "discarded"]
    assert bare == [{"values": {}, "status": "discarded", "user_id": bare[0]["user_id"]}]
    # Argilla 2 re-serialises the same settings
    same_settings(theirs["settings"], settings_json(ds.schema))


def as_written(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Argilla 2's records with its spans as ``to_hub`` writes them (``cases.neutral``'s form).

    Argilla 2 scores a span suggestion's spans in a list beside them; nb_feedback keeps each
    span's score in the span (null when none).
    """
    out = []
    for record in records:
        record = json.loads(json.dumps(record))
        ents = record["suggestions"].get("ents")
        if ents is not None:
            scores = ents["score"] or [None] * len(ents["value"])
            ents["value"] = [{**i, "score": x} for i, x in zip(ents["value"], scores, strict=True)]
            ents["score"] = None
        for response in record["responses"]:
            if response["question"] == "ents" and response["value"] is not None:
                response["value"] = [{**i, "score": None} for i in response["value"]]
        out.append(record)
    return out


def same_settings(theirs: dict[str, Any], ours: dict[str, Any]) -> None:
    """Assert two ``settings.json`` agree on every key both sides must keep."""
    for key in ("guidelines", "allow_extra_metadata", "distribution"):
        assert theirs[key] == ours[key], key
    for part in ("questions", "fields", "metadata", "vectors"):
        strip = lambda items: [  # noqa: E731 - the keys both sides must agree on
            {k: v for k, v in i.items() if k in ("name", "title", "settings", "required")}
            for i in items
        ]
        assert strip(theirs[part]) == strip(ours[part]), part


def test_nb_feedback_reads_what_argilla2_writes_cell_for_cell(tmp_path: Path) -> None:
    theirs = argilla2("write", str(tmp_path / "out"), "argilla")
    back = rg.FeedbackDataset.from_hub(local_dir=tmp_path / "out")
    assert neutral(back) == as_written(theirs["records"])
    # a span suggestion's scores, one per span in Argilla 2, are kept in each span
    (ents,) = [s for s in back[0].suggestions if s.question_name == "ents"]
    assert ents.value[1] == {
        "start": 5,
        "end": 6,
        "label": "OTHER",
        "score": 0.4,
    }
    # the settings too: guidelines, distribution, each field, question, metadata and vector
    same_settings(theirs["settings"], settings_json(back.schema))
    assert back[1].responses[0].status == "discarded"
    # the SDK's ClassLabel names a missing label suggestion None: no suggestion here
    assert "ClassLabel" in theirs["features"]["topic.suggestion"]
    assert back[1].suggestions == []
    assert back.distribution.min_submitted == 2
    assert back.schema.question("tags").labels_order == "suggestion"
    assert isinstance(back.schema.fields[2], rg.ChatField)
    assert back[0].fields["chat"][1] == {"role": "assistant", "content": "Hello"}


@pytest.mark.parametrize("layout", ["argilla", "argilla-server"])
@pytest.mark.parametrize("make", [scored_span_dataset, span_dataset])
def test_argilla2_reads_span_questions_cell_for_cell(
    tmp_path: Path, layout: str, make: Any
) -> None:
    ds = make()
    ds.to_hub(local_dir=tmp_path / "out", layout=layout)
    theirs = argilla2("read", str(tmp_path / "out"))
    assert theirs["records"] == neutral(ds)
    assert all("error" not in body for body in theirs["requests"]), theirs["requests"]
    same_settings(theirs["settings"], settings_json(ds.schema))


@pytest.mark.parametrize("layout", ["argilla", "argilla-server"])
def test_argilla2_reads_a_conversation_as_its_chat_field(tmp_path: Path, layout: str) -> None:
    ds = chat_dataset()
    ds.to_hub(local_dir=tmp_path / "out", layout=layout)
    theirs = argilla2("read", str(tmp_path / "out"))
    assert theirs["records"] == neutral(ds)
    assert theirs["settings"]["fields"][0]["settings"]["type"] == "chat"
    assert all("error" not in body for body in theirs["requests"]), theirs["requests"]
