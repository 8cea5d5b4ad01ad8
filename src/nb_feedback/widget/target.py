"""What the widget reads and asks of the dataset it annotates: ``AnnotatedDataset``.

The widget sits below ``FeedbackDataset`` in the layers (the dataset makes it in ``annotate``),
so it is typed against this protocol, not against the class. Every change it asks for goes
through one of these methods, which commit through the dataset's one change path.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import pandas as pd

from nb_feedback.store.view import DatasetView

if TYPE_CHECKING:
    from nb_feedback.domain.distribution import TaskDistribution
    from nb_feedback.domain.records import Response
    from nb_feedback.domain.review import ReviewNote


class AnnotatedDataset(DatasetView, Protocol):
    """A dataset as the widget uses it (``FeedbackDataset`` is one)."""

    @property
    def folder(self) -> Path | None: ...

    @property
    def distribution(self) -> TaskDistribution: ...

    @property
    def last_change_saved(self) -> bool: ...

    def status_counts(self, user: str) -> dict[str, int]: ...

    def user_statuses(self, user: str) -> pd.Series: ...

    def queue(self, user: str) -> list[str]: ...

    def queue_positions(self, user: str) -> np.ndarray: ...

    def progress(self, with_users_distribution: bool = False) -> dict[str, Any]: ...

    def response_of(self, record_id: str, user: str) -> Response | None: ...

    def responses_for(self, record_id: str) -> list[Response]: ...

    def add_response(
        self,
        record_id: str,
        values: Mapping[str, Any],
        *,
        user: str | None = None,
        status: str = "submitted",
        time_spent: float | None = None,
        shown: Mapping[str, Any] | None = None,
    ) -> Response: ...

    def remove_response(self, record_id: str, user: str) -> None: ...

    def add_review(
        self,
        record_id: str,
        values: Mapping[str, Any],
        *,
        reviewer: str,
        source: str | None = None,
        status: str = "submitted",
        time_spent: float | None = None,
    ) -> Response: ...

    def review_note(self, record_id: str, reviewer: str) -> ReviewNote | None: ...

    def restore_review_note(
        self, record_id: str, reviewer: str, note: ReviewNote | None
    ) -> None: ...

    def claim_writer(self, user: str) -> None: ...

    def refresh(self) -> list[str]: ...

    def subscribe(self, listener: Callable[[str, Sequence[str]], None]) -> Callable[[], None]: ...
