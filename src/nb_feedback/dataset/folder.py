"""Saving, opening and following a dataset's folder: ``save``, ``from_disk``, ``refresh``, ``close``.

A mixin of ``FeedbackDataset`` over ``DatasetCore``: the folder's format and its one-writer-per-file
rule are ``store.persistence``'s; this is how a dataset uses them.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from nb_feedback.base.errors import StorageError
from nb_feedback.store import _tables as T
from nb_feedback.store import persistence
from nb_feedback.store._changes import (
    EditRecords,
    UnifyAnswers,
)
from nb_feedback.store._hlc import CLOCK
from nb_feedback.store._patches import patch_of

if TYPE_CHECKING:
    pass
from nb_feedback.dataset._core import DatasetCore


class FolderMixin(DatasetCore):
    """A dataset's folder: save, open, follow the other writers, close."""

    # ------------------------------------------------------------ persistence
    def save(
        self,
        path: str | Path | None = None,
        *,
        overwrite: bool = False,
        show_progress: bool | None = None,
    ) -> Path:
        """Write the dataset to ``path``; every later change is then written there as it happens.

        With no path (or its own folder), a saved dataset writes a checkpoint: what it has read
        of the folder (everything other processes wrote, read first) in one snapshot, so that
        opening the folder reads little. It removes nothing anyone else wrote, and every change
        was already on disk. ``overwrite=True`` replaces another dataset at ``path`` (refused
        while another process is writing it); its files are left, no longer read.
        """
        if path is None:
            if self._folder is None:
                raise StorageError("save: this dataset has no folder yet; pass a path")
            path = self._folder
        folder = Path(path).expanduser().resolve()
        self._check_writable()
        if self._folder is not None and folder == self._folder:
            assert self._writer is not None
            self.refresh()  # fold in everything written so far, then cover it
            # another dataset saved over the folder meanwhile (overwrite=True): a checkpoint of
            # this one would be the latest and undo it
            self._check_writable()
            if self._legacy:  # a format 1/2 folder: the checkpoint and the new manifest
                persistence.upgrade_legacy(folder, self._state(), self._writer)
                self._legacy = False
            else:
                self._writer.write_checkpoint(self._state(), show_progress=show_progress)
            return folder
        writer = persistence.FolderWriter(folder)
        state = self._state()
        state.writer, state.covers, state.waiting = writer.id, {}, {}
        persistence.save_new_folder(
            folder, state, writer, overwrite=overwrite, show_progress=show_progress
        )
        self.close()
        self._folder, self._writer, self._legacy = folder, writer, False
        self._reader = persistence.FolderReader(folder, state.covers)
        return folder

    @staticmethod
    def check_folder(path: str | Path) -> Any:
        """Report what a dataset folder holds and any damage, reading only (``nb_feedback check``).

        Returns a ``folder_check.FolderReport``: ``.ok``, counts, and one line per damage found;
        ``print`` it. ``nb_feedback repair FOLDER`` salvages a damaged folder beside it.
        """
        from nb_feedback.dataset.folder_check import check_folder

        return check_folder(path)

    @classmethod
    def from_disk(cls, path: str | Path, *, show_progress: bool | None = None) -> Self:
        """Open a saved dataset; later changes are written back to the same folder.

        Damaged parts of the folder (a torn line, a bad line, a missing part) are skipped with
        a ``LoadWarning`` that names each file and counts what was skipped; a folder that
        cannot be read at all raises ``StorageError`` saying why.
        """
        folder = Path(path).expanduser().resolve()
        for attempt in range(8):  # a checkpoint can be replaced while we read it: read again
            try:
                return cls._open(folder, show_progress)
            except FileNotFoundError as exc:
                if attempt == 7 or not persistence.is_dataset_folder(folder):
                    raise StorageError(
                        f"{folder}: a file went missing while reading ({exc})"
                    ) from None
        raise AssertionError("unreachable")

    @classmethod
    def _open(cls, folder: Path, show_progress: bool | None) -> Self:
        if not folder.is_dir():
            raise StorageError(f"{folder}: no such folder")
        manifest = persistence.read_manifest(folder)
        out = cls.__new__(cls)
        if manifest["format_version"] < persistence.FORMAT_VERSION:
            from nb_feedback.store import _legacy

            loaded = _legacy.load_folder(folder, manifest, show_progress=show_progress)
            out._init(loaded.schema, loaded.records, loaded.snapshot)
            # the old changes log through the one apply step, its lines' order as their times
            # (all earlier than any change made from now on)
            for k, change in enumerate(loaded.changes, start=1):
                if isinstance(change, EditRecords):
                    known = [i for i in change.ids if out._holds(i)]
                    if len(known) < len(change.ids):  # edits of records deleted since
                        keep = [n for n, i in enumerate(change.ids) if out._holds(i)]
                        columns = {c: [v[n] for n in keep] for c, v in change.columns.items()}
                        change = EditRecords(known, columns)
                    change = patch_of(change, out._stored)
                out._apply(change, float(k), "")
            out._take_answers(loaded.answers)
            if len(out._held):
                loaded.skipped.append(f"{len(out._held)} answer(s) to unknown records")
                out._held = T.empty_responses()
            persistence.warn_skipped(folder, loaded.skipped, stacklevel=4)
            for note in _legacy.read_review_notes(folder):
                out._reviews().keep(note, note.at)
            out._legacy = True
            out._folder, out._writer = folder, persistence.FolderWriter(folder)
            out._reader = persistence.FolderReader(folder)
            out._take_news(out._reader.read_new())  # nothing, unless a format-3 writer began
            return out
        return cls._from_checkpoints(folder)

    @classmethod
    def _from_checkpoints(cls, folder: Path) -> Self:
        """Open a format-3 folder from its latest checkpoint and the lines it does not cover."""
        out = cls.__new__(cls)
        base, skipped = persistence.latest_checkpoint(folder)
        if base is None:
            raise StorageError(
                f"{folder}: no readable checkpoint ({'; '.join(skipped) or 'none found'}); "
                "the folder is damaged: `nb_feedback repair` salvages what it can"
            )
        _check_records(folder, base)
        # a checkpoint's responses are one per (record, user) already: they are the table as
        # is, but for answers that were waiting for their records (kept aside again)
        responses, held = base.responses, base.held
        out._init(
            base.schema, base.records, responses[: len(responses) - held] if held else responses
        )
        out._schema_at = base.schema_at
        out._deleted, out._removed = set(base.deleted), dict(base.removed)
        out._edit_clocks = dict(base.edit_clocks)
        out._torn_seen = dict(base.torn)
        out._held_edits = list(base.held_edits)
        for (record_id, reviewer), (at, note) in base.notes.items():
            if note is None:
                out._reviews().withdraw(record_id, reviewer, at)
            else:
                out._reviews().keep(note, at)
        for question, (at, values) in base.unified.items():
            out._take_unified(UnifyAnswers(question, values), at)
        if held:
            out._held = responses[len(responses) - held :].reset_index(drop=True)
        CLOCK.observe(base.at)
        out._folder, out._writer = folder, persistence.FolderWriter(folder)
        out._reader = persistence.FolderReader(folder, base.covers, base.waiting)
        news = out._reader.read_new()
        out._take_news(news)
        damage = skipped + news.skipped + persistence.torn_tails(out._reader, base.torn)
        damage += persistence.missing_covered(folder, base.covers)
        persistence.warn_skipped(folder, damage, stacklevel=4)
        if len(out._held):
            warnings.warn(
                f"{folder}: {len(out._held)} answer(s) name records this folder does not hold "
                "(yet: a synced folder may deliver them later); they are kept aside",
                persistence.LoadWarning,
                stacklevel=4,
            )
        return out

    def close(self) -> None:
        """Release this dataset's annotator locks (they are also released at process exit)."""
        if self._writer is not None:
            self._writer.close()


def _check_records(folder: Path, base: persistence.Checkpoint) -> None:
    """Refuse a checkpoint whose records lack a column the schema needs, naming it."""
    needed = [T.ID, *base.schema.field_names]
    missing = [c for c in needed if c not in base.records.columns]
    if missing:
        raise StorageError(
            f"{folder}: the checkpoint of writer {base.writer} lacks column {missing[0]!r}; "
            "the folder is damaged: `nb_feedback repair` salvages what it can"
        )
    if T.VECTORS not in base.records.columns:
        base.records[T.VECTORS] = None
