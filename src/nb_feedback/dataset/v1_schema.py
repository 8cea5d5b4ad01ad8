"""Argilla v1's schema API on a dataset: fields, questions, metadata properties and vector settings.

Read as bound copies (``domain.schema_binding``) and edited as v1 users edit them; each edit is
a new schema committed through the change path (``dataset.schema_edits`` computes it). Also
v1's task templates (``for_text_classification`` and friends).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from nb_feedback.argilla import templates
from nb_feedback.base._arrowtext import loads
from nb_feedback.base.errors import SchemaError
from nb_feedback.domain.chat import ChatField
from nb_feedback.domain.metadata import MetadataProperty
from nb_feedback.domain.schema import Question, TextField
from nb_feedback.domain.schema_binding import SettingsList, bind, plain
from nb_feedback.domain.vectors import VectorSettings
from nb_feedback.store import _tables as T
from nb_feedback.store._changes import (
    ChangeSchema,
)

if TYPE_CHECKING:
    pass
from nb_feedback.dataset._core import DatasetCore


class V1SchemaMixin(DatasetCore):
    """v1's fields/questions/metadata/vector settings API and task templates."""

    @property
    def fields(self) -> list[TextField | ChatField]:
        """The dataset's fields (setting an attribute, as in Argilla v1, changes the dataset).

        The list itself cannot be changed (``fields.append``, ``pop``... raise): records are
        stored by field name, so a dataset's fields are set when it is made.
        """
        items = [bind(f, self._edit_schema_item) for f in self._schema.fields]
        return SettingsList(items, "fields")

    @property
    def questions(self) -> list[Question]:
        """The dataset's questions (setting an attribute, as in v1, changes the dataset).

        The list itself cannot be changed (``questions.append``, ``pop``... raise).
        """
        items = [bind(q, self._edit_schema_item) for q in self._schema.questions]
        return SettingsList(items, "questions")

    @property
    def guidelines(self) -> str | None:
        """The annotation guidelines (markdown)."""
        return self._schema.guidelines

    @property
    def metadata_properties(self) -> list[MetadataProperty]:
        """The declared metadata properties (setting an attribute changes the dataset, as in v1).

        Add and remove them with ``add_metadata_property`` and ``delete_metadata_properties``.
        """
        items = [bind(p, self._edit_metadata_property) for p in self._schema.metadata_properties]
        return SettingsList(items, "metadata_properties")

    def _edit_metadata_property(self, item: Any, attribute: str, value: Any) -> Any:
        new = dataclasses.replace(item, **{attribute: value})
        self.update_metadata_properties(new)
        return new

    # -------------------------------------- Argilla v1's task templates (templates)
    for_text_classification = classmethod(templates.text_classification)

    for_question_answering = classmethod(templates.question_answering)

    for_summarization = classmethod(templates.summarization)

    for_translation = classmethod(templates.translation)

    for_sentence_similarity = classmethod(templates.sentence_similarity)

    for_natural_language_inference = classmethod(templates.natural_language_inference)

    for_supervised_fine_tuning = classmethod(templates.supervised_fine_tuning)

    for_preference_modeling = classmethod(templates.preference_modeling)

    for_proximal_policy_optimization = classmethod(templates.proximal_policy_optimization)

    for_direct_preference_optimization = classmethod(templates.direct_preference_optimization)

    for_retrieval_augmented_generation = classmethod(templates.retrieval_augmented_generation)

    for_multi_modal_classification = classmethod(templates.multi_modal_classification)

    for_multi_modal_transcription = classmethod(templates.multi_modal_transcription)

    # ----------------------------------------------------- Argilla v1's schema API
    # ------------------------------------ Argilla v1's schema edits (schema_edits)
    def _metadata_now(self) -> tuple[list[dict[str, Any]], list[str]]:
        records = list(self)  # record views: edits made since the records were added show
        return [dict(r.metadata or {}) for r in records], [str(r.id) for r in records]

    def add_metadata_property(self, metadata_property: MetadataProperty) -> MetadataProperty:
        """Declare a metadata property; every record's value is checked against it first."""
        from nb_feedback.dataset.schema_edits import add_metadata_property

        schema, column = add_metadata_property(
            self._schema, metadata_property, *self._metadata_now()
        )
        self._commit(ChangeSchema(schema, {T.meta_column(metadata_property.name): column}))
        return metadata_property

    def update_metadata_properties(
        self, metadata_properties: MetadataProperty | Sequence[MetadataProperty]
    ) -> None:
        """Replace properties by name (same kind; new title, values or bounds), checked first."""
        from nb_feedback.dataset.schema_edits import update_metadata_properties

        given = (
            [metadata_properties]
            if not isinstance(metadata_properties, Sequence)
            else list(metadata_properties)
        )
        schema, columns = update_metadata_properties(
            self._schema, [plain(p) for p in given], *self._metadata_now()
        )
        self._commit(ChangeSchema(schema, {T.meta_column(n): c for n, c in columns.items()}))

    def delete_metadata_properties(self, metadata_properties: str | Sequence[str]) -> Any:
        """Remove properties by name (records keep their values); return what was removed."""
        from nb_feedback.dataset.schema_edits import delete_metadata_properties

        schema, deleted = delete_metadata_properties(self._schema, metadata_properties)
        drop = [T.meta_column(p.name) for p in deleted]
        self._commit(ChangeSchema(schema, {}, drop))
        return deleted[0] if len(deleted) == 1 else deleted

    def add_vector_settings(self, vector_settings: VectorSettings) -> VectorSettings:
        """Declare a vector records may carry from now on."""
        from nb_feedback.dataset.schema_edits import add_vector_settings

        self._commit(ChangeSchema(add_vector_settings(self._schema, vector_settings), {}))
        return vector_settings

    def delete_vectors_settings(self, vectors_settings: str | Sequence[str]) -> Any:
        """Remove vector settings by name (records keep their vectors); return what went."""
        from nb_feedback.dataset.schema_edits import delete_vectors_settings

        schema, deleted = delete_vectors_settings(self._schema, vectors_settings)
        self._commit(ChangeSchema(schema, {}))
        return deleted[0] if len(deleted) == 1 else deleted

    @property
    def vectors_settings(self) -> list[VectorSettings]:
        """The declared vectors (setting an attribute changes the dataset, as in v1)."""
        items = [bind(v, self._edit_vector_settings) for v in self._schema.vectors_settings]
        return SettingsList(items, "vectors_settings")

    def _edit_vector_settings(self, item: Any, attribute: str, value: Any) -> Any:
        new = dataclasses.replace(item, **{attribute: value})
        self.update_vectors_settings(new)
        return new

    def update_vectors_settings(
        self, vectors_settings: VectorSettings | Sequence[VectorSettings]
    ) -> None:
        """Replace vector settings by name (a new title; new dimensions while no record has one)."""
        given = (
            [vectors_settings]
            if isinstance(vectors_settings, VectorSettings)
            else list(vectors_settings)
        )
        by_name = {v.name: v for v in self._schema.vectors_settings}
        new: dict[str, VectorSettings] = {}
        for v in given:
            if not isinstance(v, VectorSettings):
                raise SchemaError(f"update_vectors_settings: expected VectorSettings, got {v!r}")
            v = plain(v)
            old = by_name.get(v.name)
            if old is None:
                raise SchemaError(
                    f"update_vectors_settings: no vector settings {v.name!r}; expected one of "
                    f"{sorted(by_name)}"
                )
            if v.dimensions != old.dimensions and any(v.name in r.vectors for r in self):
                raise SchemaError(
                    f"update_vectors_settings: {v.name!r} cannot change from {old.dimensions} "
                    f"to {v.dimensions} dimensions: records already hold such vectors"
                )
            new[v.name] = v
        kept = tuple(new.get(v.name, v) for v in self._schema.vectors_settings)
        self._check_writable()
        self._commit(ChangeSchema(dataclasses.replace(self._schema, vectors_settings=kept), {}))

    def vector_settings_by_name(self, name: str) -> VectorSettings | None:
        """Return the vector settings called ``name``, or None (Argilla v1)."""
        return next((v for v in self._schema.vectors_settings if v.name == name), None)

    @property
    def allow_extra_metadata(self) -> bool:
        """Whether records may carry metadata keys no property declares (Argilla v1)."""
        return self._schema.allow_extra_metadata

    def field_by_name(self, name: str) -> TextField | ChatField | None:
        """Return the field called ``name``, or None (Argilla v1)."""
        found = self._schema.field(name)
        return None if found is None else bind(found, self._edit_schema_item)

    def question_by_name(self, name: str) -> Question | None:
        """Return the question called ``name``, or None (Argilla v1)."""
        found = self._schema.question(name)
        return None if found is None else bind(found, self._edit_schema_item)

    def _edit_schema_item(self, item: Any, attribute: str, value: Any) -> Any:
        """Commit one attribute of a field or question (``schema_binding``); return the new one."""
        from nb_feedback.dataset.schema_edits import edit_item

        self._check_writable()
        stored: list[tuple[str, str, Any]] = []
        if isinstance(item, TextField | ChatField):
            stored = [(str(r.id), "text", r.fields.get(item.name)) for r in self]
        else:
            frame = self._responses.frame()
            for record_id, values in zip(frame["record_id"], frame["values"], strict=True):
                answers = loads(values) if isinstance(values, str) else values
                if item.name in answers:
                    stored.append((str(record_id), "answer", answers[item.name]))
            for r in self:
                for s in r.suggestions:
                    if s.question_name == item.name:
                        stored.append((str(r.id), "suggestion", s.value))
        schema, new = edit_item(self._schema, item, attribute, value, stored)
        self._commit(ChangeSchema(schema, {}))
        return new

    def metadata_property_by_name(self, name: str) -> MetadataProperty | None:
        """Return the metadata property called ``name``, or None (Argilla v1)."""
        return self._schema.metadata_property(name)
