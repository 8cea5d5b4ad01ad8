"""What a new user hits in their first ten minutes: the names the errors are raised under, and
save() with no path."""

from __future__ import annotations

from pathlib import Path

import pytest

import nb_feedback as rg
from conftest import DatasetFactory


def test_the_error_to_sft_raises_is_importable_from_the_package(
    make_dataset: DatasetFactory,
) -> None:
    assert issubclass(rg.ExportError, rg.FeedbackError)
    ds = make_dataset(4)  # no answers at all: nothing to export
    with pytest.raises(rg.ExportError):
        ds.to_sft(prompt="prompt", completion="demonstration")


def test_save_with_no_path_writes_to_the_datasets_own_folder(
    make_dataset: DatasetFactory, tmp_path: Path
) -> None:
    ds = make_dataset(3)
    folder = ds.save(tmp_path / "ds")
    assert ds.save() == folder
    ds.add_response(ds[0].id, {"demonstration": "kept"}, user="u")
    assert ds.save() == folder
    again = rg.FeedbackDataset.from_disk(folder)
    assert [r.plain_values() for r in again[0].responses] == [{"demonstration": "kept"}]


def test_save_with_no_path_on_a_dataset_without_a_folder_says_what_to_do(
    make_dataset: DatasetFactory,
) -> None:
    ds = make_dataset(2)
    with pytest.raises(rg.StorageError, match=r"no folder yet; pass a path"):
        ds.save()
    assert ds.folder is None
