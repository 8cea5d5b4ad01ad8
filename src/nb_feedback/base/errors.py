"""The errors nb_feedback raises; each message names the record, field or question at fault."""

from __future__ import annotations


class FeedbackError(ValueError):
    """Base of every nb_feedback error (a ValueError, so ``except ValueError`` catches it)."""


class SchemaError(FeedbackError):
    """A field, question, metadata property or dataset configuration is invalid."""


class SchemaTypeError(SchemaError, TypeError):
    """A setting of the wrong type, or an unknown or missing argument.

    Both a ``ValueError`` (Argilla v1 raised pydantic's ``ValidationError`` for most of these)
    and a ``TypeError`` (what v1 raised for a dataset's lists of the wrong type).
    """


class RecordError(FeedbackError):
    """A record (or a batch of records) does not fit the dataset's schema."""


class ResponseError(FeedbackError):
    """A response does not fit the dataset's questions or names an unknown record."""


class StorageError(FeedbackError):
    """A dataset folder cannot be read or written as asked."""


class WriterLockedError(StorageError):
    """Another process already writes this annotator's answers to this folder."""


class ExportError(FeedbackError):
    """Answers cannot be turned into training data as asked (names, options, too few rows)."""


class HubError(FeedbackError):
    """A Hub layout cannot be read or written: it names the file, column or cause."""
