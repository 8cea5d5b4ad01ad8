"""A dataset that uses every concept the Hub layouts carry, and its cell-for-cell view.

``full_dataset`` holds each question kind, each metadata kind (and an undeclared key), a
vector, suggestions with score and agent (per-item scores too), answers of three annotators
in every status (a discard with no answer among them), guidelines and a task distribution.
``cells`` is what a round trip must keep: compare two datasets by it.
"""

from __future__ import annotations

from typing import Any

import nb_feedback as rg


def full_schema(**overrides: Any) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "fields": [
            rg.TextField(name="prompt", title="Prompt", use_markdown=True),
            rg.TextField(name="context", required=False),
        ],
        "questions": [
            rg.TextQuestion(name="answer", title="Write a helpful answer", description="Be kind"),
            rg.RatingQuestion(name="quality", values=[1, 2, 3, 4, 5], required=False),
            rg.LabelQuestion(name="topic", labels={"code": "Code", "math": "Math"}, required=False),
            rg.MultiLabelQuestion(
                name="tags",
                labels=["short", "long", "unsafe"],
                required=False,
                labels_order="suggestion",
                visible_labels=3,
            ),
            rg.RankingQuestion(
                name="best", values=["reply-1", "reply-2", "reply-3"], required=False, ties=True
            ),
        ],
        "metadata_properties": [
            rg.TermsMetadataProperty(name="source", values=["web", "book"]),
            rg.IntegerMetadataProperty(name="length", min=0, max=100, title="Length"),
            rg.FloatMetadataProperty(name="score", visible_for_annotators=False),
        ],
        "vectors_settings": [rg.VectorSettings(name="emb", dimensions=3, title="Embedding")],
        "guidelines": "Answer **kindly**.",
        "distribution": rg.TaskDistribution(min_submitted=2),
    }
    kwargs.update(overrides)
    return kwargs


def full_dataset() -> rg.FeedbackDataset:
    ds = rg.FeedbackDataset(**full_schema())
    ds.add_records(
        [
            rg.FeedbackRecord(
                id="r-0",
                fields={"prompt": "Name a prime.", "context": "maths"},
                metadata={"source": "web", "length": 13, "score": 0.5, "lang": "en"},
                vectors={"emb": [0.1, 0.2, 0.3]},
                suggestions=[
                    {"question_name": "answer", "value": "2", "score": 0.9, "agent": "gpt"},
                    {"question_name": "topic", "value": "math", "score": 0.8, "agent": "clf"},
                    {"question_name": "tags", "value": ["short"], "score": [0.7], "agent": "clf"},
                    {
                        "question_name": "best",
                        "value": [
                            {"value": "reply-2", "rank": 1},
                            {"value": "reply-1", "rank": 2},
                            {"value": "reply-3", "rank": 3},
                        ],
                        "agent": "judge",
                    },
                ],
            ),
            rg.FeedbackRecord(
                id="r-1",
                fields={"prompt": "Say hi."},
                metadata={"source": "book", "lang": "fr"},
            ),
            rg.FeedbackRecord(id="r-2", fields={"prompt": "Sort 3, 1, 2."}),
        ]
    )
    # two annotators submit r-0 (ranks with a tie), one leaves a draft, one a bare discard
    ds.add_response(
        "r-0",
        {
            "answer": "2",
            "quality": 4,
            "topic": "math",
            "tags": ["short", "long"],
            "best": [
                {"value": "reply-1", "rank": 1},
                {"value": "reply-2", "rank": 1},
                {"value": "reply-3", "rank": 3},
            ],
        },
        user="ana",
    )
    ds.add_response("r-0", {"answer": "Two.", "quality": 5}, user="bo")  # skips optional ones
    ds.add_response("r-1", {"answer": "Hi"}, user="ana", status="draft")
    ds.add_response("r-1", {}, user="bo", status="discarded")
    ds.add_response("r-2", {"answer": "1, 2, 3", "topic": "code"}, user="cy", status="discarded")
    return ds


def cells(ds: rg.FeedbackDataset) -> dict[str, Any]:
    """What a round trip must keep, record by record (times and provenance aside)."""
    return {
        "schema": ds.schema.to_dict(),
        "records": [
            {
                "id": r.id,
                "fields": {k: v for k, v in r.fields.items() if v is not None},
                "metadata": dict(r.metadata or {}),
                "vectors": dict(r.vectors or {}),
                "suggestions": sorted(
                    (s.to_dict() for s in r.suggestions), key=lambda s: s["question_name"]
                ),
                "responses": sorted(
                    (
                        {"user": x.user, "status": x.status, "values": x.plain_values()}
                        for x in r.responses
                    ),
                    key=lambda x: x["user"],
                ),
                "status": r.status,
            }
            for r in ds
        ],
    }


def neutral(ds: rg.FeedbackDataset) -> list[dict[str, Any]]:
    """``ds``'s records in ``argilla2_side.neutral``'s form: as Argilla 2's objects hold them.

    Users are Argilla user ids; answers and suggestions in the form ``to_hub`` writes them (a
    ranking suggestion is the values in order, a ranking answer ``[{"value", "rank"}]``, spans
    ``{start, end, label, score}``); a response with no answer is one null answer
    to the first question; only declared metadata (Argilla 2 keeps no other).
    """
    from nb_feedback.argilla.hub_settings import kind_of, user_uuid

    schema = ds.schema
    first = schema.questions[0].name
    out = []
    for r in ds:
        responses = []
        for x in r.responses:
            values = {k: v for k, v in x.plain_values().items() if v is not None}
            uid = user_uuid(x.user)
            if not values:
                responses.append(
                    {"question": first, "value": None, "user_id": uid, "status": x.status}
                )
            for q, v in values.items():
                v = kind_of(schema.question(q)).response_out(schema.question(q), v)
                responses.append({"question": q, "value": v, "user_id": uid, "status": x.status})
        suggestions = {}
        for s in r.suggestions:
            q = schema.question(s.question_name)
            value = kind_of(q).suggestion_out(q, s.value, "argilla")
            suggestions[s.question_name] = {"value": value, "score": s.score, "agent": s.agent}
        out.append(
            {
                "id": r.id,
                "fields": {k: v for k, v in r.fields.items() if v is not None},
                "metadata": {
                    k: v for k, v in (r.metadata or {}).items() if k in schema.metadata_names
                },
                "vectors": dict(r.vectors or {}),
                "suggestions": suggestions,
                "responses": sorted(responses, key=lambda x: (x["user_id"], x["question"])),
            }
        )
    return out


def chat_dataset() -> rg.FeedbackDataset:
    """A conversation and a question of the whole record, answered by two annotators."""
    ds = rg.FeedbackDataset(
        fields=[
            rg.ChatField(name="chat", title="Conversation"),
            rg.TextField(name="note", required=False),
        ],
        questions=[
            rg.TextQuestion(name="reply", title="Next assistant message"),
            rg.RatingQuestion(name="quality", values=[1, 2, 3], required=False),
        ],
    )
    chat = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Name a prime."},
        {"role": "assistant", "content": "7"},
        {"role": "user", "content": "Another?"},
    ]
    ds.add_records(
        [
            rg.FeedbackRecord(id="c-0", fields={"chat": chat, "note": "n"}),
            rg.FeedbackRecord(id="c-1", fields={"chat": chat[1:2]}),
        ]
    )
    ds.add_response("c-0", {"reply": "11", "quality": 3}, user="ana")
    ds.add_response("c-0", {"reply": "13"}, user="bo", status="draft")
    return ds


def span_dataset() -> rg.FeedbackDataset:
    """Spans (overlapping), a model's spans, an empty span answer: for Argilla v1's layout."""
    ents = rg.SpanQuestion(
        name="ents",
        field="text",
        labels={"PER": "Person", "LOC": "Place"},
        allow_overlapping=True,
        visible_labels=None,  # all shown (v1 warns of 20 for two labels)
    )
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="text")],
        questions=[ents, rg.LabelQuestion(name="topic", labels=["a", "b"], required=False)],
    )
    model = [{"start": 7, "end": 13, "label": "LOC"}]
    ds.add_records(
        [
            rg.FeedbackRecord(
                fields={"text": "Ada in London"},
                suggestions=[ents.suggestion(model, agent="ner")],
            ),
            {"text": "Nothing here"},
        ]
    )
    nested = [{"start": 0, "end": 3, "label": "PER"}, {"start": 0, "end": 13, "label": "PER"}]
    ds.add_response(ds[0].id, {"ents": nested}, user="ana")
    ds.add_response(ds[1].id, {"ents": [], "topic": "a"}, user="ana")
    return ds


def scored_span_dataset() -> rg.FeedbackDataset:
    """Spans for Argilla 2: suggested (scored per span, or not at all) and answered by two
    annotators, one keeping a suggested span's score; a text question beside."""
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="text"), rg.TextField(name="note", required=False)],
        questions=[
            rg.SpanQuestion(
                name="ents",
                field="text",
                labels={"PER": "Person", "LOC": "Place", "ORG": "Organisation"},
                allow_overlapping=True,
                visible_labels=3,
                required=False,
            ),
            rg.TextQuestion(name="comment"),
        ],
    )
    ada = {"start": 0, "end": 3, "label": "PER"}
    babbage = {"start": 8, "end": 15, "label": "PER"}
    london = {"start": 19, "end": 25, "label": "LOC"}
    ds.add_records(
        [
            rg.FeedbackRecord(
                id="s-0",
                fields={"text": "Ada met Babbage in London."},
                suggestions=[
                    {
                        "question_name": "ents",
                        "value": [{**ada, "score": 0.9}, {**babbage, "score": 0.5}],
                        "agent": "ner",
                    }
                ],
            ),
            rg.FeedbackRecord(
                id="s-1",
                fields={"text": "London calling."},
                suggestions=[
                    {"question_name": "ents", "value": [{"start": 0, "end": 6, "label": "LOC"}]}
                ],
            ),
        ]
    )
    ds.add_response("s-0", {"ents": [ada, babbage, london], "comment": "ok"}, user="ana")
    ds.add_response("s-0", {"ents": [{**ada, "score": 0.9}], "comment": "?"}, user="bo")
    ds.add_response(
        "s-1", {"ents": [{"start": 0, "end": 6, "label": "ORG"}]}, user="ana", status="draft"
    )
    return ds


def float32_rounded(value: Any) -> Any:
    """``value`` with every float as Argilla v1's layout holds it (float32, compared to 6 places)."""
    if isinstance(value, list):
        return [float32_rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: float32_rounded(v) for k, v in value.items()}
    return round(value, 6) if isinstance(value, float) else value
