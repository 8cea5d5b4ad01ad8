"""``from_argilla``: a dataset on an Argilla 2 server, read back into nb_feedback.

The settings come through the same mapping as the Hub layouts (``hub_settings``); answers are
read from the server's own response models (``record._model.responses``), because the SDK's
``Response`` objects drop a ranking's ranks and leave out a discard with no answer. Server
user ids become the users' names, so a dataset pushed with ``to_argilla`` comes back with the
annotators it had.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

from nb_feedback.argilla.hub_settings import (
    kind_of,
    ranking_items,
    schema_from_settings,
    spans_in,
)
from nb_feedback.base.errors import ExportError

if TYPE_CHECKING:
    from nb_feedback.store.view import D, Make


def from_argilla(make: Make[D], client: Any, name: str, workspace: str | None = None) -> D:
    """Read dataset ``name`` (in ``workspace``) from the Argilla 2 server of ``client``.

    Parameters
    ----------
    make : type
        The dataset class to build (``FeedbackDataset``).
    client : argilla.Argilla
        A connected client.
    name, workspace : str
        The dataset and its workspace (the client's default workspace if None).

    Returns
    -------
    FeedbackDataset
        A new in-memory dataset: records by their Argilla ids, answers by user name.
    """
    from nb_feedback.argilla.hub import add_read_records, empty_dataset

    with warnings.catch_warnings():  # the SDK warns "not found": the error below says it
        warnings.simplefilter("ignore", UserWarning)
        remote = client.datasets(name, workspace=workspace)
    if remote is None:
        raise ExportError(
            f"from_argilla: no dataset {name!r} in workspace {workspace or '(default)'!r}"
        )
    where = f"Argilla dataset {name!r}"
    schema = schema_from_settings(remote.settings.serialize(), where)
    names = {str(u.id): u.username for u in client.users}
    records = []
    for record in remote.records(with_suggestions=True, with_responses=True, with_vectors=True):
        suggestions = []
        for s in record.suggestions:
            question = schema.question(s.question_name)
            value, score = s.value, s.score
            if question is not None and question.kind == "ranking_question":
                value = ranking_items(question, value)
            if question is not None and question.kind == "span_question":
                value, score = spans_in(value, score)
            suggestions.append(
                {
                    "question_name": s.question_name,
                    "value": value,
                    "score": score,
                    "agent": s.agent,
                }
            )
        responses = []
        for model in record._model.responses or ():  # the server's values, ranks and all
            values = {}
            for q_name, cell in (model.values or {}).items():
                question = schema.question(q_name)
                value = cell.get("value") if isinstance(cell, dict) else None
                if question is None or value is None:
                    continue
                values[q_name] = {"value": kind_of(question).value_in(question, value)}
            user = names.get(str(model.user_id), str(model.user_id))
            status = getattr(model.status, "value", model.status)
            responses.append({"user_id": user, "values": values, "status": str(status)})
        records.append(
            {
                "id": None if record.id is None else str(record.id),
                "fields": {k: v for k, v in record.fields.to_dict().items() if v is not None},
                "metadata": record.metadata.to_dict() or None,
                "vectors": record.vectors.to_dict() or None,
                "suggestions": suggestions or None,
                "responses": responses or None,
            }
        )
    dataset = empty_dataset(make, schema)
    add_read_records(dataset, records, where)
    return dataset
