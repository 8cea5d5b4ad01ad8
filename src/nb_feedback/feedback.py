"""``nb_feedback.feedback`` mirrors ``argilla.feedback`` (Argilla v1), so its imports run unchanged.

``from argilla.feedback import TrainingTask`` becomes ``from nb_feedback.feedback import
TrainingTask``; the metrics of ``argilla.client.feedback.metrics`` are here too.
"""

from __future__ import annotations

from nb_feedback import (
    FeedbackDataset,
    FeedbackRecord,
    FloatMetadataFilter,
    FloatMetadataProperty,
    IntegerMetadataFilter,
    IntegerMetadataProperty,
    LabelQuestion,
    MultiLabelQuestion,
    RankingQuestion,
    RatingQuestion,
    ResponseSchema,
    ResponseStatus,
    SuggestionSchema,
    TermsMetadataFilter,
    TermsMetadataProperty,
    TextField,
    TextQuestion,
)
from nb_feedback.argilla.training import (
    TrainingTask,
    TrainingTaskForChatCompletion,
    TrainingTaskForDPO,
    TrainingTaskForPPO,
    TrainingTaskForQuestionAnswering,
    TrainingTaskForRM,
    TrainingTaskForSentenceSimilarity,
    TrainingTaskForSFT,
    TrainingTaskForTextClassification,
)
from nb_feedback.dataset.filters import ResponseStatusFilter
from nb_feedback.dataset.sorting import RecordSortField, SortBy, SortOrder
from nb_feedback.domain.spans import SpanLabelOption, SpanQuestion, SpanValueSchema
from nb_feedback.domain.v1_compat import LabelsOrder, QuestionTypes, RankingValueSchema
from nb_feedback.domain.vectors import VectorSettings
from nb_feedback.team.metrics import (
    AgreementMetric,
    AgreementMetricResult,
    AnnotatorMetric,
    ModelMetric,
    ModelMetricResult,
    UnifiedAnnotatorMetric,
    UnifiedModelMetric,
)
from nb_feedback.team.unification import (
    LabelQuestionStrategy,
    LabelQuestionUnification,
    MultiLabelQuestionStrategy,
    MultiLabelQuestionUnification,
    RankingQuestionStrategy,
    RankingQuestionUnification,
    RatingQuestionStrategy,
    RatingQuestionUnification,
    TextQuestionStrategy,
    UnifiedValueSchema,
)

__all__ = [
    "AgreementMetric",
    "AgreementMetricResult",
    "AnnotatorMetric",
    "FeedbackDataset",
    "FeedbackRecord",
    "FloatMetadataFilter",
    "FloatMetadataProperty",
    "IntegerMetadataFilter",
    "IntegerMetadataProperty",
    "LabelQuestion",
    "LabelQuestionStrategy",
    "LabelQuestionUnification",
    "LabelsOrder",
    "ModelMetric",
    "ModelMetricResult",
    "MultiLabelQuestion",
    "MultiLabelQuestionStrategy",
    "MultiLabelQuestionUnification",
    "QuestionTypes",
    "RankingQuestion",
    "RankingQuestionStrategy",
    "RankingQuestionUnification",
    "RankingValueSchema",
    "RatingQuestion",
    "RatingQuestionStrategy",
    "RatingQuestionUnification",
    "RecordSortField",
    "ResponseSchema",
    "ResponseStatus",
    "ResponseStatusFilter",
    "SortBy",
    "SortOrder",
    "SpanLabelOption",
    "SpanQuestion",
    "SpanValueSchema",
    "SuggestionSchema",
    "TermsMetadataFilter",
    "TermsMetadataProperty",
    "TextField",
    "TextQuestion",
    "TextQuestionStrategy",
    "TrainingTask",
    "TrainingTaskForChatCompletion",
    "TrainingTaskForDPO",
    "TrainingTaskForPPO",
    "TrainingTaskForQuestionAnswering",
    "TrainingTaskForRM",
    "TrainingTaskForSFT",
    "TrainingTaskForSentenceSimilarity",
    "TrainingTaskForTextClassification",
    "UnifiedAnnotatorMetric",
    "UnifiedModelMetric",
    "UnifiedValueSchema",
    "VectorSettings",
]
