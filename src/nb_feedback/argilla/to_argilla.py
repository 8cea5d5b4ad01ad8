"""Hand a dataset to an Argilla 2 server, for teams that outgrow a shared folder.

``build_settings`` and ``build_records`` turn our schema and records into the ``argilla`` 2.x
SDK's own ``Settings`` and ``Record`` objects (no server involved); ``to_argilla`` resolves the
annotators to server users (given, found by name, or created) and pushes through the SDK.
Install the SDK with ``pip install "nb_feedback[argilla]"``.

What maps to what:

- fields, questions, metadata properties, vectors, guidelines, ``allow_extra_metadata`` and the
  ``TaskDistribution`` one to one (Argilla 2 has the same kinds and names);
- suggestions with their score and agent;
- every response, per annotator, with its status; a draft or discarded response with no
  answers is sent as that status alone;
- a ranking answer is sent as ``[{"value", "rank"}]``, ties kept (the server takes them; it
  refuses a submitted ranking without ranks, which is what the SDK makes of an ordered list);
  a ranking suggestion becomes the SDK's ordered list of values, tied values in the order the
  question lists them.
- a span question is Argilla 2's span question; spans go as ``{start, end, label}``, a
  suggestion's per-span scores as its list of scores. Argilla 2 has no score on an answer's
  span: such scores are not sent, with a warning.
"""

from __future__ import annotations

import contextlib
import secrets
import uuid
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nb_feedback.base.errors import ExportError
from nb_feedback.domain.chat import ChatField
from nb_feedback.domain.metadata import (
    FloatMetadataProperty,
    IntegerMetadataProperty,
    TermsMetadataProperty,
)
from nb_feedback.domain.schema import (
    LabelQuestion,
    MultiLabelQuestion,
    RankingQuestion,
    RatingQuestion,
    Schema,
    TextQuestion,
)
from nb_feedback.domain.spans import SpanQuestion

if TYPE_CHECKING:
    from nb_feedback.domain.records import FeedbackRecord
    from nb_feedback.store.view import DatasetView


def _sdk() -> Any:
    try:
        import argilla
    except ImportError:
        raise ExportError(
            'to_argilla needs the argilla 2.x SDK: pip install "nb_feedback[argilla]"'
        ) from None
    if not str(argilla.__version__).startswith("2."):
        raise ExportError(f"to_argilla needs argilla 2.x, found {argilla.__version__}")
    return argilla


def build_settings(schema: Schema, client: Any) -> Any:
    """Return the SDK's ``rg.Settings`` for our schema (fields, questions, metadata, ...).

    ``client`` is the ``argilla.Argilla`` client the settings will be pushed through.
    """
    rg = _sdk()
    fields = [
        # a conversation is Argilla 2's ChatField (the same list of {role, content} messages)
        (rg.ChatField if isinstance(f, ChatField) else rg.TextField)(
            name=f.name,
            title=f.label,
            use_markdown=f.use_markdown,
            required=f.required,
            **({"_client": client} if isinstance(f, ChatField) else {"client": client}),
        )
        for f in schema.fields
    ]
    questions = [_question(rg, q, client) for q in schema.questions]
    metadata = [_metadata(rg, p, client) for p in schema.metadata_properties]
    vectors = [
        rg.VectorField(name=v.name, dimensions=v.dimensions, title=v.title, _client=client)
        for v in schema.vectors_settings
    ]
    return rg.Settings(
        fields=fields,
        questions=questions,
        metadata=metadata or None,
        vectors=vectors or None,
        allow_extra_metadata=schema.allow_extra_metadata,
        guidelines=schema.guidelines,
        distribution=rg.TaskDistribution(
            min_submitted=schema.distribution.min_submitted if schema.distribution else 1
        ),
    )


def _question(rg: Any, q: Any, client: Any) -> Any:
    if q.turns_of is not None:
        raise ExportError(
            f"question {q.name!r} is asked of each assistant turn of {q.turns_of!r}: Argilla 2 "
            "has no per-turn questions; export without it (or its answers) to hand off"
        )
    common = {
        "name": q.name,
        "title": q.label,
        "description": q.description,
        "required": q.required,
        "client": client,
    }
    if isinstance(q, TextQuestion):
        return rg.TextQuestion(**common, use_markdown=q.use_markdown)
    if isinstance(q, RatingQuestion):
        return rg.RatingQuestion(**common, values=list(q.values))
    if isinstance(q, MultiLabelQuestion):  # before LabelQuestion: it is one
        order = "suggestion" if getattr(q, "labels_order", "natural") == "suggestion" else "natural"
        return rg.MultiLabelQuestion(
            **common,
            labels=_options(q, "labels"),
            visible_labels=q.visible_labels,
            labels_order=order,
        )
    if isinstance(q, LabelQuestion):
        return rg.LabelQuestion(
            **common, labels=_options(q, "labels"), visible_labels=q.visible_labels
        )
    if isinstance(q, RankingQuestion):
        return rg.RankingQuestion(**common, values=_options(q, "values"))
    if isinstance(q, SpanQuestion):
        return rg.SpanQuestion(
            **common,
            field=q.field,
            labels=_options(q, "labels"),
            allow_overlapping=q.allow_overlapping,
            visible_labels=q.visible_labels,
        )
    raise ExportError(f"question {q.name!r}: no Argilla 2 counterpart for {type(q).__name__}")


def _options(q: Any, key: str) -> dict[str, str]:
    """Return a label or ranking question's ``{value: text}`` options, in order."""
    return {d["value"]: d["text"] for d in q.to_dict()[key]}


def _metadata(rg: Any, p: Any, client: Any) -> Any:
    common = {
        "name": p.name,
        "title": p.title,
        "visible_for_annotators": p.visible_for_annotators,
        "client": client,
    }
    if isinstance(p, TermsMetadataProperty):
        return rg.TermsMetadataProperty(
            **common, options=list(p.values) if p.values is not None else None
        )
    if isinstance(p, IntegerMetadataProperty):
        return rg.IntegerMetadataProperty(**common, min=p.min, max=p.max)
    if isinstance(p, FloatMetadataProperty):
        return rg.FloatMetadataProperty(**common, min=p.min, max=p.max)
    raise ExportError(f"metadata property {p.name!r}: no Argilla 2 counterpart")


def ranking_order(question: RankingQuestion, value: list[dict[str, Any]]) -> list[str]:
    """Return a ranking answer as Argilla 2's ordered list; ties keep the question's order."""
    listed = {v: i for i, v in enumerate(question.values)}
    return [
        item["value"]
        for item in sorted(value, key=lambda item: (item["rank"], listed[item["value"]]))
    ]


def build_records(dataset: DatasetView, user_ids: Mapping[str, uuid.UUID | str]) -> list[Any]:
    """Return the SDK's ``rg.Record`` objects for every record, responses by ``user_ids``.

    ``user_ids`` maps each annotator name in the dataset to an Argilla user id.
    """
    rg = _sdk()
    schema = dataset.schema
    missing = sorted({r.user for rec in dataset for r in rec.responses} - set(user_ids))
    if missing:
        raise ExportError(
            f"to_argilla: no Argilla user for annotator(s) {missing}; "
            "pass users={name: user_id} or let to_argilla create them"
        )
    return [_record(rg, schema, record, user_ids) for record in dataset]


def _record(
    rg: Any, schema: Schema, record: FeedbackRecord, user_ids: Mapping[str, uuid.UUID | str]
) -> Any:
    responses = []
    for response in record.responses:
        user_id = uuid.UUID(str(user_ids[response.user]))
        answered = [(q, v) for q, v in response.plain_values().items() if v is not None]
        if not answered:  # a draft or discard with no answers: its status alone
            responses.append(rg.Response(schema.questions[0].name, None, user_id, response.status))
        for name, value in answered:
            question = schema.question(name)
            if isinstance(question, RankingQuestion):
                # [{"value", "rank"}] as it is: the server refuses a submitted ranking without
                # ranks, which is what the SDK makes of a plain ordered list
                value = [{"value": i["value"], "rank": i["rank"]} for i in value]
            if isinstance(question, SpanQuestion):
                value = _spans(record, name, value, "answer")
            responses.append(rg.Response(name, value, user_id, response.status))
    suggestions = []
    for s in record.suggestions:
        question = schema.question(s.question_name)
        value = s.value
        score = s.score
        if isinstance(question, RankingQuestion) and value and isinstance(value[0], dict):
            value = ranking_order(question, value)
        if isinstance(question, SpanQuestion) and value:
            scores = [item.get("score") for item in value]
            if score is None and all(x is not None for x in scores):
                score = [float(x) for x in scores]  # Argilla 2 scores each span here
                value = _spans(record, s.question_name, value, None)
            else:
                value = _spans(record, s.question_name, value, "suggestion")
        suggestions.append(rg.Suggestion(s.question_name, value, score=score, agent=s.agent))
    metadata = {k: v for k, v in (record.metadata or {}).items() if v is not None}
    vectors = {k: list(map(float, v)) for k, v in (record.vectors or {}).items() if v is not None}
    fields = {k: v for k, v in record.fields.items() if v is not None}
    return rg.Record(
        id=record.id,
        fields=fields,
        metadata=metadata or None,
        vectors=vectors or None,
        responses=responses or None,
        suggestions=suggestions or None,
    )


def _spans(record: FeedbackRecord, question: str, value: Any, what: str | None) -> Any:
    """Return spans as Argilla 2 holds them, ``{start, end, label}``.

    A span's own score has no place in an Argilla 2 answer (or in a suggestion scored as a
    whole, or whose spans are scored only in part): ``what`` names which, for the warning.
    """
    dropped = sum(1 for item in value if item.get("score") is not None)
    if dropped and what is not None:
        warnings.warn(
            f"to_argilla: record {record.id!r}, {what} to question {question!r}: the score of "
            f"{dropped} span(s) is not sent (Argilla 2 keeps scores per suggestion only, one "
            "for each span or one for all)",
            UserWarning,
            stacklevel=5,
        )
    return [{"start": i["start"], "end": i["end"], "label": i["label"]} for i in value]


def resolve_users(
    client: Any,
    annotators: Iterable[str],
    users: Mapping[str, Any] | None,
    workspace: Any,
) -> tuple[dict[str, uuid.UUID], dict[str, str]]:
    """Map annotator names to server user ids: given, found by username, or created.

    Returns the ids and the passwords of the users created (to hand to the people).
    """
    rg = _sdk()
    given = dict(users or {})
    ids: dict[str, uuid.UUID] = {}
    created: dict[str, str] = {}
    for name in sorted(set(annotators)):
        target = given.get(name)
        if target is not None:
            ids[name] = uuid.UUID(str(getattr(target, "id", target)))
            continue
        with warnings.catch_warnings():  # the SDK warns "not found": the user is created below
            warnings.simplefilter("ignore", UserWarning)
            user = client.users(name)
        if user is None:
            password = secrets.token_urlsafe(12)
            user = rg.User(username=name, password=password, role="annotator", client=client)
            user.create()
            created[name] = password
        if workspace is not None:
            _join(user, workspace)
        ids[name] = user.id
    return ids, created


def _join(user: Any, workspace: Any) -> None:
    """Add ``user`` to ``workspace``; already a member (a second push) is fine."""
    from argilla._exceptions import ConflictError

    with contextlib.suppress(ConflictError):
        user.add_to_workspace(workspace)


def to_argilla(
    dataset: DatasetView,
    client: Any,
    *,
    name: str,
    workspace: str | None = None,
    users: Mapping[str, Any] | None = None,
) -> Any:
    """Create dataset ``name`` on the Argilla 2 server of ``client`` and log every record.

    When the dataset exists already (a second push), its records are updated by id.

    Parameters
    ----------
    dataset : FeedbackDataset
        What to push.
    client : argilla.Argilla
        A connected client (``rg.Argilla(api_url=..., api_key=...)``).
    name, workspace : str
        The new dataset's name and workspace (the client's default workspace if None).
    users : dict, optional
        ``{annotator name: argilla User or user id}``; annotators not given are looked up by
        username, and created (role annotator, a random password) when missing.

    Returns
    -------
    ArgillaHandOff
        The created ``argilla.Dataset``, the user id of each annotator, and the passwords
        of the users created here (to hand to the people).
    """
    rg = _sdk()
    settings = build_settings(dataset.schema, client)
    ws = client.workspaces(workspace) if workspace is not None else None
    annotators = {r.user for rec in dataset for r in rec.responses}
    user_ids, created = resolve_users(client, annotators, users, ws)
    records = build_records(dataset, user_ids)
    with warnings.catch_warnings():  # "not found" is the usual case here, not news
        warnings.simplefilter("ignore", UserWarning)
        remote = client.datasets(name, workspace=workspace)
    if remote is None:
        remote = rg.Dataset(name=name, workspace=workspace, settings=settings, client=client)
        remote.create()
    # a second push to the same dataset updates its records by id: nothing is doubled
    remote.records.log(records)
    return ArgillaHandOff(remote, user_ids, created)


@dataclass(frozen=True)
class ArgillaHandOff:
    """What ``to_argilla`` made on the server."""

    dataset: Any
    user_ids: dict[str, uuid.UUID]
    created_passwords: dict[str, str]
