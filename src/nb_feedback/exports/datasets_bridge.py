"""Write SFT splits to files, and the bridge to ``datasets`` that every exporter uses.

``export_sft`` writes each split as JSONL, parquet or a ``save_to_disk`` folder. ``datasets`` is
imported inside functions (``require_datasets``, with an ImportError naming the package), and
``arrow_dataset`` wraps an Arrow table as an in-memory ``datasets.Dataset``.

Exports are quiet: ``datasets``' own progress bars ("Creating json from Arrow format", "Saving
the dataset") are turned off for the length of the call (``datasets_bars``) unless the call
passes ``show_progress=True``, and put back as they were after it.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from nb_feedback.base.errors import ExportError

if TYPE_CHECKING:
    from datasets import Dataset, DatasetDict


def require_datasets() -> Any:
    """Import and return the ``datasets`` module, with an ImportError naming it if missing."""
    try:
        import datasets
    except ImportError:  # pragma: no cover - datasets is a core dependency
        raise ImportError(
            "nb_feedback export needs the 'datasets' package: pip install datasets"
        ) from None
    return datasets


@contextlib.contextmanager
def datasets_bars(show_progress: bool | None) -> Iterator[None]:
    """Show ``datasets``' progress bars inside this block only when ``show_progress`` is True.

    ``datasets`` keeps one global switch: it is set for the block and put back after it, so a
    user's own ``datasets.disable_progress_bars()`` (or enable) outlives the call. The
    environment variable ``HF_DATASETS_DISABLE_PROGRESS_BARS`` wins, as ``datasets`` has it
    (setting the switch against it would only print a warning).
    """
    if os.environ.get("HF_DATASETS_DISABLE_PROGRESS_BARS") is not None:
        yield
        return
    from datasets import utils

    was_disabled = utils.are_progress_bars_disabled()
    if show_progress:
        utils.enable_progress_bars()
    else:
        utils.disable_progress_bars()
    try:
        yield
    finally:
        if was_disabled:
            utils.disable_progress_bars()
        else:
            utils.enable_progress_bars()


def arrow_dataset(table: pa.Table, features: Any) -> Dataset:
    """Wrap an Arrow table as an in-memory ``datasets.Dataset`` with the given features.

    ``Dataset.from_pandas`` would fingerprint the data by pickling all of it (a third of the
    time at 100,000 rows); an in-memory dataset gets a random fingerprint, as datasets itself
    gives the results of transforms it cannot hash. The table's chunks are kept as they are
    (datasets reads chunked tables; a copy into one chunk would cost as much as building it).
    """
    datasets = require_datasets()
    from datasets.fingerprint import generate_random_fingerprint
    from datasets.table import InMemoryTable

    with datasets_bars(False):  # making a Dataset should print nothing, in any version
        return datasets.Dataset(
            InMemoryTable(table),
            info=datasets.DatasetInfo(features=features),
            fingerprint=generate_random_fingerprint(),
        )


def export_sft(
    splits: DatasetDict | Mapping[str, Dataset],
    folder: str | Path,
    formats: Sequence[str] = ("jsonl", "parquet"),
    *,
    show_progress: bool | None = None,
) -> dict[str, list[Path]]:
    """Write each split to ``folder`` as JSONL, parquet and/or a ``save_to_disk`` folder.

    Parameters
    ----------
    splits : datasets.DatasetDict
        What ``to_sft`` returned (any mapping of split name to Dataset).
    folder : str or Path
        Created if missing. Files are ``<split>.jsonl`` and ``<split>.parquet``; "disk" writes
        ``folder/dataset_dict`` (read it back with ``datasets.load_from_disk``).
    formats : sequence of {"jsonl", "parquet", "disk"}
        What to write.
    show_progress : bool, optional
        Show ``datasets``' progress bars while writing; by default nothing is printed.

    Returns
    -------
    dict
        The paths written, by format.

    Notes
    -----
    Each file is written to a temporary name in ``folder`` and then renamed, so a crash never
    leaves a half-written file under the final name. To publish, call
    ``splits.push_to_hub(repo_id)`` (``datasets``' own method).
    """
    datasets = require_datasets()
    if isinstance(formats, str):
        formats = (formats,)
    bad = [f for f in formats if f not in ("jsonl", "parquet", "disk")]
    if bad:
        raise ExportError(f"export_sft: formats={bad!r}; expected some of jsonl, parquet, disk")
    target = Path(folder).expanduser()
    target.mkdir(parents=True, exist_ok=True)
    with datasets_bars(show_progress):
        return _write_splits(datasets, splits, target, formats)


def _write_splits(
    datasets: Any, splits: Mapping[str, Dataset], target: Path, formats: Sequence[str]
) -> dict[str, list[Path]]:
    written: dict[str, list[Path]] = {}
    for fmt in formats:
        paths: list[Path] = []
        if fmt == "disk":
            path = target / "dataset_dict"
            datasets.DatasetDict(dict(splits)).save_to_disk(str(path))
            paths.append(path)
        else:
            for name, split in splits.items():
                path = target / f"{name}.{fmt}"
                tmp = target / f".{name}.{fmt}.tmp"
                if fmt == "jsonl":
                    split.to_json(str(tmp), lines=True, force_ascii=False)
                else:
                    split.to_parquet(str(tmp))
                tmp.replace(path)
                paths.append(path)
        written[fmt] = paths
    return written
