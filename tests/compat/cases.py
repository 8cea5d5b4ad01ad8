"""Argilla v1's documented local features, one case each, written against ``rg`` only.

Each case takes the library as ``rg`` (``nb_feedback``, or ``argilla_v1`` in the opt-in parity
test) and returns plain values (lists, dicts, numbers, strings), so that the two libraries'
results can be compared. ``EXPECTED`` holds what each case must give on nb_feedback, worked out
by hand; ``DIFFERS`` names the cases where Argilla v1 gives something else on purpose, and why
(docs/coming-from-argilla.md says the same). This module imports neither library.
"""

from __future__ import annotations

from typing import Any

USERS = [f"00000000-0000-0000-0000-00000000000{i}" for i in (1, 2, 3)]
TEXTS = ["r0", "r1", "r2", "r3", "r4", "r5"]
# per record: one label and one rating per user (no ties, so majority is the same for all)
LABELS = [
    ("a", "a", "b"),
    ("b", "b", "b"),
    ("c", "c", "a"),
    ("a", "b", "a"),
    ("b", "c", "b"),
    ("c", "c", "c"),
]
RATINGS = [(4, 4, 5), (2, 2, 2), (1, 1, 3), (5, 4, 5), (3, 3, 1), (2, 2, 4)]
SUGGESTED_LABELS = ["a", "b", "a", "a", "c", "c"]
SUGGESTED_RATINGS = [4, 2, 1, 5, 3, 3]
GROUPS = ["x", "y", "x", "y", "x", "y"]


def _dataset(rg: Any) -> Any:
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="text")],
        questions=[
            rg.LabelQuestion(name="label", labels=["a", "b", "c"]),
            rg.RatingQuestion(name="rating", values=[1, 2, 3, 4, 5], required=False),
        ],
        guidelines="Label the text.",
        metadata_properties=[
            rg.TermsMetadataProperty(name="group", values=["x", "y"]),
            rg.IntegerMetadataProperty(name="n", min=0, max=10),
        ],
    )
    records = []
    for i, text in enumerate(TEXTS):
        responses = [
            {
                "user_id": user,
                "values": {"label": {"value": LABELS[i][u]}, "rating": {"value": RATINGS[i][u]}},
                "status": "submitted",
            }
            for u, user in enumerate(USERS)
        ]
        records.append(
            rg.FeedbackRecord(
                fields={"text": text},
                metadata={"group": GROUPS[i], "n": i},
                suggestions=[
                    {"question_name": "label", "value": SUGGESTED_LABELS[i]},
                    {"question_name": "rating", "value": SUGGESTED_RATINGS[i]},
                ],
                responses=responses,
                external_id=f"ext-{i}",
            )
        )
    ds.add_records(records)
    return ds


def _value(answer: Any) -> Any:
    return answer["value"]


# ------------------------------------------------------------------ datasets
def case_schema(rg: Any) -> Any:
    ds = _dataset(rg)
    return {
        "fields": [f.name for f in ds.fields],
        "questions": [[q.name, type(q).__name__, q.required] for q in ds.questions],
        "metadata": [p.name for p in ds.metadata_properties],
        "guidelines": ds.guidelines,
    }


def case_by_name(rg: Any) -> Any:
    ds = _dataset(rg)
    return [
        ds.field_by_name("text").name,
        type(ds.question_by_name("rating")).__name__,
        list(ds.question_by_name("rating").values),
        ds.metadata_property_by_name("n").name,
    ]


def case_records(rg: Any) -> Any:
    ds = _dataset(rg)
    return {
        "len": len(ds),
        "texts": [r.fields["text"] for r in ds.records],
        "metadata": [r.metadata for r in ds.records],
        "external_ids": [r.external_id for r in ds.records],
        "suggestions": [[s.question_name, s.value] for s in ds.records[2].suggestions],
    }


def case_format_as(rg: Any) -> Any:
    hf = _dataset(rg).format_as("datasets")
    row = hf[3]
    return {
        "columns": hf.column_names,
        "label": sorted([a["user_id"], a["value"], a["status"]] for a in row["label"]),
        "label-suggestion": row["label-suggestion"],
        "external_id": row["external_id"],
    }


def case_filter_by_status(rg: Any) -> Any:
    ds = _dataset(rg)
    ds.add_records([rg.FeedbackRecord(fields={"text": "unanswered"})])
    return [
        len(ds.filter_by(response_status="submitted")),
        len(ds.filter_by(response_status="pending")),
        len(ds.filter_by(response_status=["submitted", "pending"])),
        len(ds.filter_by(response_status=[rg.ResponseStatusFilter.pending])),
    ]


def case_filter_by_metadata(rg: Any) -> Any:
    ds = _dataset(rg)
    terms = ds.filter_by(metadata_filters=rg.TermsMetadataFilter(name="group", values=["x"]))
    numbers = ds.filter_by(metadata_filters=[rg.IntegerMetadataFilter(name="n", ge=2, le=4)])
    return [[r.fields["text"] for r in terms.records], [r.fields["text"] for r in numbers.records]]


def case_labels_order(rg: Any) -> Any:
    q = rg.MultiLabelQuestion(name="tags", labels=["a", "b"], labels_order="suggestion")
    default = rg.MultiLabelQuestion(name="tags", labels=["a", "b"])
    return [
        getattr(q.labels_order, "value", q.labels_order),
        getattr(default.labels_order, "value", default.labels_order),
    ]


def _raises(fn: Any) -> str:
    try:
        fn()
    except Exception:  # both libraries raise, each its own type
        return "raised"
    return "accepted"


def case_allow_extra_metadata(rg: Any) -> Any:
    def make(allow: bool) -> Any:
        return rg.FeedbackDataset(
            fields=[rg.TextField(name="text")],
            questions=[rg.TextQuestion(name="q")],
            metadata_properties=[rg.IntegerMetadataProperty(name="n")],
            allow_extra_metadata=allow,
        )

    strict, lenient = make(False), make(True)
    extra = {"n": 1, "source": "web"}
    return [
        strict.allow_extra_metadata,
        lenient.allow_extra_metadata,
        _raises(
            lambda: strict.add_records([rg.FeedbackRecord(fields={"text": "a"}, metadata=extra)])
        ),
        _raises(
            lambda: lenient.add_records([rg.FeedbackRecord(fields={"text": "a"}, metadata=extra)])
        ),
        [r.metadata for r in lenient.records],
        len(strict),
    ]


def case_terms_metadata_list(rg: Any) -> Any:
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="text")],
        questions=[rg.TextQuestion(name="q")],
        metadata_properties=[rg.TermsMetadataProperty(name="tags", values=["a", "b", "c"])],
    )
    ok = _raises(
        lambda: ds.add_records(
            [rg.FeedbackRecord(fields={"text": "x"}, metadata={"tags": ["a", "c"]})]
        )
    )
    bad = _raises(
        lambda: ds.add_records(
            [rg.FeedbackRecord(fields={"text": "y"}, metadata={"tags": ["a", "z"]})]
        )
    )
    return [ok, bad, [r.metadata for r in ds.records]]


def _vector_dataset(rg: Any) -> Any:
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="text")],
        questions=[rg.TextQuestion(name="q")],
        vectors_settings=[rg.VectorSettings(name="e", dimensions=2)],
    )
    ds.add_records(
        [
            rg.FeedbackRecord(fields={"text": "a"}, vectors={"e": [1.0, 0.0]}),
            rg.FeedbackRecord(fields={"text": "b"}, vectors={"e": [0.6, 0.8]}),
            rg.FeedbackRecord(fields={"text": "c"}),
        ]
    )
    return ds


def case_vectors(rg: Any) -> Any:
    ds = _vector_dataset(rg)
    settings = ds.vector_settings_by_name("e")
    hf = ds.format_as("datasets")
    return [
        [settings.name, settings.dimensions],
        [r.vectors for r in ds.records],
        list(hf["vectors"]),
    ]


def case_find_similar_records(rg: Any) -> Any:
    ds = _vector_dataset(rg)
    found = ds.find_similar_records("e", value=[0.0, 1.0], max_results=2)
    return [[r.fields["text"], round(score, 6)] for r, score in found]


def case_response_shape(rg: Any) -> Any:
    record = _dataset(rg).records[3]
    by_user = sorted(record.responses, key=lambda r: str(r.user_id))
    return [
        [
            str(r.user_id),
            r.values["label"].value,
            r.values["rating"].value,
            str(getattr(r.status, "value", r.status)),
        ]
        for r in by_user
    ]


def case_response_without_user_id(rg: Any) -> Any:
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="text")], questions=[rg.TextQuestion(name="answer")]
    )
    ds.add_records(
        [
            rg.FeedbackRecord(
                fields={"text": "hi"},
                responses=[{"values": {"answer": {"value": "hello"}}, "status": "submitted"}],
            )
        ]
    )
    response = ds.records[0].responses[0]
    return [
        response.values["answer"].value,
        str(getattr(response.status, "value", response.status)),
    ]


def case_record_metadata_edit(rg: Any) -> Any:
    ds = _dataset(rg)
    ds.records[1].metadata["group"] = "x"
    return [r.metadata["group"] for r in ds.records]


def case_metadata_property_edits(rg: Any) -> Any:
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="text")], questions=[rg.TextQuestion(name="q")]
    )
    ds.add_records([rg.FeedbackRecord(fields={"text": "a"}, metadata={"source": "web", "n": 2})])
    added = ds.add_metadata_property(rg.TermsMetadataProperty(name="source"))
    ds.add_metadata_property(rg.IntegerMetadataProperty(name="n"))
    names = [p.name for p in ds.metadata_properties]
    deleted = ds.delete_metadata_properties("source")
    return [
        added.name,
        names,
        deleted.name,
        [p.name for p in ds.metadata_properties],
        ds.records[0].metadata,
    ]


def case_edit_questions_and_fields(rg: Any) -> Any:
    ds = _dataset(rg)
    ds.questions[0].title = "Which label?"
    ds.question_by_name("label").description = "Pick one."
    ds.fields[0].title = "The text"
    q = ds.question_by_name("label")
    return [q.title, q.description, ds.field_by_name("text").title]


def case_ranking_format_as(rg: Any) -> Any:
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="text")],
        questions=[rg.RankingQuestion(name="rank", values=["x", "y", "z"])],
    )
    ranking = [{"value": "y", "rank": 1}, {"value": "x", "rank": 2}, {"value": "z", "rank": 3}]
    ds.add_records(
        [
            rg.FeedbackRecord(
                fields={"text": "t"},
                responses=[
                    {
                        "user_id": USERS[0],
                        "values": {"rank": {"value": ranking}},
                        "status": "submitted",
                    }
                ],
            )
        ]
    )
    return ds.format_as("datasets")[0]["rank"]


# -------------------------------------------------------------- unification
def _unified(rg: Any, question: str, strategy: str) -> Any:
    ds = _dataset(rg)
    ds.compute_unified_responses(question, strategy)
    return [[u.value for u in r.unified_responses[question]] for r in ds.records]


def case_unify_label_majority(rg: Any) -> Any:
    return _unified(rg, "label", "majority")


def case_unify_rating_majority(rg: Any) -> Any:
    return _unified(rg, "rating", "majority")


def case_unify_rating_max_min(rg: Any) -> Any:
    return [[str(v) for v in vs] for s in ("max", "min") for vs in _unified(rg, "rating", s)]


def case_unify_rating_mean(rg: Any) -> Any:
    return _unified(rg, "rating", "mean")


# ------------------------------------------------------------------ metrics
def case_agreement_label(rg: Any) -> Any:
    result = _dataset(rg).compute_agreement_metrics(
        metric_names="alpha", question_name="label", field_name="text"
    )
    return [result.metric_name, result.count, round(result.result, 6)]


def case_agreement_rating(rg: Any) -> Any:
    result = _dataset(rg).compute_agreement_metrics(
        metric_names="alpha", question_name="rating", field_name="text"
    )
    return [result.metric_name, result.count, round(result.result, 6)]


def case_model_metrics_label(rg: Any) -> Any:
    out = _dataset(rg).compute_model_metrics(
        metric_names=["accuracy", "f1-score"], question_name="label"
    )
    return {
        str(user): [[m.metric_name, m.count, round(m.result, 6)] for m in found]
        for user, found in sorted(out.items(), key=lambda kv: str(kv[0]))
    }


def case_model_metrics_rating(rg: Any) -> Any:
    out = _dataset(rg).compute_model_metrics(
        metric_names=["accuracy", "spearman-r"], question_name="rating"
    )
    return {
        str(user): [[m.metric_name, round(m.result, 6)] for m in found]
        for user, found in sorted(out.items(), key=lambda kv: str(kv[0]))
    }


def case_unified_model_metric(rg: Any) -> Any:
    result = _dataset(rg).compute_model_metrics(
        metric_names="accuracy", question_name="label", strategy="majority"
    )
    return [result.metric_name, result.count, round(result.result, 6)]


# ----------------------------------------------------------------- training
def _sft(sample: dict[str, Any]) -> Any:
    labels = [_value(a) for a in sample["label"] if a["status"] == "submitted"]
    if labels:
        return f"{sample['text']} -> {labels[0]}"
    return None


def case_sft_no_split(rg: Any) -> Any:
    out = _dataset(rg).prepare_for_training(
        framework="trl", task=rg.TrainingTask.for_supervised_fine_tuning(_sft)
    )
    return [type(out).__name__, out.column_names, sorted(out["text"]), sorted(out["id"])]


def case_sft_split_sizes(rg: Any) -> Any:
    out = _dataset(rg).prepare_for_training(
        framework="trl",
        task=rg.TrainingTask.for_supervised_fine_tuning(_sft),
        train_size=0.5,
        seed=42,
    )
    return [type(out).__name__, sorted(out), len(out["train"]), len(out["test"])]


def _pair(sample: dict[str, Any]) -> Any:
    ratings = [_value(a) for a in sample["rating"]]
    if max(ratings) != min(ratings):
        yield f"{sample['text']} rated {max(ratings)}", f"{sample['text']} rated {min(ratings)}"


def case_reward_modeling(rg: Any) -> Any:
    out = _dataset(rg).prepare_for_training(
        framework="trl", task=rg.TrainingTask.for_reward_modeling(_pair)
    )
    return [sorted(out.column_names), sorted(zip(out["chosen"], out["rejected"], strict=True))]


def case_direct_preference_optimization(rg: Any) -> Any:
    def triple(sample: dict[str, Any]) -> Any:
        for chosen, rejected in _pair(sample):
            yield sample["text"], chosen, rejected

    out = _dataset(rg).prepare_for_training(
        framework="trl", task=rg.TrainingTask.for_direct_preference_optimization(triple)
    )
    return [
        sorted(out.column_names),
        sorted(zip(out["prompt"], out["chosen"], out["rejected"], strict=True)),
    ]


def case_proximal_policy_optimization(rg: Any) -> Any:
    out = _dataset(rg).prepare_for_training(
        framework="trl", task=rg.TrainingTask.for_proximal_policy_optimization(lambda s: s["text"])
    )
    return [out.column_names, list(out["query"]), list(out["id"])]


def case_text_classification_defaults(rg: Any) -> Any:
    ds = _dataset(rg)
    task = rg.TrainingTask.for_text_classification(
        text=ds.field_by_name("text"), label=ds.question_by_name("label")
    )
    out = ds.prepare_for_training(framework="transformers", task=task)
    names = out.features["label"].names
    return [out.column_names, names, sorted([r["text"], names[r["label"]]] for r in out)]


def case_text_classification_function(rg: Any) -> Any:
    def func(sample: dict[str, Any]) -> Any:
        return [(sample["text"], _value(a)) for a in sample["label"]]

    out = _dataset(rg).prepare_for_training(
        framework="transformers", task=rg.TrainingTask.for_text_classification(formatting_func=func)
    )
    names = out.features["label"].names
    return [out.column_names, sorted(names), sorted({(r["text"], names[r["label"]]) for r in out})]


def case_text_classification_openai(rg: Any) -> Any:
    ds = _dataset(rg)
    task = rg.TrainingTask.for_text_classification(
        text=ds.field_by_name("text"), label=ds.question_by_name("label")
    )
    return sorted(ds.prepare_for_training(framework="openai", task=task), key=lambda r: r["prompt"])


def case_question_answering(rg: Any) -> Any:
    ds = rg.FeedbackDataset.for_question_answering()
    ds.add_records(
        [
            rg.FeedbackRecord(
                fields={"question": "Who wrote it?", "context": "Ada wrote it in 1843."},
                responses=[
                    {
                        "user_id": USERS[0],
                        "values": {"answer": {"value": "Ada"}},
                        "status": "submitted",
                    }
                ],
            )
        ]
    )
    task = rg.TrainingTask.for_question_answering(
        question=ds.field_by_name("question"),
        context=ds.field_by_name("context"),
        answer=ds.question_by_name("answer"),
    )
    out = ds.prepare_for_training(framework="transformers", task=task)
    return [out.column_names, list(out["answer"]), list(out["id"])]


def case_chat_completion(rg: Any) -> Any:
    def turns(sample: dict[str, Any]) -> Any:
        chat = "chat-" + sample["text"]
        labels = [_value(a) for a in sample["label"]]
        return [(chat, "0", "user", sample["text"]), (chat, "1", "assistant", labels[0])]

    out = _dataset(rg).prepare_for_training(
        framework="openai", task=rg.TrainingTask.for_chat_completion(turns)
    )
    return out


def case_unsupported_framework(rg: Any) -> Any:
    task = rg.TrainingTask.for_supervised_fine_tuning(_sft)
    try:
        _dataset(rg).prepare_for_training(framework="spacy", task=task)
    except Exception:
        return "raised"
    return "returned"


# ---------------------------------------------------------------- templates
TEMPLATE_CALLS = {
    "for_text_classification": {"labels": ["a", "b"]},
    "for_question_answering": {},
    "for_summarization": {},
    "for_translation": {},
    "for_sentence_similarity": {"rating_scale": 5},
    "for_natural_language_inference": {},
    "for_supervised_fine_tuning": {"context": True},
    "for_preference_modeling": {"number_of_responses": 3},
    "for_direct_preference_optimization": {},
    "for_retrieval_augmented_generation": {"number_of_retrievals": 2},
    "for_multi_modal_classification": {"labels": ["a", "b"], "multi_label": True},
    "for_multi_modal_transcription": {},
}


def _options(q: Any) -> Any:
    for name in ("labels", "values"):
        options = getattr(q, name, None)
        if options is not None:
            return list(options)
    return None


def case_templates(rg: Any) -> Any:
    out = {}
    for name, kwargs in TEMPLATE_CALLS.items():
        ds = getattr(rg.FeedbackDataset, name)(**kwargs)
        out[name] = [
            [[f.name, f.required, f.use_markdown] for f in ds.fields],
            [[q.name, type(q).__name__, q.required, _options(q)] for q in ds.questions],
        ]
    return out


def case_template_ppo(rg: Any) -> Any:
    ds = rg.FeedbackDataset.for_proximal_policy_optimization()
    return [[f.name for f in ds.fields], [q.name for q in ds.questions]]


def case_sort_by_metadata(rg: Any) -> Any:
    ds = _dataset(rg)
    out = ds.sort_by([rg.SortBy(field="metadata.n", order="desc")])
    return [r.fields["text"] for r in out.records]


CASES = {
    name.removeprefix("case_"): fn
    for name, fn in sorted(globals().items())
    if name.startswith("case_")
}

# hand-worked values for nb_feedback (the metrics' are computed in test_compat.py)
EXPECTED: dict[str, Any] = {
    "schema": {
        "fields": ["text"],
        "questions": [["label", "LabelQuestion", True], ["rating", "RatingQuestion", False]],
        "metadata": ["group", "n"],
        "guidelines": "Label the text.",
    },
    "by_name": ["text", "RatingQuestion", [1, 2, 3, 4, 5], "n"],
    "records": {
        "len": 6,
        "texts": TEXTS,
        "metadata": [{"group": g, "n": i} for i, g in enumerate(GROUPS)],
        "external_ids": [f"ext-{i}" for i in range(6)],
        "suggestions": [["label", "a"], ["rating", 1]],
    },
    "format_as": {
        "columns": [
            "text",
            "label",
            "label-suggestion",
            "label-suggestion-metadata",
            "rating",
            "rating-suggestion",
            "rating-suggestion-metadata",
            "external_id",
            "metadata",
        ],
        "label": sorted([u, v, "submitted"] for u, v in zip(USERS, LABELS[3], strict=True)),
        "label-suggestion": "a",
        "external_id": "ext-3",
    },
    "filter_by_status": [6, 1, 7, 1],
    "filter_by_metadata": [["r0", "r2", "r4"], ["r2", "r3", "r4"]],
    "labels_order": ["suggestion", "natural"],
    "response_shape": [
        [u, lab, rat, "submitted"] for u, lab, rat in zip(USERS, LABELS[3], RATINGS[3], strict=True)
    ],
    "response_without_user_id": ["hello", "submitted"],
    "edit_questions_and_fields": ["Which label?", "Pick one.", "The text"],
    "record_metadata_edit": ["x", "x", "x", "y", "x", "y"],
    "metadata_property_edits": [
        "source",
        ["source", "n"],
        "source",
        ["n"],
        {"source": "web", "n": 2},
    ],
    "ranking_format_as": [
        {
            "user_id": USERS[0],
            "value": {"rank": [1, 2, 3], "value": ["y", "x", "z"]},
            "status": "submitted",
        }
    ],
    "vectors": [
        ["e", 2],
        [{"e": [1.0, 0.0]}, {"e": [0.6, 0.8]}, {}],
        [{"e": [1.0, 0.0]}, {"e": [0.6000000238418579, 0.800000011920929]}, {"e": None}],
    ],
    "find_similar_records": [["b", 0.8], ["a", 0.0]],
    "allow_extra_metadata": [False, True, "raised", "accepted", [{"n": 1, "source": "web"}], 0],
    "terms_metadata_list": ["accepted", "raised", [{"tags": ["a", "c"]}]],
    "unify_label_majority": [["a"], ["b"], ["c"], ["a"], ["b"], ["c"]],
    "unify_rating_majority": [[4], [2], [1], [5], [3], [2]],
    "unify_rating_max_min": [
        ["5"],
        ["2"],
        ["3"],
        ["5"],
        ["3"],
        ["4"],
        ["4"],
        ["2"],
        ["1"],
        ["4"],
        ["1"],
        ["2"],
    ],
    # means 4.33, 2, 1.67, 4.67, 2.33, 2.67: the nearest scale values
    "unify_rating_mean": [[4], [2], [2], [5], [2], [3]],
    "unified_model_metric": ["accuracy", 6, round(4 / 6, 6)],  # r2 and r4 differ
    "sft_no_split": [
        "Dataset",
        ["id", "text"],
        sorted(f"{t} -> {LABELS[i][0]}" for i, t in enumerate(TEXTS)),
        [0, 1, 2, 3, 4, 5],
    ],
    "sft_split_sizes": ["DatasetDict", ["test", "train"], 3, 3],
    "reward_modeling": [
        ["chosen", "rejected"],
        sorted(
            (f"{t} rated {max(RATINGS[i])}", f"{t} rated {min(RATINGS[i])}")
            for i, t in enumerate(TEXTS)
            if i != 1
        ),
    ],
    "direct_preference_optimization": [
        ["chosen", "prompt", "rejected"],
        sorted(
            (t, f"{t} rated {max(RATINGS[i])}", f"{t} rated {min(RATINGS[i])}")
            for i, t in enumerate(TEXTS)
            if i != 1
        ),
    ],
    "proximal_policy_optimization": [["id", "query"], TEXTS, [0, 1, 2, 3, 4, 5]],
    "text_classification_defaults": [
        ["id", "text", "label"],
        ["a", "b", "c"],
        [[t, lab] for t, lab in zip(TEXTS, ["a", "b", "c", "a", "b", "c"], strict=True)],
    ],
    "text_classification_function": [
        ["id", "text", "label"],
        ["a", "b", "c"],
        sorted({(t, lab) for i, t in enumerate(TEXTS) for lab in LABELS[i]}),
    ],
    "text_classification_openai": [
        {"prompt": f"{t}\n\n###\n\n", "completion": " " + str("abc".index(lab))}
        for t, lab in zip(TEXTS, ["a", "b", "c", "a", "b", "c"], strict=True)
    ],
    "question_answering": [
        ["question", "context", "answer", "id"],
        [{"answer_start": [0], "text": ["Ada"]}],
        [0],
    ],
    "unsupported_framework": "raised",
    "chat_completion": [
        {
            "messages": [
                {"role": "user", "content": t},
                {"role": "assistant", "content": LABELS[i][0]},
            ]
        }
        for i, t in enumerate(TEXTS)
    ],
    "template_ppo": [["prompt"], ["prompt-rating"]],
    "sort_by_metadata": ["r5", "r4", "r3", "r2", "r1", "r0"],
}

# Where Argilla v1 gives something else on purpose (docs/coming-from-argilla.md says why).
DIFFERS = {
    "filter_by_status": "v1's local filter_by warns and returns every record",
    "filter_by_metadata": "v1's local filter_by warns and returns every record",
    "unify_rating_mean": "v1 truncates the mean (4.67 -> 4) and returns it as a string",
    "template_ppo": "v1 names the rating question 'prompt', like the field it hides in format_as",
    "sort_by_metadata": "v1's local sort_by warns and returns the records unsorted",
    "find_similar_records": "v1's local find_similar_records warns and returns no record",
}
