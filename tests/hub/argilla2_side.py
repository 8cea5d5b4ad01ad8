"""Argilla 2.8's own code on a Hub layout folder; run in the Argilla 2 venv, never imported.

    python argilla2_side.py read FOLDER          Argilla 2 reads a folder nb_feedback wrote
    python argilla2_side.py write FOLDER LAYOUT  Argilla 2 writes a folder for nb_feedback

Both print one JSON line: each record in a neutral form (``neutral``), which the test
compares with nb_feedback's view of the same folder. No server runs: the client's HTTP layer
answers the two calls these paths make (who am I, which users exist) and nothing else, so
any other server call fails loudly.

``read`` runs what ``rg.Dataset.from_hub`` runs once the dataset exists on a server:
``Settings.from_json`` on ``.argilla/settings.json``, the parquet split as a ``datasets``
Dataset, and ``Dataset._log_dataset_records``, whose final ``records.log`` is captured here
(each record's server request body is built with ``api_model()``, so what the server would
be sent is checked too). ``write`` runs what ``rg.Dataset.to_hub`` runs: ``Settings.to_json``
and ``HFDatasetsIO.to_datasets`` on ``rg.Record`` objects, written as the split's parquet.
"""

from __future__ import annotations

import json
import sys
import uuid
import warnings
from pathlib import Path
from typing import Any, ClassVar

import argilla as rg
import httpx
from argilla._models import DatasetModel
from argilla.records._io._datasets import HFDatasetsIO

ME = str(uuid.UUID(int=1))
ANA, BO = str(uuid.UUID(int=0xA)), str(uuid.UUID(int=0xB))


def client(user_ids: list[str]) -> rg.Argilla:
    def user(uid: str, name: str) -> dict[str, Any]:
        return {
            "id": uid,
            "username": name,
            "role": "owner" if uid == ME else "annotator",
            "first_name": name,
            "inserted_at": "2024-01-01T00:00:00",
            "updated_at": "2024-01-01T00:00:00",
        }

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v1/me":
            return httpx.Response(200, json=user(ME, "owner"))
        if request.url.path == "/api/v1/users":
            items = [user(ME, "owner")] + [user(u, f"user-{u[:8]}") for u in user_ids]
            return httpx.Response(200, json={"items": items})
        return httpx.Response(500, json={"detail": f"no server here: {request.url.path}"})

    out = rg.Argilla(
        api_url="http://argilla.invalid",
        api_key="offline",
        mounts={"all://": httpx.MockTransport(handler)},
    )
    rg.Argilla._default_client = out
    return out


class _Captured(rg.Dataset):
    """A dataset whose ``records.log`` keeps the records instead of sending them."""

    logged: ClassVar[list[Any]] = []

    @property
    def records(self) -> Any:  # type: ignore[override]
        class _Log:
            def log(self, records: list[Any]) -> None:
                _Captured.logged.extend(records)

        return _Log()


def neutral(record: Any) -> dict[str, Any]:
    """A record as plain JSON: what both sides must agree on."""
    data = record.to_dict()
    responses = sorted(
        (
            {
                "question": r.question_name,
                "value": r.value,
                "user_id": str(r.user_id),
                "status": r.status.value if hasattr(r.status, "value") else r.status,
            }
            for r in record.responses
        ),
        key=lambda r: (r["user_id"], r["question"]),
    )
    return {
        "id": data["id"],
        "fields": data["fields"],
        "metadata": data["metadata"],
        "vectors": data["vectors"],
        "suggestions": data["suggestions"],
        "responses": responses,
    }


def read(folder: Path) -> dict[str, Any]:
    import datasets

    names = json.loads((folder / ".argilla" / "nb_feedback.json").read_text())["users"]
    c = client(sorted(names))
    settings = rg.Settings.from_json(folder / ".argilla" / "settings.json")
    dataset = _Captured(name="from-nb-feedback", settings=settings, client=c)
    files = sorted(str(p) for p in (folder / "data").glob("train-*.parquet"))
    hf = datasets.Dataset.from_parquet(files, keep_in_memory=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rg.Dataset._log_dataset_records(hf_dataset=hf, dataset=dataset)
    requests = []
    for record in _Captured.logged:
        try:  # the body the SDK would send the server for this record
            requests.append(record.api_model().model_dump(mode="json"))
        except Exception as exc:
            requests.append({"error": f"{type(exc).__name__}: {exc}"})
    return {
        "settings": settings.serialize(),
        "records": [neutral(r) for r in _Captured.logged],
        "requests": requests,
        "warnings": [str(w.message) for w in caught],
    }


def write(folder: Path, layout: str) -> dict[str, Any]:
    c = client([ANA, BO])
    settings = rg.Settings(
        guidelines="Answer **kindly**.",
        fields=[
            rg.TextField(name="prompt", title="Prompt", use_markdown=True),
            rg.TextField(name="context", required=False),
            rg.ChatField(name="chat", required=False),
        ],
        questions=[
            rg.TextQuestion(name="answer", title="Write a helpful answer", description="Be kind"),
            rg.RatingQuestion(name="quality", values=[1, 2, 3, 4, 5], required=False),
            rg.LabelQuestion(name="topic", labels={"code": "Code", "math": "Math"}, required=False),
            rg.MultiLabelQuestion(
                name="tags",
                labels=["short", "long", "unsafe"],
                labels_order="suggestion",
                required=False,
            ),
            rg.RankingQuestion(name="best", values=["reply-1", "reply-2"], required=False),
            rg.SpanQuestion(
                name="ents", field="prompt", labels=["WORD", "NUM", "OTHER"], required=False
            ),
        ],
        metadata=[
            rg.TermsMetadataProperty(name="source", options=["web", "book"]),
            rg.IntegerMetadataProperty(name="length", min=0, max=100),
            rg.FloatMetadataProperty(name="score"),
        ],
        vectors=[rg.VectorField(name="emb", dimensions=3, title="Embedding")],
        distribution=rg.TaskDistribution(min_submitted=2),
    )
    dataset = rg.Dataset(name="from-argilla", settings=settings, client=c)
    records = [
        rg.Record(
            id="a-0",
            fields={
                "prompt": "Name a prime.",
                "context": "maths",
                "chat": [
                    {"role": "user", "content": "Hi"},
                    {"role": "assistant", "content": "Hello"},
                ],
            },
            metadata={"source": "web", "length": 13, "score": 0.5},
            vectors={"emb": [0.1, 0.2, 0.3]},
            suggestions=[
                rg.Suggestion("answer", "2", score=0.9, agent="gpt"),
                rg.Suggestion("topic", "math", score=0.8, agent="clf"),
                rg.Suggestion("tags", ["short"], score=[0.7], agent="clf"),
                rg.Suggestion("best", ["reply-2", "reply-1"], agent="judge"),
                rg.Suggestion(
                    "ents",
                    [
                        {"start": 0, "end": 4, "label": "WORD"},
                        {"start": 5, "end": 6, "label": "OTHER"},
                    ],
                    score=[0.9, 0.4],
                    agent="ner",
                ),
            ],
            responses=[
                rg.Response("answer", "2", ANA, "submitted"),
                rg.Response("quality", 4, ANA, "submitted"),
                rg.Response("topic", "math", ANA, "submitted"),
                rg.Response("tags", ["short", "long"], ANA, "submitted"),
                rg.Response(
                    "best",
                    [{"value": "reply-1", "rank": 1}, {"value": "reply-2", "rank": 2}],
                    ANA,
                    "submitted",
                ),
                rg.Response("ents", [{"start": 0, "end": 4, "label": "WORD"}], ANA, "submitted"),
                rg.Response("answer", "Two.", BO, "draft"),
            ],
            _dataset=dataset,
        ),
        # no suggestion for the label question here: the SDK names it None in its ClassLabel
        rg.Record(
            id="a-1",
            fields={"prompt": "Say hi."},
            metadata={"source": "book"},
            responses=[rg.Response("answer", "skip", BO, "discarded")],
            _dataset=dataset,
        ),
    ]
    hf = HFDatasetsIO.to_datasets(records, dataset)
    (folder / "data").mkdir(parents=True)
    hf.to_parquet(str(folder / "data" / "train-00000-of-00001.parquet"))
    (folder / ".argilla").mkdir()
    settings.to_json(folder / ".argilla" / "settings.json")
    (folder / ".argilla" / "dataset.json").write_text(
        json.dumps(DatasetModel(name="from-argilla").model_dump(mode="json"))
    )
    return {
        "users": {ANA: "ana", BO: "bo"},
        "features": {k: str(v) for k, v in hf.features.items()},
        "settings": settings.serialize(),
        "records": [neutral(r) for r in records],
    }


if __name__ == "__main__":
    command, target = sys.argv[1], Path(sys.argv[2])
    result = read(target) if command == "read" else write(target, sys.argv[3])
    print(json.dumps(result, default=str))
