"""allow_extra_metadata and Terms metadata holding a list (Argilla v1), kept across save/load."""

import pytest

import nb_feedback as rg


def _ds(allow=True):
    return rg.FeedbackDataset(
        fields=[rg.TextField(name="t")],
        questions=[rg.TextQuestion(name="q")],
        metadata_properties=[rg.TermsMetadataProperty(name="tags", values=["a", "b", "c"])],
        allow_extra_metadata=allow,
    )


def _texts(ds):
    return [r.fields["t"] for r in ds]


def test_terms_lists_filter_by_any_term_and_survive_a_reopen(tmp_path):
    ds = _ds()
    ds.add_records(
        [
            {"t": "1", "metadata": {"tags": ["a", "b"]}},
            {"t": "2", "metadata": {"tags": "c"}},
            {"t": "3"},
            {"t": "4", "metadata": {"tags": ["a"], "source": "web"}},
        ]
    )
    wanted = rg.TermsMetadataFilter(name="tags", values=["b", "c"])
    assert _texts(ds.filter_by(metadata_filters=wanted)) == ["1", "2"]
    assert _texts(
        ds.filter_by(metadata_filters=rg.TermsMetadataFilter(name="tags", values=["a"]))
    ) == ["1", "4"]
    ds.save(tmp_path / "d")
    back = rg.FeedbackDataset.from_disk(tmp_path / "d")
    assert [r.metadata for r in back] == [
        {"tags": ["a", "b"]},
        {"tags": "c"},
        {},
        {"tags": ["a"], "source": "web"},
    ]
    assert _texts(back.filter_by(metadata_filters=wanted)) == ["1", "2"]


@pytest.mark.parametrize(
    ("metadata", "message"),
    [
        ({"tags": ["a", "z"]}, "expected terms from \\['a', 'b', 'c'\\], got 'z'"),
        ({"tags": []}, "expected a non-empty list of strings"),
        ({"tags": ["a", 1]}, "expected a non-empty list of strings"),
    ],
)
def test_bad_terms_name_the_record_and_add_nothing(metadata, message):
    ds = _ds()
    with pytest.raises(rg.RecordError, match=f"record 1: metadata 'tags': {message}"):
        ds.add_records([{"t": "ok"}, {"t": "bad", "metadata": metadata}])
    assert len(ds) == 0


def test_allow_extra_metadata_false_rejects_undeclared_keys_and_is_kept(tmp_path):
    strict = _ds(allow=False)
    assert strict.allow_extra_metadata is False and _ds().allow_extra_metadata is True
    with pytest.raises(
        rg.RecordError, match="metadata 'source' is not a declared metadata property"
    ):
        strict.add_records([{"t": "x", "metadata": {"tags": "a", "source": "web"}}])
    strict.add_records([{"t": "x", "metadata": {"tags": "a"}}])
    strict.save(tmp_path / "s")
    assert rg.FeedbackDataset.from_disk(tmp_path / "s").allow_extra_metadata is False
    with pytest.raises(rg.SchemaError, match="allow_extra_metadata"):
        _ds(allow="no")


def test_suggestions_take_v1s_per_item_score_lists():
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="t")],
        questions=[
            rg.MultiLabelQuestion(name="tags", labels=["a", "b", "c"]),
            rg.RankingQuestion(name="rank", values=["x", "y"]),
            rg.LabelQuestion(name="label", labels=["a", "b"], required=False),
        ],
    )
    ranking = [{"value": "y", "rank": 1}, {"value": "x", "rank": 2}]
    ds.add_records(
        [
            {
                "t": "1",
                "suggestions": [
                    {"question_name": "tags", "value": ["a", "c"], "score": [0.9, 0.2]},
                    {"question_name": "rank", "value": ranking, "score": (0.7, 0.3)},
                ],
            }
        ]
    )
    assert [s.score for s in ds[0].suggestions] == [[0.9, 0.2], [0.7, 0.3]]
    row = ds.format_as("datasets")[0]
    assert row["tags-suggestion-metadata"]["score"] == pytest.approx([0.9, 0.2])
    assert row["rank-suggestion"] == {"rank": [1, 2], "value": ["y", "x"]}
    assert row["rank-suggestion-metadata"]["score"] == pytest.approx([0.7, 0.3])
    bad = [
        (
            {"question_name": "tags", "value": ["a"], "score": [0.9, 0.2]},
            "one score per suggested item",
        ),
        (
            {"question_name": "label", "value": "a", "score": [0.9]},
            "a list of scores needs a multi-label",
        ),
        (
            {"question_name": "tags", "value": ["a"], "score": ["high"]},
            "a number or a list of numbers",
        ),
    ]
    for suggestion, message in bad:
        with pytest.raises(rg.RecordError, match=message):
            ds.add_records([{"t": "2", "suggestions": [suggestion]}])
    assert len(ds) == 1
