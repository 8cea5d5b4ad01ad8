"""Task templates: Argilla v1's ``FeedbackDataset.for_*`` datasets, ready to annotate.

Each builds the fields, questions and options v1's template had (names, kinds, labels, scales
and which are required), with guidelines and descriptions written for nb_feedback. One
difference: v1's proximal policy optimization template named both its field and its rating
question ``prompt``, so the question's answers hid the prompt in ``format_as``; here the
question is ``prompt-rating``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from nb_feedback.domain.schema import (
    LabelQuestion,
    MultiLabelQuestion,
    Question,
    RankingQuestion,
    RatingQuestion,
    TextField,
    TextQuestion,
)

if TYPE_CHECKING:
    from nb_feedback.store.view import NewDataset

TEMPLATES = (
    "text_classification",
    "question_answering",
    "summarization",
    "translation",
    "sentence_similarity",
    "natural_language_inference",
    "supervised_fine_tuning",
    "preference_modeling",
    "proximal_policy_optimization",
    "direct_preference_optimization",
    "retrieval_augmented_generation",
    "multi_modal_classification",
    "multi_modal_transcription",
)


def _build(
    cls: Callable[..., NewDataset],
    task: str,
    *args: Any,
) -> NewDataset:
    # the default guidelines open by naming the task ("This is a summarization dataset."), as
    # Argilla v1's did: code that tells datasets apart by their guidelines keeps working
    fields, questions, guidelines, default, metadata_properties, vectors_settings = args
    if guidelines is None and not default.startswith("This is a "):
        default = f"This is a {task} dataset. {default}"
    return _make(cls, fields, questions, guidelines, default, metadata_properties, vectors_settings)


def _make(
    cls: Callable[..., NewDataset],
    fields: Sequence[TextField],
    questions: Sequence[Question],
    guidelines: str | None,
    default: str,
    metadata_properties: Any,
    vectors_settings: Any,
) -> NewDataset:
    extra: dict[str, Any] = {}
    if vectors_settings is not None:  # only datasets with vectors take the argument
        extra["vectors_settings"] = vectors_settings
    return cls(
        fields=list(fields),
        questions=list(questions),
        guidelines=default if guidelines is None else guidelines,
        metadata_properties=metadata_properties,
        **extra,
    )


def _label_question(labels: Sequence[str], multi_label: bool, description: str) -> Question:
    if multi_label:
        return MultiLabelQuestion(name="label", labels=list(labels), description=description)
    return LabelQuestion(name="label", labels=list(labels), description=description)


def text_classification(
    cls: Callable[..., NewDataset],
    labels: Sequence[str],
    multi_label: bool = False,
    use_markdown: bool = False,
    guidelines: str | None = None,
    metadata_properties: Any = None,
    vectors_settings: Any = None,
) -> NewDataset:
    """Field ``text``; question ``label`` (a label, or labels with ``multi_label=True``)."""
    how = "every label that applies" if multi_label else "the one label that fits best"
    return _build(
        cls,
        "text classification",  # the task, named first in the default guidelines
        [TextField(name="text", use_markdown=use_markdown)],
        [_label_question(labels, multi_label, f"Pick {how}.")],
        guidelines,
        f"Read each text and pick {how} from the list. When unsure, go with what the text "
        "says, not what it might imply.",
        metadata_properties,
        vectors_settings,
    )


def question_answering(
    cls: Callable[..., NewDataset],
    use_markdown: bool = False,
    guidelines: str | None = None,
    metadata_properties: Any = None,
    vectors_settings: Any = None,
) -> NewDataset:
    """Fields ``question`` and ``context``; text question ``answer``."""
    return _build(
        cls,
        "question answering",  # the task, named first in the default guidelines
        [
            TextField(name="question", use_markdown=use_markdown),
            TextField(name="context", use_markdown=use_markdown),
        ],
        [
            TextQuestion(
                name="answer",
                description="Copy the answer from the context, word for word.",
                use_markdown=use_markdown,
            )
        ],
        guidelines,
        "Each record pairs a question with a passage. Answer with the shortest span of the "
        "passage that answers the question, copied exactly.",
        metadata_properties,
        vectors_settings,
    )


def summarization(
    cls: Callable[..., NewDataset],
    use_markdown: bool = False,
    guidelines: str | None = None,
    metadata_properties: Any = None,
    vectors_settings: Any = None,
) -> NewDataset:
    """Field ``text``; text question ``summary``."""
    return _build(
        cls,
        "summarization",  # the task, named first in the default guidelines
        [TextField(name="text", use_markdown=use_markdown)],
        [
            TextQuestion(
                name="summary",
                description="Sum the text up in a few sentences.",
                use_markdown=use_markdown,
            )
        ],
        guidelines,
        "Write a short summary of each text: its main points, in your own words, with nothing "
        "the text does not say.",
        metadata_properties,
        vectors_settings,
    )


def translation(
    cls: Callable[..., NewDataset],
    use_markdown: bool = False,
    guidelines: str | None = None,
    metadata_properties: Any = None,
    vectors_settings: Any = None,
) -> NewDataset:
    """Field ``source``; text question ``target``."""
    return _build(
        cls,
        "translation",  # the task, named first in the default guidelines
        [TextField(name="source", use_markdown=use_markdown)],
        [
            TextQuestion(
                name="target",
                description="The source text in the target language.",
                use_markdown=use_markdown,
            )
        ],
        guidelines,
        "Translate each source text faithfully: keep its meaning, tone and formatting.",
        metadata_properties,
        vectors_settings,
    )


def sentence_similarity(
    cls: Callable[..., NewDataset],
    rating_scale: int = 7,
    use_markdown: bool = False,
    guidelines: str | None = None,
    metadata_properties: Any = None,
    vectors_settings: Any = None,
) -> NewDataset:
    """Fields ``sentence-1`` and ``sentence-2``; rating ``similarity`` from 1 to ``rating_scale``."""
    return _build(
        cls,
        "sentence similarity",  # the task, named first in the default guidelines
        [
            TextField(name="sentence-1", use_markdown=use_markdown),
            TextField(name="sentence-2", use_markdown=use_markdown),
        ],
        [
            RatingQuestion(
                name="similarity",
                values=list(range(1, rating_scale + 1)),
                description=f"1 = unrelated, {rating_scale} = same meaning.",
            )
        ],
        guidelines,
        "Rate how close in meaning the two sentences are, whatever their wording.",
        metadata_properties,
        vectors_settings,
    )


def natural_language_inference(
    cls: Callable[..., NewDataset],
    labels: Sequence[str] | None = None,
    use_markdown: bool = False,
    guidelines: str | None = None,
    metadata_properties: Any = None,
    vectors_settings: Any = None,
) -> NewDataset:
    """Fields ``premise`` and ``hypothesis``; label ``label`` (entailment, neutral, contradiction)."""
    labels = ["entailment", "neutral", "contradiction"] if labels is None else labels
    return _build(
        cls,
        "natural language inference",  # the task, named first in the default guidelines
        [
            TextField(name="premise", use_markdown=use_markdown),
            TextField(name="hypothesis", use_markdown=use_markdown),
        ],
        [
            LabelQuestion(
                name="label",
                labels=list(labels),
                description="What does the premise say about the hypothesis?",
            )
        ],
        guidelines,
        "Assuming the premise is true, decide whether the hypothesis must be true "
        "(entailment), may be true (neutral) or cannot be true (contradiction).",
        metadata_properties,
        vectors_settings,
    )


def supervised_fine_tuning(
    cls: Callable[..., NewDataset],
    context: bool = False,
    use_markdown: bool = False,
    guidelines: str | None = None,
    metadata_properties: Any = None,
    vectors_settings: Any = None,
) -> NewDataset:
    """Field ``prompt`` (and optional ``context``); text question ``response``."""
    fields = [TextField(name="prompt", use_markdown=use_markdown)]
    if context:
        fields.append(TextField(name="context", use_markdown=use_markdown, required=False))
    return _build(
        cls,
        "supervised fine-tuning",  # the task, named first in the default guidelines
        fields,
        [
            TextQuestion(
                name="response",
                description="The reply you would want the model to give.",
                use_markdown=use_markdown,
            )
        ],
        guidelines,
        "Write the reply a helpful, honest assistant should give to each prompt"
        + (", using the context where it helps." if context else "."),
        metadata_properties,
        vectors_settings,
    )


def preference_modeling(
    cls: Callable[..., NewDataset],
    number_of_responses: int = 2,
    context: bool = False,
    use_markdown: bool = False,
    guidelines: str | None = None,
    metadata_properties: Any = None,
    vectors_settings: Any = None,
) -> NewDataset:
    """Fields ``prompt``, optional ``context``, ``response1``..``responseN``; ranking ``preference``."""
    responses = [
        TextField(
            name=f"response{i}",
            title=f"Response {i}",
            use_markdown=use_markdown,
            required=i == 1,
        )
        for i in range(1, number_of_responses + 1)
    ]
    fields = [TextField(name="prompt", use_markdown=use_markdown), *responses]
    if context:
        fields.insert(1, TextField(name="context", use_markdown=use_markdown, required=False))
    return _build(
        cls,
        "preference",  # the task, named first in the default guidelines
        fields,
        [
            RankingQuestion(
                name="preference",
                title="Rank the responses",
                description=f"1 is the best, {number_of_responses} the worst; ties are allowed.",
                values={f"response{i}": f"Response {i}" for i in range(1, number_of_responses + 1)},
                ties=True,  # as its description says (and as Argilla v1's template allowed)
            )
        ],
        guidelines,
        "Rank the responses to each prompt from best to worst: helpful, correct and safe first.",
        metadata_properties,
        vectors_settings,
    )


def proximal_policy_optimization(
    cls: Callable[..., NewDataset],
    rating_scale: int = 7,
    context: bool = False,
    use_markdown: bool = False,
    guidelines: str | None = None,
    metadata_properties: Any = None,
    vectors_settings: Any = None,
) -> NewDataset:
    """Field ``prompt`` (and optional ``context``); rating ``prompt-rating`` (v1: ``prompt``)."""
    fields = [TextField(name="prompt", use_markdown=use_markdown)]
    if context:
        fields.append(TextField(name="context", use_markdown=use_markdown, required=False))
    return _build(
        cls,
        "proximal policy optimization",  # the task, named first in the default guidelines
        fields,
        [
            RatingQuestion(
                name="prompt-rating",
                values=list(range(1, rating_scale + 1)),
                description=f"1 = a poor prompt to train on, {rating_scale} = an excellent one.",
            )
        ],
        guidelines,
        "Rate each prompt as material for reinforcement learning: clear, answerable and "
        "representative prompts rate high.",
        metadata_properties,
        vectors_settings,
    )


def direct_preference_optimization(
    cls: Callable[..., NewDataset],
    number_of_responses: int = 2,
    context: bool = False,
    use_markdown: bool = False,
    guidelines: str | None = None,
    metadata_properties: Any = None,
    vectors_settings: Any = None,
) -> NewDataset:
    """Build the preference modeling dataset, with guidelines for DPO."""
    return preference_modeling(
        cls,
        number_of_responses=number_of_responses,
        context=context,
        use_markdown=use_markdown,
        guidelines=(
            "This is a direct preference optimization dataset. Rank the responses to each "
            "prompt from best to worst; the best and the worst become the chosen and rejected "
            "replies DPO trains on."
            if guidelines is None
            else guidelines
        ),
        metadata_properties=metadata_properties,
        vectors_settings=vectors_settings,
    )


def retrieval_augmented_generation(
    cls: Callable[..., NewDataset],
    number_of_retrievals: int = 1,
    rating_scale: int = 7,
    use_markdown: bool = False,
    guidelines: str | None = None,
    metadata_properties: Any = None,
    vectors_settings: Any = None,
) -> NewDataset:
    """Fields ``query`` and ``retrieved_document_1``..N; a rating per document; text ``response``."""
    n = range(1, number_of_retrievals + 1)
    docs = [
        TextField(
            name=f"retrieved_document_{i}",
            title=f"Retrieved Document {i}",
            use_markdown=use_markdown,
            required=i == 1,
        )
        for i in n
    ]
    ratings: list[Question] = [
        RatingQuestion(
            name=f"rating_retrieved_document_{i}",
            title=f"How relevant is document {i} to the query?",
            values=list(range(1, rating_scale + 1)),
            description=f"1 = off topic, {rating_scale} = answers the query.",
            required=i == 1,
        )
        for i in n
    ]
    response = TextQuestion(
        name="response",
        title="Answer the query",
        description="Answer from the relevant documents only.",
        use_markdown=use_markdown,
        required=False,
    )
    return _build(
        cls,
        "retrieval augmented generation",  # the task, named first in the default guidelines
        [TextField(name="query", use_markdown=use_markdown), *docs],
        [*ratings, response],
        guidelines,
        "Rate how relevant each retrieved document is to the query, then answer the query "
        "using only what the relevant documents say.",
        metadata_properties,
        vectors_settings,
    )


def multi_modal_classification(
    cls: Callable[..., NewDataset],
    labels: Sequence[str],
    multi_label: bool = False,
    guidelines: str | None = None,
    metadata_properties: Any = None,
    vectors_settings: Any = None,
) -> NewDataset:
    """Field ``content`` (markdown, for embedded media); question ``label``."""
    how = "every label that applies" if multi_label else "the one label that fits best"
    return _build(
        cls,
        "multi-modal classification",  # the task, named first in the default guidelines
        [TextField(name="content", use_markdown=True)],
        [_label_question(labels, multi_label, f"Pick {how} for the media.")],
        guidelines,
        f"Look at (or listen to) each image, audio or video and pick {how}.",
        metadata_properties,
        vectors_settings,
    )


def multi_modal_transcription(
    cls: Callable[..., NewDataset],
    guidelines: str | None = None,
    metadata_properties: Any = None,
    vectors_settings: Any = None,
) -> NewDataset:
    """Field ``content`` (markdown, for embedded media); text question ``description``."""
    return _build(
        cls,
        "multi-modal transcription",  # the task, named first in the default guidelines
        [TextField(name="content", use_markdown=True)],
        [
            TextQuestion(
                name="description",
                description="Describe or transcribe what the media holds.",
                use_markdown=True,
            )
        ],
        guidelines,
        "Describe each image, audio or video: transcribe speech and text, and name what is shown.",
        metadata_properties,
        vectors_settings,
    )
