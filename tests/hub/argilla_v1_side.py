"""Argilla v1.29's own code on its Hub layout; run in benchmarks/.venv-argilla, never imported.

    python argilla_v1_side.py read FOLDER    v1's from_huggingface reads a folder nb_feedback wrote
    python argilla_v1_side.py write FOLDER   v1 writes what its push_to_huggingface uploads

``read`` runs ``FeedbackDataset.from_huggingface`` itself, with its two Hub calls pointed at
the folder (``hf_hub_download`` of ``argilla.yaml``, ``load_dataset`` of the parquet split).
``write`` runs what ``push_to_huggingface`` runs before uploading: ``format_as("datasets")``
and ``DatasetConfig.to_yaml()``. Both print one JSON line of the records in a neutral form.
"""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path
from typing import Any

import argilla_v1 as rg
import datasets
import huggingface_hub

ANA, BO = uuid.UUID(int=0xA), uuid.UUID(int=0xB)


def _plain(value: Any) -> Any:
    """A value as JSON: ranking items and spans are pydantic models in v1."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "dict"):
        keys = ("value", "rank", "start", "end", "label")
        return {k: v for k, v in value.dict().items() if k in keys}
    if isinstance(value, float):
        return round(value, 6)  # v1's layout holds float32
    return value


def neutral(ds: Any) -> list[dict[str, Any]]:
    out = []
    for r in ds.records:
        out.append(
            {
                "external_id": r.external_id,
                "fields": {k: v for k, v in r.fields.items() if v is not None},
                "metadata": dict(r.metadata or {}),
                "suggestions": sorted(
                    (
                        {
                            "question": s.question_name,
                            "value": _plain(s.value),
                            "score": _plain(s.score),
                            "agent": s.agent,
                        }
                        for s in r.suggestions
                    ),
                    key=lambda s: s["question"],
                ),
                "responses": sorted(
                    (
                        {
                            "user_id": str(x.user_id),
                            "status": str(getattr(x.status, "value", x.status)),
                            "values": {k: _plain(v.value) for k, v in x.values.items()},
                        }
                        for x in r.responses
                    ),
                    key=lambda x: x["user_id"],
                ),
            }
        )
    return out


def read(folder: Path) -> Any:
    files = sorted(str(p) for p in (folder / "data").glob("train-*.parquet"))
    huggingface_hub.hf_hub_download = lambda **kwargs: str(folder / "argilla.yaml")
    real_load = datasets.load_dataset
    datasets.load_dataset = lambda *args, **kwargs: real_load(
        "parquet", data_files={"train": files}
    )
    ds = rg.FeedbackDataset.from_huggingface("local/folder", show_progress=False)
    return neutral(ds)


def write(folder: Path) -> Any:
    from argilla_v1.client.feedback.config import DatasetConfig

    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="prompt"), rg.TextField(name="context", required=False)],
        questions=[
            rg.TextQuestion(name="answer"),
            rg.RatingQuestion(name="quality", values=[1, 2, 3], required=False),
            rg.LabelQuestion(name="topic", labels={"code": "Code", "math": "Math"}, required=False),
            rg.MultiLabelQuestion(name="tags", labels=["a", "b"], required=False),
            rg.RankingQuestion(name="best", values=["r1", "r2"], required=False),
        ],
        guidelines="Be kind.",
        metadata_properties=[rg.TermsMetadataProperty(name="source", values=["web", "book"])],
    )
    ds.add_records(
        [
            rg.FeedbackRecord(
                fields={"prompt": "p0", "context": "c"},
                metadata={"source": "web"},
                external_id="x-0",
                suggestions=[
                    {"question_name": "topic", "value": "math", "score": 0.5, "agent": "clf"},
                    {"question_name": "tags", "value": ["a"], "score": [0.25], "agent": "clf"},
                ],
                responses=[
                    {
                        "user_id": ANA,
                        "values": {
                            "answer": {"value": "A"},
                            "quality": {"value": 2},
                            "best": {
                                "value": [{"value": "r2", "rank": 1}, {"value": "r1", "rank": 2}]
                            },
                        },
                        "status": "submitted",
                    },
                    {"user_id": BO, "values": {"answer": {"value": "B"}}, "status": "draft"},
                ],
            ),
            rg.FeedbackRecord(fields={"prompt": "p1"}, external_id="x-1"),
        ]
    )
    (folder / "data").mkdir(parents=True)
    ds.format_as("datasets").to_parquet(str(folder / "data" / "train-00000-of-00001.parquet"))
    config = DatasetConfig(
        fields=ds.fields,
        questions=ds.questions,
        guidelines=ds.guidelines,
        metadata_properties=ds.metadata_properties,
        allow_extra_metadata=ds.allow_extra_metadata,
        vectors_settings=ds.vectors_settings,
    )
    (folder / "argilla.yaml").write_text(config.to_yaml())
    return neutral(ds)


if __name__ == "__main__":
    command, target = sys.argv[1], Path(sys.argv[2])
    print(json.dumps(read(target) if command == "read" else write(target), default=str))
