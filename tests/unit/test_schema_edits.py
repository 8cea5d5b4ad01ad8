"""Metadata property and vector settings edits, as pure schema functions (v1's semantics)."""

import json

import pytest

import nb_feedback as rg
from nb_feedback.dataset import schema_edits as E
from nb_feedback.domain.schema import Schema

IDS = ["r0", "r1", "r2"]
META = [json.dumps({"n": 3, "tag": "a"}), None, json.dumps({"n": 12, "tag": ["a", "b"]})]


def _schema():
    return Schema(
        (rg.TextField(name="t"),),
        (rg.TextQuestion(name="q"),),
        (rg.IntegerMetadataProperty(name="n"),),
        vectors_settings=(rg.VectorSettings(name="e", dimensions=2),),
    )


def test_add_builds_the_typed_column_and_checks_every_record():
    schema, column = E.add_metadata_property(
        _schema(), rg.TermsMetadataProperty(name="tag"), META, IDS
    )
    assert [p.name for p in schema.metadata_properties] == ["n", "tag"]
    assert column == ["a", None, None]  # a list of terms stays in the metadata JSON
    with pytest.raises(rg.RecordError, match=r"record 'r2': metadata 'tag' does not fit.*got 'b'"):
        E.add_metadata_property(
            _schema(), rg.TermsMetadataProperty(name="tag", values=["a"]), META, IDS
        )
    with pytest.raises(rg.SchemaError, match="'n' already exists"):
        E.add_metadata_property(_schema(), rg.IntegerMetadataProperty(name="n"), META, IDS)
    with pytest.raises(rg.SchemaError, match="expected a TermsMetadataProperty"):
        E.add_metadata_property(_schema(), "n", META, IDS)


def test_update_keeps_the_kind_and_checks_values():
    schema, columns = E.update_metadata_properties(
        _schema(), rg.IntegerMetadataProperty(name="n", title="Count", max=20), META, IDS
    )
    assert schema.metadata_property("n").title == "Count" and columns == {"n": [3, None, 12]}
    with pytest.raises(rg.RecordError, match=r"record 'r2': metadata 'n'.*in \[None, 10\], got 12"):
        E.update_metadata_properties(
            _schema(), [rg.IntegerMetadataProperty(name="n", max=10)], META, IDS
        )
    with pytest.raises(rg.SchemaError, match="cannot become a FloatMetadataProperty"):
        E.update_metadata_properties(_schema(), rg.FloatMetadataProperty(name="n"), META, IDS)
    with pytest.raises(rg.SchemaError, match="no metadata property 'm'"):
        E.update_metadata_properties(_schema(), rg.FloatMetadataProperty(name="m"), META, IDS)


def test_delete_returns_what_went_and_vector_settings_edits():
    schema, deleted = E.delete_metadata_properties(_schema(), "n")
    assert schema.metadata_properties == () and [p.name for p in deleted] == ["n"]
    with pytest.raises(rg.SchemaError, match="no metadata property 'x'"):
        E.delete_metadata_properties(_schema(), ["n", "x"])
    schema = E.add_vector_settings(_schema(), rg.VectorSettings(name="f", dimensions=4))
    assert [v.name for v in schema.vectors_settings] == ["e", "f"]
    with pytest.raises(rg.SchemaError, match="'e' already exists"):
        E.add_vector_settings(schema, rg.VectorSettings(name="e", dimensions=4))
    schema, deleted = E.delete_vectors_settings(schema, ["e"])
    assert [v.name for v in schema.vectors_settings] == ["f"] and deleted[0].dimensions == 2


def test_dataset_edits_go_through_the_change_path_and_survive_a_reopen(tmp_path):
    ds = rg.FeedbackDataset(fields=[rg.TextField(name="t")], questions=[rg.TextQuestion(name="q")])
    ds.add_records([{"t": "a", "metadata": {"n": 1}}, {"t": "b", "metadata": {"n": 5}}, {"t": "c"}])
    ds.save(tmp_path / "d")
    seen = []
    ds.subscribe(lambda kind, ids: seen.append(kind))
    assert ds.add_metadata_property(rg.IntegerMetadataProperty(name="n", max=10)).name == "n"
    wanted = rg.IntegerMetadataFilter(name="n", ge=2)
    assert [r.fields["t"] for r in ds.filter_by(metadata_filters=wanted)] == ["b"]
    with pytest.raises(rg.RecordError, match="nothing was changed"):
        ds.update_metadata_properties(rg.IntegerMetadataProperty(name="n", max=3))
    assert ds.metadata_property_by_name("n").max == 10
    ds.update_metadata_properties(rg.IntegerMetadataProperty(name="n", title="Count", max=8))
    ds.add_vector_settings(rg.VectorSettings(name="e", dimensions=2))
    ds.update_records([{"id": ds[0].id, "vectors": {"e": [1, 2]}}])
    back = rg.FeedbackDataset.from_disk(tmp_path / "d")
    assert back.metadata_property_by_name("n").title == "Count"
    assert [r.fields["t"] for r in back.filter_by(metadata_filters=wanted)] == ["b"]
    assert back[0].vectors == {"e": [1.0, 2.0]}
    assert ds.delete_metadata_properties("n").name == "n"
    assert ds.delete_vectors_settings("e").name == "e"
    back = rg.FeedbackDataset.from_disk(tmp_path / "d")
    assert back.metadata_properties == [] and back.vectors_settings == []
    assert [r.metadata for r in back] == [{"n": 1}, {"n": 5}, {}]  # values stay, as in v1
    # the failed update committed nothing; the vector went in as a record edit
    assert seen == ["schema", "schema", "schema", "records", "schema", "schema"]
