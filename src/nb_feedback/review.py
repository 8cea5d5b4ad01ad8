"""Review: which annotator's answer a reviewer's answer came from.

A reviewer's answer is an ordinary response of the reviewer (``add_response``). What this module
adds is its provenance: "reviewer-1 took labeler-2's answer to record r (and edited it)", a
``ReviewNote`` committed through the dataset's one change path like every other change
(``_changes.NoteReview``): for a saved dataset ``append_note`` writes it durably to the
reviewer's own file ``reviews/<reviewer>.jsonl`` (the answer logs are left as they are), then
``ReviewNotes.keep`` holds it in memory.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pandas as pd

from nb_feedback._durable import append_synced

REVIEWS_DIR = "reviews"


@dataclass(frozen=True)
class ReviewNote:
    """A reviewer's answer to a record and the annotator answer it started from (None: new)."""

    record_id: str
    reviewer: str
    source: str | None
    edited: bool
    at: float

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form written to the reviews file."""
        return {
            "record_id": self.record_id,
            "reviewer": self.reviewer,
            "source": self.source,
            "edited": self.edited,
            "at": self.at,
        }


def _file_name(reviewer: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9_-]+", "_", reviewer)[:40] or "reviewer"
    digest = hashlib.sha256(reviewer.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"{slug}-{digest}.jsonl"


def append_note(folder: Path, note: ReviewNote) -> None:
    """Append ``note`` to its reviewer's file in ``folder``, flushed and synced."""
    target = folder / REVIEWS_DIR
    target.mkdir(exist_ok=True)
    append_synced(target / _file_name(note.reviewer), orjson.dumps(note.to_dict()) + b"\n")


class ReviewNotes:
    """Every review note of a dataset, by (record id, reviewer); the latest note wins."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._notes: dict[tuple[str, str], ReviewNote] = {}
        self._offsets: dict[Path, int] = {}  # bytes of each reviewer's file read so far
        self.refresh()

    def refresh(self) -> None:
        """Read the notes other processes appended since the last look (only the new bytes)."""
        if self.folder is None:
            return
        for path in sorted((self.folder / REVIEWS_DIR).glob("*.jsonl")):
            start = self._offsets.get(path, 0)
            with path.open("rb") as fh:
                fh.seek(start)
                data = fh.read()
            end = data.rfind(b"\n") + 1  # a line still being written waits for the next look
            self._offsets[path] = start + end
            self._read(data[:end])

    def _read(self, data: bytes) -> None:
        for line in data.splitlines():
            try:
                row = orjson.loads(line)
                note = ReviewNote(
                    str(row["record_id"]),
                    str(row["reviewer"]),
                    None if row.get("source") is None else str(row["source"]),
                    bool(row.get("edited", False)),
                    float(row["at"]),
                )
            except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
                continue  # a torn or damaged line: the answer itself is in the answer log
            self.keep(note)

    def keep(self, note: ReviewNote) -> None:
        """Hold ``note`` (a note of the same reviewer on the same record is replaced if older)."""
        key = (note.record_id, note.reviewer)
        held = self._notes.get(key)
        if held is None or held.at <= note.at:
            self._notes[key] = note

    def moved_to(self, folder: Path) -> ReviewNotes:
        """Return these notes written into ``folder`` (a dataset saved for the first time)."""
        out = ReviewNotes(folder)
        lines: dict[str, list[bytes]] = {}
        for note in self._notes.values():
            lines.setdefault(note.reviewer, []).append(orjson.dumps(note.to_dict()) + b"\n")
            out.keep(note)
        if lines:
            (folder / REVIEWS_DIR).mkdir(exist_ok=True)
        for reviewer, chunk in lines.items():
            with (folder / REVIEWS_DIR / _file_name(reviewer)).open("ab") as fh:
                fh.write(b"".join(chunk))
                os.fsync(fh.fileno())
        return out

    def get(self, record_id: str, reviewer: str) -> ReviewNote | None:
        """Return the note of ``reviewer`` on ``record_id``, or None."""
        return self._notes.get((record_id, reviewer))

    def frame(self) -> pd.DataFrame:
        """Return one row per reviewed (record, reviewer): record_id, reviewer, source, edited, at."""
        notes = list(self._notes.values())
        return pd.DataFrame(
            {
                "record_id": pd.Series([n.record_id for n in notes], dtype=object),
                "reviewer": pd.Series([n.reviewer for n in notes], dtype=object),
                # object: a new answer's source stays None (a str column would make it NaN)
                "source": pd.Series([n.source for n in notes], dtype=object),
                "edited": pd.Series([n.edited for n in notes], dtype=bool),
                "at": pd.Series([n.at for n in notes], dtype="float64"),
            }
        )


def reviewed_answers(responses: pd.DataFrame, notes: pd.DataFrame) -> np.ndarray:
    """Return True for the response rows to keep when reviews win.

    A record somebody reviewed keeps only its reviewers' answers; other records keep all.
    """
    if notes.empty or responses.empty:
        return np.ones(len(responses), dtype=bool)
    record_ids = responses["record_id"].astype(object)
    reviewed = record_ids.isin(set(notes["record_id"])).to_numpy()
    keys = pd.MultiIndex.from_arrays([notes["record_id"], notes["reviewer"]])
    rows = pd.MultiIndex.from_arrays([record_ids, responses["user"].astype(object)])
    return np.asarray(~reviewed | rows.isin(keys), dtype=bool)
