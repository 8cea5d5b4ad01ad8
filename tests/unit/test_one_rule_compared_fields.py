"""One rule decides which fields a comparison compares: the export, the payload and the shuffle agree.

``nb_feedback.domain.comparisons.compared_fields`` is the rule. The preference export reads its
candidates from it, the widget's schema payload carries its answer to the view (which only looks
the names up), and the kernel shuffles (``display``) exactly those questions. Before, the export
took any field (a chat field gave no pair, silently), the kernel shuffled chat-field options the
view showed as a plain ranking, and the view decided on its own which fields were text.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nb_feedback as rg
from nb_feedback.base.errors import ExportError
from nb_feedback.domain.comparisons import compared_fields, display
from nb_feedback.exports.preference import candidate_fields
from nb_feedback.widget.feedback_widget import schema_payload

NAMES = ("p", "a", "b", "c", "chat1", "chat2", "x")


def _dataset(kinds: dict[str, str], options: list[str]) -> rg.FeedbackDataset:
    fields = [
        rg.ChatField(name=n) if kind == "chat" else rg.TextField(name=n)
        for n, kind in kinds.items()
    ]
    return rg.FeedbackDataset(
        fields=fields, questions=[rg.RankingQuestion(name="best", values=options)]
    )


def _agree(ds: rg.FeedbackDataset) -> list[str] | None:
    """Assert that every reader of the rule says the same; return what they say."""
    rule = compared_fields(ds.schema, "best")
    (payload,) = schema_payload(ds)["questions"]
    assert payload["compared_fields"] == rule
    assert ("best" in display(ds.schema, "r0", "ana")) == (rule is not None)
    if rule is None:
        with pytest.raises(ExportError, match="ranking question 'best' has options"):
            candidate_fields(ds.schema.question("best"), ds, "to_preference")  # type: ignore[arg-type]
    else:
        assert candidate_fields(ds.schema.question("best"), ds, "to_preference") == rule  # type: ignore[arg-type]
        assert not set(rule) & set(ds.schema.chat_field_names)
    return rule


@settings(max_examples=80, deadline=None)
@given(
    kinds=st.dictionaries(
        st.sampled_from(NAMES[:-1]), st.sampled_from(["text", "chat"]), min_size=1
    ),
    options=st.lists(st.sampled_from(NAMES), min_size=2, max_size=4, unique=True),
)
def test_export_payload_and_shuffle_follow_one_rule(
    kinds: dict[str, str], options: list[str]
) -> None:
    _agree(_dataset(kinds, options))


def test_the_cases_where_the_rules_differed() -> None:
    # text fields: a comparison for everyone
    assert _agree(_dataset({"p": "text", "a": "text", "b": "text"}, ["b", "a"])) == ["b", "a"]
    # chat fields hold conversations, not candidate texts: no comparison for anyone
    ds = _dataset({"p": "text", "chat1": "chat", "chat2": "chat"}, ["chat1", "chat2"])
    assert _agree(ds) is None
    with pytest.raises(ExportError, match=r"options \['chat1', 'chat2'\] that name chat fields"):
        ds.to_preference(prompt="p")
    # an option naming no field: no comparison, and the export names it
    ds = _dataset({"p": "text", "a": "text"}, ["a", "x"])
    assert _agree(ds) is None
    with pytest.raises(ExportError, match=r"options \['x'\] that are not fields"):
        ds.to_preference(prompt="p")
