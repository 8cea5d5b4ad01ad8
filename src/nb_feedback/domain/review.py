"""Review: which annotator's answer a reviewer's answer came from.

A reviewer's answer is an ordinary response of the reviewer (``add_response``). What this module
adds is its provenance: "reviewer-1 took labeler-2's answer to record r (and edited it)", a
``ReviewNote`` committed through the dataset's one change path like every other change
(``_changes.NoteReview``; its undo is ``_changes.WithdrawReview``): a saved dataset writes it to
its writer's changes log, then ``ReviewNotes.keep`` holds it in memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd


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


class ReviewNotes:
    """Every review note of a dataset, by (record id, reviewer); the later note wins.

    Each note is held with the time of the change that made it (the hybrid clock of
    ``_hlc``), and a withdrawn note (an undone review) as None with the time of the withdrawal,
    so that notes read from a folder in any order give the same notes.
    """

    def __init__(self) -> None:
        self._notes: dict[tuple[str, str], tuple[float, ReviewNote | None]] = {}

    def keep(self, note: ReviewNote, at: float) -> None:
        """Hold ``note``, made at time ``at``, unless a later note or withdrawal is held."""
        key = (note.record_id, note.reviewer)
        held = self._notes.get(key)
        if held is None or held[0] <= at:
            self._notes[key] = (at, note)

    def withdraw(self, record_id: str, reviewer: str, at: float) -> None:
        """Take back ``reviewer``'s note on ``record_id`` as of time ``at``."""
        key = (record_id, reviewer)
        held = self._notes.get(key)
        if held is None or held[0] <= at:
            self._notes[key] = (at, None)

    def clocked(self) -> dict[tuple[str, str], tuple[float, ReviewNote | None]]:
        """Return every note and withdrawal with its time (what a checkpoint keeps)."""
        return dict(self._notes)

    def get(self, record_id: str, reviewer: str) -> ReviewNote | None:
        """Return the note of ``reviewer`` on ``record_id``, or None."""
        held = self._notes.get((record_id, reviewer))
        return None if held is None else held[1]

    def frame(self) -> pd.DataFrame:
        """Return one row per reviewed (record, reviewer): record_id, reviewer, source, edited, at.

        ``at`` is a UTC datetime (the note keeps epoch seconds).
        """
        notes = [n for _, n in self._notes.values() if n is not None]
        return pd.DataFrame(
            {
                "record_id": pd.Series([n.record_id for n in notes], dtype=object),
                "reviewer": pd.Series([n.reviewer for n in notes], dtype=object),
                # object: a new answer's source stays None (a str column would make it NaN)
                "source": pd.Series([n.source for n in notes], dtype=object),
                "edited": pd.Series([n.edited for n in notes], dtype=bool),
                "at": pd.to_datetime(
                    pd.Series([n.at for n in notes], dtype="float64"), unit="s", utc=True
                ),
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
