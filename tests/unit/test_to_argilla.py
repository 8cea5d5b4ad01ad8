"""The hand-off to Argilla 2: our dataset as the SDK's own Settings and Record objects.

No Argilla server runs here (it needs Elasticsearch): the client talks to an in-process fake
that answers only the login check, so building objects works and any push would fail loudly.
"""

from __future__ import annotations

import json
import uuid
import warnings
from typing import Any

import pytest

import nb_feedback as rg
from conftest import make_records, make_schema_kwargs
from nb_feedback.base.errors import ExportError

argilla = pytest.importorskip("argilla")
httpx = pytest.importorskip("httpx")


@pytest.fixture
def client() -> Any:
    me = {
        "id": str(uuid.uuid4()),
        "username": "owner",
        "role": "owner",
        "first_name": "o",
        "inserted_at": "2024-01-01T00:00:00",
        "updated_at": "2024-01-01T00:00:00",
    }

    def handler(request: Any) -> Any:
        if request.url.path == "/api/v1/me":
            return httpx.Response(200, json=me)
        return httpx.Response(500, json={"detail": f"offline test: {request.url.path}"})

    return argilla.Argilla(
        api_url="http://argilla.invalid",
        api_key="offline",
        mounts={"all://": httpx.MockTransport(handler)},
    )


def test_settings_carry_fields_questions_metadata_guidelines_and_distribution(
    client: Any,
) -> None:
    from nb_feedback.argilla.to_argilla import build_settings

    ds = rg.FeedbackDataset(
        **make_schema_kwargs(),
        distribution=rg.TaskDistribution(min_submitted=3),
        vectors_settings=[rg.VectorSettings(name="emb", dimensions=3, title="Embedding")],
        allow_extra_metadata=False,
    )
    settings = build_settings(ds.schema, client)
    assert [(v.name, v.dimensions, v.title) for v in settings.vectors] == [("emb", 3, "Embedding")]
    assert settings.allow_extra_metadata is False
    assert [f.name for f in settings.fields] == ["prompt", "context"]
    assert settings.fields["context"].required is False
    kinds = {q.name: type(q).__name__ for q in settings.questions}
    assert kinds == {
        "demonstration": "TextQuestion",
        "quality": "RatingQuestion",
        "topic": "LabelQuestion",
        "tags": "MultiLabelQuestion",
        "best": "RankingQuestion",
    }
    assert settings.questions["demonstration"].title == "Write a helpful answer"
    assert settings.questions["quality"].values == [1, 2, 3, 4, 5]
    assert settings.questions["topic"].labels == ["code", "math", "other"]
    assert settings.questions["best"].values == ["reply-1", "reply-2"]
    assert settings.metadata["source"].options == ["web", "book", "chat"]
    assert (settings.metadata["length"].min, settings.metadata["length"].max) == (0, 10_000)
    assert settings.guidelines == "Answer **kindly**."
    assert settings.distribution.min_submitted == 3


def test_records_carry_fields_metadata_suggestions_and_responses_by_user(client: Any) -> None:
    from nb_feedback.argilla.to_argilla import build_records, ranking_order

    kwargs = make_schema_kwargs()
    kwargs["questions"] = [  # a ranking that allows ties, to send one
        rg.RankingQuestion(name="best", values=q.values, required=False, ties=True)
        if q.name == "best"
        else q
        for q in kwargs["questions"]
    ]
    ds = rg.FeedbackDataset(
        **kwargs, vectors_settings=[rg.VectorSettings(name="emb", dimensions=2)]
    )
    records = make_records(3)
    records[0]["vectors"] = {"emb": [0.5, 1]}
    records[0]["suggestions"] = [
        {"question_name": "demonstration", "value": "draft", "score": 0.7, "agent": "m1"}
    ]
    ds.add_records(records)
    ids = [r.id for r in ds]
    tie = [{"value": "reply-2", "rank": 1}, {"value": "reply-1", "rank": 1}]
    ds.add_response(ids[0], {"demonstration": "A", "quality": 4, "best": tie}, user="ana")
    ds.add_response(ids[0], {"demonstration": "B", "tags": ["short"]}, user="bob", status="draft")
    ds.add_response(ids[1], {}, user="bob", status="discarded")
    users = {"ana": uuid.uuid4(), "bob": uuid.uuid4()}
    out = build_records(ds, users)
    assert [r.id for r in out] == ids
    first = out[0]
    assert first.fields["prompt"] == "Prompt number 0?"
    assert "context" not in first.fields  # None is left out
    assert first.metadata == {"source": "web", "length": 0, "score": 0.0}
    assert first.vectors == {"emb": [0.5, 1.0]}
    assert out[1].vectors == {}
    assert first.suggestions["demonstration"].value == "draft"
    assert first.suggestions["demonstration"].score == 0.7
    assert first.suggestions["demonstration"].agent == "m1"
    by_user = {(r.user_id, r.question_name): r for r in first.responses}
    assert by_user[users["ana"], "demonstration"].value == "A"
    assert by_user[users["ana"], "quality"].value == 4
    # with its ranks, ties kept: the server refuses a submitted ranking without ranks
    assert by_user[users["ana"], "best"].value == tie
    assert by_user[users["bob"], "tags"].status.value == "draft"
    assert by_user[users["bob"], "tags"].value == ["short"]
    discarded = list(out[1].responses)
    assert [(r.user_id, r.status.value, r.value) for r in discarded] == [
        (users["bob"], "discarded", None)
    ]
    assert list(out[2].responses) == []
    assert ranking_order(
        ds.schema.question("best"),  # type: ignore[arg-type]
        [{"value": "reply-1", "rank": 2}, {"value": "reply-2", "rank": 1}],
    ) == ["reply-2", "reply-1"]
    with pytest.raises(ExportError, match=r"no Argilla user for annotator\(s\) \['bob'\]"):
        build_records(ds, {"ana": users["ana"]})


def test_to_argilla_pushes_through_the_sdk_client(
    client: Any,
) -> None:
    ds = rg.FeedbackDataset(**make_schema_kwargs())
    ds.add_records(make_records(1))
    ds.add_response(ds[0].id, {"demonstration": "A"}, user="ana")
    with pytest.raises(Exception, match="offline test"):
        ds.to_argilla(client, name="team", users={"ana": uuid.uuid4()})


def test_users_are_given_found_by_name_or_created() -> None:
    from nb_feedback.argilla.to_argilla import resolve_users

    def user_json(name: str, uid: str) -> dict[str, Any]:
        return {
            "id": uid,
            "username": name,
            "role": "annotator",
            "first_name": name,
            "inserted_at": "2024-01-01T00:00:00",
            "updated_at": "2024-01-01T00:00:00",
        }

    owner, ana_id, bob_id = (str(uuid.uuid4()) for _ in range(3))
    created: list[dict[str, Any]] = []

    def handler(request: Any) -> Any:
        path, method = request.url.path, request.method
        if path == "/api/v1/me":
            return httpx.Response(200, json={**user_json("owner", owner), "role": "owner"})
        if path == "/api/v1/users" and method == "GET":  # the server knows ana already
            return httpx.Response(200, json={"items": [user_json("ana", ana_id)]})
        if path == "/api/v1/users" and method == "POST":
            body = json.loads(request.content)
            created.append(body)
            return httpx.Response(201, json=user_json(body["username"], bob_id))
        return httpx.Response(500, json={"detail": f"unexpected {method} {path}"})

    client = argilla.Argilla(
        api_url="http://argilla.invalid",
        api_key="offline",
        mounts={"all://": httpx.MockTransport(handler)},
    )
    given = uuid.uuid4()
    with warnings.catch_warnings():  # the SDK's "'bob' not found" is no news: bob is created
        warnings.simplefilter("error")
        ids, passwords = resolve_users(client, ["ana", "bob", "cy"], {"cy": given}, None)
    assert ids == {"ana": uuid.UUID(ana_id), "bob": uuid.UUID(bob_id), "cy": given}
    assert [(c["username"], c["role"]) for c in created] == [("bob", "annotator")]
    assert list(passwords) == ["bob"] and passwords["bob"] == created[0]["password"]
    assert len(passwords["bob"]) >= 12


def test_a_chat_field_is_argilla_2s_chat_field(client: Any) -> None:
    from nb_feedback.argilla.to_argilla import build_records, build_settings

    chat = [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]
    ds = rg.FeedbackDataset(
        fields=[rg.ChatField(name="chat", title="Chat")], questions=[rg.TextQuestion(name="reply")]
    )
    ds.add_records([{"chat": chat}])
    settings = build_settings(ds.schema, client)
    assert type(settings.fields["chat"]).__name__ == "ChatField"
    assert settings.fields["chat"].title == "Chat"
    [record] = build_records(ds, {})
    assert record.fields["chat"] == chat
    per_turn = rg.FeedbackDataset(
        fields=[rg.ChatField(name="chat")],
        questions=[
            rg.TextQuestion(name="reply"),
            rg.RatingQuestion(name="turn", values=[1, 2], required=False, turns_of="chat"),
        ],
    )
    with pytest.raises(ExportError, match="'turn' is asked of each assistant turn"):
        build_settings(per_turn.schema, client)
