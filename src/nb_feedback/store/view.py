"""What the features read of a dataset: ``DatasetView``, a read-only protocol, and ``Tables``.

Exports, team features, Argilla formats and the widget are typed against ``DatasetView``, not
against ``FeedbackDataset``: they sit below the dataset in the layers (see docs/ARCHITECTURE.md)
and cannot import it. ``FeedbackDataset`` satisfies the protocol (mypy checks each call that
passes one). A feature that changes data returns what to change; the dataset commits it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, overload

import numpy as np
import pandas as pd
import pyarrow as pa

from nb_feedback.domain.schema import Schema
from nb_feedback.store import _tables as T

if TYPE_CHECKING:
    from nb_feedback.domain.metadata import MetadataProperty
    from nb_feedback.domain.records import FeedbackRecord
    from nb_feedback.store._tables import ResponseTable


class DatasetView(Protocol):
    """The read-only surface of a dataset that features use."""

    @property
    def schema(self) -> Schema: ...

    @property
    def records(self) -> list[FeedbackRecord]: ...

    def __len__(self) -> int: ...

    def record_at(self, position: int) -> FeedbackRecord: ...

    def position_of(self, record_id: str) -> int: ...

    def tables(self) -> Tables: ...

    def responses_frame(self) -> pd.DataFrame: ...

    def to_pandas(self) -> pd.DataFrame: ...

    def reviews(self) -> pd.DataFrame: ...

    def record_statuses(self) -> np.ndarray: ...

    @property
    def unified_responses(self) -> dict[str, dict[str, list[Any]]]: ...

    @property
    def metadata_properties(self) -> list[MetadataProperty]: ...

    def metadata_property_by_name(self, name: str) -> MetadataProperty | None: ...

    @property
    def replaced_submitted(self) -> int: ...

    def __iter__(self) -> Iterator[FeedbackRecord]: ...

    @overload
    def __getitem__(self, key: int) -> FeedbackRecord: ...

    @overload
    def __getitem__(self, key: slice) -> list[FeedbackRecord]: ...

    # v1's keyword filters (response_status, metadata_filters, user, record_status)
    @property
    def filter_by(self) -> Callable[..., DatasetView]: ...

    def sort_by(self, sort: Any = None, order: str = "asc") -> DatasetView: ...

    # the one change a feature asks for: v1's metrics store the answers they unify, and the
    # dataset commits them through its change path
    def compute_unified_responses(self, question: Any, strategy: Any = None) -> Any: ...


class NewDataset(DatasetView, Protocol):
    """A dataset a reader (Hub layouts, an Argilla server, a template) builds and fills."""

    def add_records(self, records: Any, *, show_progress: bool | None = None) -> None: ...


#: What a reader builds: the caller's dataset class (``FeedbackDataset`` or a subclass).
D = TypeVar("D", bound=NewDataset)
#: A dataset class, called with ``FeedbackDataset``'s keyword arguments.
Make = Callable[..., D]


class _TableSource(Protocol):
    """The private state ``Tables`` reads (``FeedbackDataset``'s)."""

    _schema: Schema
    _records: pd.DataFrame
    _responses: ResponseTable

    def _record_source(self) -> tuple[pd.DataFrame, int]: ...

    def _columns(self) -> dict[str, pa.Array]: ...

    def _response_positions(self) -> np.ndarray: ...


class Tables:
    """A dataset's two tables as exporters and reports read them (``FeedbackDataset.tables()``).

    ``records`` has one row per record: ``@id``, one column per field, then ``@external_id``,
    ``@metadata``, ``@suggestions`` and ``@vectors`` (JSON text) and a typed ``@meta:<name>``
    column per metadata property. ``responses`` has one row per record and annotator, in the
    response row type (``_tables.RESPONSE_SCHEMA``; ``values`` as JSON text).
    """

    def __init__(self, dataset: _TableSource) -> None:
        self._dataset = dataset

    @property
    def schema(self) -> Schema:
        """The dataset's schema."""
        return self._dataset._schema

    @property
    def records(self) -> pd.DataFrame:
        """The records, one row per record, in order."""
        return self._dataset._records

    @property
    def record_source(self) -> tuple[pd.DataFrame, int]:
        """A frame holding at least this dataset's records (found by id), and how many it has.

        A ``filter_by()`` result answers with the records it came from, not copied.
        """
        return self._dataset._record_source()

    @property
    def record_ids(self) -> pa.Array:
        """The record ids in order, as one Arrow string array."""
        return self._dataset._columns()[T.ID]

    @property
    def response_positions(self) -> np.ndarray:
        """Per row of ``responses``, the position of its record in ``record_source``'s frame."""
        return self._dataset._response_positions()

    @property
    def responses(self) -> pd.DataFrame:
        """The responses, one row per record and annotator (values as JSON text)."""
        return self._dataset._responses.frame()
