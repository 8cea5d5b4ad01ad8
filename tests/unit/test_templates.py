"""FeedbackDataset.for_*: Argilla v1's task templates, field by field and question by question."""

import pytest

import nb_feedback as rg


def _shape(ds):
    fields = [(f.name, f.required, f.use_markdown) for f in ds.fields]
    questions = []
    for q in ds.questions:
        options = getattr(q, "labels", None) or getattr(q, "values", None)
        options = list(options) if options is not None else None
        questions.append((q.name, type(q).__name__, q.required, options))
    return fields, questions


@pytest.mark.parametrize(
    ("name", "kwargs", "fields", "questions"),
    [
        (
            "for_text_classification",
            {"labels": ["a", "b"]},
            [("text", True, False)],
            [("label", "LabelQuestion", True, ["a", "b"])],
        ),
        (
            "for_text_classification",
            {"labels": ["a", "b"], "multi_label": True},
            [("text", True, False)],
            [("label", "MultiLabelQuestion", True, ["a", "b"])],
        ),
        (
            "for_question_answering",
            {},
            [("question", True, False), ("context", True, False)],
            [("answer", "TextQuestion", True, None)],
        ),
        (
            "for_summarization",
            {"use_markdown": True},
            [("text", True, True)],
            [("summary", "TextQuestion", True, None)],
        ),
        (
            "for_translation",
            {},
            [("source", True, False)],
            [("target", "TextQuestion", True, None)],
        ),
        (
            "for_sentence_similarity",
            {"rating_scale": 3},
            [("sentence-1", True, False), ("sentence-2", True, False)],
            [("similarity", "RatingQuestion", True, [1, 2, 3])],
        ),
        (
            "for_natural_language_inference",
            {},
            [("premise", True, False), ("hypothesis", True, False)],
            [("label", "LabelQuestion", True, ["entailment", "neutral", "contradiction"])],
        ),
        (
            "for_supervised_fine_tuning",
            {"context": True},
            [("prompt", True, False), ("context", False, False)],
            [("response", "TextQuestion", True, None)],
        ),
        (
            "for_preference_modeling",
            {"number_of_responses": 3, "context": True},
            [
                ("prompt", True, False),
                ("context", False, False),
                ("response1", True, False),
                ("response2", False, False),
                ("response3", False, False),
            ],
            [("preference", "RankingQuestion", True, ["response1", "response2", "response3"])],
        ),
        (
            "for_proximal_policy_optimization",
            {"rating_scale": 2},
            [("prompt", True, False)],
            [("prompt-rating", "RatingQuestion", True, [1, 2])],
        ),
        (
            "for_direct_preference_optimization",
            {},
            [("prompt", True, False), ("response1", True, False), ("response2", False, False)],
            [("preference", "RankingQuestion", True, ["response1", "response2"])],
        ),
        (
            "for_retrieval_augmented_generation",
            {"number_of_retrievals": 2, "rating_scale": 3},
            [
                ("query", True, False),
                ("retrieved_document_1", True, False),
                ("retrieved_document_2", False, False),
            ],
            [
                ("rating_retrieved_document_1", "RatingQuestion", True, [1, 2, 3]),
                ("rating_retrieved_document_2", "RatingQuestion", False, [1, 2, 3]),
                ("response", "TextQuestion", False, None),
            ],
        ),
        (
            "for_multi_modal_classification",
            {"labels": ["cat", "dog"]},
            [("content", True, True)],
            [("label", "LabelQuestion", True, ["cat", "dog"])],
        ),
        (
            "for_multi_modal_transcription",
            {},
            [("content", True, True)],
            [("description", "TextQuestion", True, None)],
        ),
    ],
)
def test_template_shape(name, kwargs, fields, questions):
    ds = getattr(rg.FeedbackDataset, name)(**kwargs)
    assert isinstance(ds, rg.FeedbackDataset)
    assert _shape(ds) == (fields, questions)
    assert ds.guidelines
    custom = getattr(rg.FeedbackDataset, name)(**kwargs, guidelines="Mine.")
    assert custom.guidelines == "Mine."


def test_template_takes_metadata_properties():
    ds = rg.FeedbackDataset.for_summarization(
        metadata_properties=[rg.IntegerMetadataProperty(name="n")]
    )
    assert ds.metadata_property_by_name("n").name == "n"
