"""nb_feedback: Argilla-style feedback collection in the notebook, with no server.

Define fields and questions, add records, let people answer in a widget under the cell, and turn
the submitted answers into SFT splits for TRL. The guide's code runs with
``import nb_feedback as rg`` in place of ``import argilla as rg``.
"""

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
from nb_feedback.base._arrowpool import prefer_jemalloc
from nb_feedback.base.errors import (
    ExportError,
    FeedbackError,
    HubError,
    RecordError,
    ResponseError,
    SchemaError,
    StorageError,
    WriterLockedError,
)
from nb_feedback.dataset.dataset import FeedbackDataset
from nb_feedback.dataset.filters import (
    FloatMetadataFilter,
    IntegerMetadataFilter,
    ResponseStatusFilter,
    TermsMetadataFilter,
)
from nb_feedback.dataset.sorting import RecordSortField, SortBy, SortOrder
from nb_feedback.domain.chat import ChatField
from nb_feedback.domain.distribution import TaskDistribution
from nb_feedback.domain.metadata import (
    FloatMetadataProperty,
    IntegerMetadataProperty,
    TermsMetadataProperty,
)
from nb_feedback.domain.records import (
    DEFAULT_USER,
    FeedbackRecord,
    Response,
    ResponseSchema,
    ResponseStatus,
    Suggestion,
    SuggestionSchema,
    ValueSchema,
)
from nb_feedback.domain.schema import (
    LabelQuestion,
    MultiLabelQuestion,
    RankingQuestion,
    RatingQuestion,
    TextField,
    TextQuestion,
)
from nb_feedback.domain.spans import SpanLabelOption, SpanQuestion, SpanValueSchema
from nb_feedback.domain.v1_compat import LabelsOrder, RankingValueSchema
from nb_feedback.domain.vectors import VectorSettings
from nb_feedback.store.persistence import LoadWarning
from nb_feedback.team.metrics import (
    AgreementMetric,
    AnnotatorMetric,
    ModelMetric,
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

prefer_jemalloc()  # Arrow's pool, before the user builds a table: see base/_arrowpool.py

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_USER",
    "AgreementMetric",
    "AnnotatorMetric",
    "ChatField",
    "ExportError",
    "FeedbackDataset",
    "FeedbackError",
    "FeedbackRecord",
    "FloatMetadataFilter",
    "FloatMetadataProperty",
    "HubError",
    "IntegerMetadataFilter",
    "IntegerMetadataProperty",
    "LabelQuestion",
    "LabelQuestionStrategy",
    "LabelQuestionUnification",
    "LabelsOrder",
    "LoadWarning",
    "ModelMetric",
    "MultiLabelQuestion",
    "MultiLabelQuestionStrategy",
    "MultiLabelQuestionUnification",
    "RankingQuestion",
    "RankingQuestionStrategy",
    "RankingQuestionUnification",
    "RankingValueSchema",
    "RatingQuestion",
    "RatingQuestionStrategy",
    "RatingQuestionUnification",
    "RecordError",
    "RecordSortField",
    "Response",
    "ResponseError",
    "ResponseSchema",
    "ResponseStatus",
    "ResponseStatusFilter",
    "SchemaError",
    "SortBy",
    "SortOrder",
    "SpanLabelOption",
    "SpanQuestion",
    "SpanValueSchema",
    "StorageError",
    "Suggestion",
    "SuggestionSchema",
    "TaskDistribution",
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
    "ValueSchema",
    "VectorSettings",
    "WriterLockedError",
    "__version__",
]


def __getattr__(name: str) -> object:
    # Argilla v1's server calls (rg.init, rg.log, ...): say what to use instead
    from nb_feedback.argilla._v1_names import MODULE, missing

    raise missing("nb_feedback", name, MODULE)


from nb_feedback.dataset.forwards import lend as _lend_forwards  # noqa: E402

_lend_forwards(FeedbackDataset)
