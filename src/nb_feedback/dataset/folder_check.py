"""Check a dataset folder and salvage a damaged one: ``nb_feedback check|repair FOLDER``.

``check`` only reads: it opens the folder as ``from_disk`` does, counts what it holds (records,
answers, writers, checkpoints) and lists every piece of damage it found (unreadable lines, torn
tails, missing or unreadable parts, leftover files of killed writes). ``repair`` writes a clean
copy beside the folder (``<name>.repaired``) holding every whole line and readable part, and
says what it could not keep; the damaged folder is left as it is.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from nb_feedback.base.errors import StorageError
from nb_feedback.store import persistence

if TYPE_CHECKING:
    from nb_feedback.dataset.dataset import FeedbackDataset


@dataclass
class FolderReport:
    """What a folder holds and what is wrong with it."""

    folder: Path
    format_version: int | None = None
    records: int = 0
    answers: int = 0
    writers: int = 0
    checkpoints: int = 0
    damage: list[str] = field(default_factory=list)
    error: str | None = None
    waiting: list[str] = field(default_factory=list)
    """Parts named by a line that have not arrived: a synced folder still delivering, not damage."""

    @property
    def ok(self) -> bool:
        """Whether the folder opened with no damage found (parts still on their way are not)."""
        return self.error is None and not self.damage

    def __str__(self) -> str:
        state = "OK" if self.ok else "DAMAGED" if self.error is None else "CANNOT BE OPENED"
        if self.waiting:
            state += f", waiting for {len(self.waiting)} part(s) a sync has not delivered yet"
        lines = [f"{self.folder}: {state}"]
        lines.append(
            f"  format {self.format_version}, {self.records} record(s), {self.answers} "
            f"answer(s), {self.writers} writer(s), {self.checkpoints} checkpoint(s)"
        )
        if self.error:
            lines.append(f"  error: {self.error}")
        lines += [f"  - {d}" for d in self.damage]
        lines += [f"  - (waiting) {w}" for w in self.waiting]
        return "\n".join(lines)


def check_folder(path: str | Path) -> FolderReport:
    """Report what a dataset folder holds and any damage, reading only."""
    from nb_feedback.dataset.dataset import FeedbackDataset

    folder = Path(path).expanduser().resolve()
    report = FolderReport(folder)
    try:
        report.format_version = persistence.read_manifest(folder).get("format_version")
    except StorageError as exc:
        report.error = str(exc)
    report.writers = len(persistence.writer_dirs(folder))
    report.checkpoints = len(persistence.checkpoint_files(folder))
    for wdir in persistence.writer_dirs(folder):
        for leftover in wdir.glob(".*.tmp"):
            report.damage.append(f"{leftover}: a write that never finished (safe to delete)")
    if report.error:
        return report
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            ds = FeedbackDataset.from_disk(folder)
        except StorageError as exc:
            report.error = str(exc)
            return report
        ds._read_only = "opened by check_folder"  # read only: nothing is written
    for w in caught:
        for said in getattr(w.message, "items", None) or [str(w.message)]:
            is_waiting = persistence.NOT_THERE_YET in said
            (report.waiting if is_waiting else report.damage).append(said)
    report.records = len(ds)
    report.answers = len(ds.responses_frame())
    return report


def repair_folder(path: str | Path, target: str | Path | None = None) -> FolderReport:
    """Salvage every whole line and readable part of ``path`` into a clean folder beside it.

    Returns the report of the damaged folder (what was skipped is what could not be kept).
    """
    from nb_feedback.dataset.dataset import FeedbackDataset

    folder = Path(path).expanduser().resolve()
    out = Path(target) if target else folder.with_name(folder.name + ".repaired")
    report = check_folder(folder)
    if report.error and not (folder / persistence.WRITERS).is_dir():
        raise StorageError(f"{folder}: nothing to salvage ({report.error})")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            ds = FeedbackDataset.from_disk(folder)
        except StorageError:
            ds = _from_writers_alone(folder, report)
    ds._read_only = None
    ds._writer = None  # the damaged folder is never written to
    ds._folder = None
    ds._reader = None
    ds.save(out)
    ds.close()
    return report


def _from_writers_alone(folder: Path, report: FolderReport) -> FeedbackDataset:
    """Open a folder that does not open: from its checkpoints and writers' files alone.

    The manifest gone: from the latest readable checkpoint and the lines it does not cover.
    No checkpoint readable: from the manifest's schema, the parts of the latest damaged
    checkpoint that still read (its records and answers), and every writer's lines from the
    start; what cannot be kept is added to ``report``.
    """
    from nb_feedback.dataset.dataset import FeedbackDataset
    from nb_feedback.store import _tables as T

    if persistence.latest_checkpoint(folder)[0] is not None:
        return FeedbackDataset._from_checkpoints(folder)
    try:
        schema = persistence.manifest_schema(folder)
    except StorageError:
        raise StorageError(
            f"{folder}: cannot salvage: no readable checkpoint and no readable manifest, so the "
            "dataset's schema is unknown; the folder is left as it is"
        ) from None
    records = responses = None
    for path in persistence.checkpoint_files(folder):  # its file is damaged; its parts may not be
        stem = path.name[: -len(".json")]
        try:
            records = persistence.read_parquet(path.parent / f"{stem}.records.parquet")
            persistence.check_record_part(path, records)
            where = path.parent / f"{stem}.responses.parquet"
            responses = persistence.checked_responses(where, persistence.read_parquet(where))
        except (StorageError, FileNotFoundError):
            records = responses = None
            continue
        report.damage.append(f"{path}: damaged; its records and answers were read from its parts")
        if T.VECTORS not in records.columns:
            records[T.VECTORS] = None
        break
    else:
        report.damage.append(
            f"{folder}: no checkpoint part is readable: the records that only a checkpoint held "
            "(those a first save wrote) are lost; records added later and every answer, edit "
            "and deletion in the writers' lines are kept"
        )
    ds = FeedbackDataset.__new__(FeedbackDataset)
    ds._init(schema, records, responses)
    ds._reader = persistence.FolderReader(folder)  # every line, from the start
    news = ds._reader.read_new()
    ds._take_news(news)
    report.damage += news.skipped
    if len(ds._held):
        report.damage.append(
            f"{len(ds._held)} answer(s) name records no readable file holds: not kept"
        )
        ds._held = T.empty_responses()
    return ds


def main(argv: list[str] | None = None) -> int:
    """Run the ``nb_feedback`` command: ``check FOLDER`` or ``repair FOLDER [--to DIR]``."""
    parser = argparse.ArgumentParser(prog="nb_feedback", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="report what a dataset folder holds and any damage").add_argument(
        "folder"
    )
    repair = sub.add_parser("repair", help="salvage a damaged folder into a clean one beside it")
    repair.add_argument("folder")
    repair.add_argument("--to", default=None, help="where to write (default: FOLDER.repaired)")
    args = parser.parse_args(argv)
    if args.command == "check":
        report = check_folder(args.folder)
        print(report)
        return 0 if report.ok else 1
    try:
        report = repair_folder(args.folder, args.to)
    except StorageError as exc:
        print(f"repair failed: {exc}", file=sys.stderr)
        return 2
    target = args.to or str(Path(args.folder).resolve()) + ".repaired"
    print(report)
    print(f"salvaged into {target}; what is listed above could not be kept")
    return 0


if __name__ == "__main__":
    sys.exit(main())
