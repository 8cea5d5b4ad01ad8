"""Which of Argilla v1's own tests (``argilla-v1/tests`` at 1.29.1) the v1-suite runner runs.

Only names: the tests of v1's local features, public behaviour. Left out: tests that need a server
(``argilla_user``, ``mocked_client``...), that compare server payloads (``to_server_payload``,
``server_settings``) or that read private names. The denominator of the figure is the part of
this selection that passes on argilla-v1 itself, measured on each run.
"""

# test file (relative to v1's tests folder) -> test functions run from it (every parameter case)
TESTS: dict[str, list[str]] = {
    "integration/client/feedback/dataset/local/test_dataset.py": [
        "test_add_records",
        "test_add_records_with_vectors",
        "test_add_vector_settings",
        "test_add_duplicated_vector_settings",
        "test_warning_remote_dataset_methods",
    ],
    "integration/client/feedback/dataset/local/test_mixin_task_templates.py": [
        "test_task_templates",
    ],
    "integration/client/feedback/metrics/test_agreement_metrics.py": [
        "test_allowed_metrics",
        "test_prepare_dataset_for_annotation_task",
        "test_agreement_metrics",
        "test_agreement_metrics_from_feedback_dataset",
    ],
    "integration/client/feedback/metrics/test_annotator_metrics.py": [
        "test_allowed_metrics",
        "test_annotator_metric",
        "test_annotator_metric_from_feedback_dataset",
        "test_annotator_metrics_unified",
        "test_annotator_metrics_unified_from_feedback_dataset",
    ],
    "integration/client/feedback/test_unification.py": [
        "test_rating_question_strategy",
        "test_ranking_question_strategy",
        "test_label_question_strategy",
        "test_multi_label_question_strategy",
        "test_multi_label_question_strategy_without_overlap",
    ],
    "unit/client/feedback/dataset/local/test_dataset.py": [
        "test_add_records_validation",
        "test_update_records_with_warning",
        "test_add_records_validation_error",
        "test_add_metadata_property",
        "test_add_record_with_numpy_values",
        "test_add_metadata_property_errors",
        "test_update_metadata_properties",
        "test_delete_metadata_properties",
        "test_delete_metadata_properties_errors",
        "test_delete_vectors_settings",
        "test_not_implemented_methods",
        "test_init",
        "test_init_wrong_guidelines",
        "test_init_wrong_fields",
        "test_init_wrong_questions",
        "test_init_wrong_metadata_properties",
        "test_properties_by_name",
    ],
    "unit/client/feedback/dataset/test_helpers.py": [
        "test_generate_pydantic_schema_for_metadata",
        "test_generate_pydantic_schema_for_metadata_errors",
    ],
    "unit/client/feedback/schemas/test_fields.py": [
        "test_text_field_errors",
    ],
    "unit/client/feedback/schemas/test_metadata.py": [
        "test_terms_metadata_property_errors",
        "test_integer_metadata_property_errors",
        "test_float_metadata_property_errors",
        "test_terms_metadata_filter_errors",
        "test_integer_metadata_filter_errors",
        "test_float_metadata_filter_errors",
    ],
    "unit/client/feedback/schemas/test_questions.py": [
        "test_rating_question_errors",
        "test_ranking_question_errors",
        "test_span_question_with_visible_labels_default_value",
        "test_span_question_with_default_visible_label_when_labels_is_less_than_20",
        "test_span_question_when_visible_labels_is_greater_than_total_labels",
        "test_span_question_with_visible_labels_less_than_total_labels",
        "test_span_question_with_visible_labels_less_than_min_value",
        "test_span_questions_with_default_visible_labels_and_less_labels_than_default",
        "test_span_question_with_no_labels",
        "test_span_question_with_duplicated_labels",
    ],
    "unit/client/feedback/schemas/test_records.py": [
        "test_feedback_record",
        "test_feedback_record_update",
        "test_value_schema",
        "test_ranking_value_schema",
        "test_ranking_value_schema_errors",
        "test_response_schema",
        "test_suggestion_schema",
        "test_sort_by_with_wrong_fields",
    ],
    "unit/client/feedback/schemas/test_responses.py": [
        "test_create_span_response_wrong_limits",
        "test_create_response",
        "test_create_responses_with_multiple_questions",
        "test_create_response_with_wrong_value",
    ],
    "unit/client/feedback/schemas/test_suggestions.py": [
        "test_create_suggestion",
        "test_create_suggestion_with_wrong_value",
    ],
    "unit/client/feedback/training/test_schemas.py": [
        "test_training_task_repr",
    ],
}

# conftest file -> the fixtures kept from it (the ones the tests above use); every other fixture,
# hook and statement of a conftest on the way is left out (server set-up, autouse connections)
FIXTURES: dict[str, list[str]] = {
    "conftest.py": [
        "feedback_dataset_guidelines",
        "feedback_dataset_fields",
        "feedback_dataset_questions",
        "feedback_dataset_metadata_properties",
        "feedback_dataset_vectors_settings",
        "feedback_dataset",
        "feedback_dataset_records",
        "feedback_dataset_records_with_paired_suggestions",
    ],
    "unit/client/feedback/conftest.py": [
        "rating_question_payload",
        "label_question_payload",
        "ranking_question_payload",
        "feedback_dataset_guidelines",
        "feedback_dataset_fields",
        "feedback_dataset_questions",
        "feedback_dataset_metadata_properties",
    ],
    "integration/client/feedback/conftest.py": [
        "rating_question_payload",
        "label_question_payload",
        "ranking_question_payload",
    ],
}
