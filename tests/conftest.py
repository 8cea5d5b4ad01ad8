"""Shared fixtures: a small schema covering every question kind, and a dataset factory."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest

import nb_feedback as rg


def make_schema_kwargs() -> dict[str, Any]:
    """Fields, questions and metadata of the small dataset the unit tests share."""
    return {
        "fields": [rg.TextField(name="prompt"), rg.TextField(name="context", required=False)],
        "questions": [
            rg.TextQuestion(name="demonstration", title="Write a helpful answer"),
            rg.RatingQuestion(name="quality", values=[1, 2, 3, 4, 5], required=False),
            rg.LabelQuestion(name="topic", labels=["code", "math", "other"], required=False),
            rg.MultiLabelQuestion(name="tags", labels=["short", "long", "unsafe"], required=False),
            rg.RankingQuestion(name="best", values=["reply-1", "reply-2"], required=False),
        ],
        "metadata_properties": [
            rg.TermsMetadataProperty(name="source", values=["web", "book", "chat"]),
            rg.IntegerMetadataProperty(name="length", min=0, max=10_000),
            rg.FloatMetadataProperty(name="score", min=0.0, max=1.0),
        ],
        "guidelines": "Answer **kindly**.",
    }


def make_records(n: int) -> list[dict[str, Any]]:
    """``n`` valid records in the nested form, with metadata on every record."""
    sources = ["web", "book", "chat"]
    return [
        {
            "fields": {"prompt": f"Prompt number {i}?", "context": f"ctx {i}" if i % 2 else None},
            "metadata": {"source": sources[i % 3], "length": i * 10, "score": (i % 10) / 10},
            "external_id": f"ext-{i}",
        }
        for i in range(n)
    ]


DatasetFactory = Callable[..., rg.FeedbackDataset]


@pytest.fixture
def make_dataset() -> DatasetFactory:
    """Return ``make(n=5)``: a dataset of the shared schema holding ``n`` records."""

    def make(n: int = 5) -> rg.FeedbackDataset:
        ds = rg.FeedbackDataset(**make_schema_kwargs())
        if n:
            ds.add_records(make_records(n))
        return ds

    return make


@pytest.fixture
def ds(make_dataset: DatasetFactory) -> rg.FeedbackDataset:
    """A dataset of 5 records, in memory."""
    return make_dataset(5)


def snapshot(dataset: rg.FeedbackDataset) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """What a failed call must leave unchanged: records, responses and length."""
    return dataset.to_pandas(), dataset.responses_frame(), len(dataset)


def assert_unchanged(dataset: rg.FeedbackDataset, before: tuple[pd.DataFrame, pd.DataFrame, int]):
    """Assert ``dataset`` still equals the ``snapshot`` taken before a failed call."""
    records, responses, n = before
    assert len(dataset) == n
    pd.testing.assert_frame_equal(dataset.to_pandas(), records)
    pd.testing.assert_frame_equal(dataset.responses_frame(), responses)
