"""Every TrainingTask.for_* of Argilla v1, by value: columns, rows, labels and errors."""

import datasets
import pytest

import nb_feedback as rg
from nb_feedback.base.errors import ExportError


def _ds(fields, questions, rows, answers=()):
    ds = rg.FeedbackDataset(fields=[rg.TextField(name=f) for f in fields], questions=questions)
    ds.add_records([dict(zip(fields, r, strict=True)) for r in rows])
    for user, per_record in answers:
        for record, value in zip(ds, per_record, strict=True):
            if value is not None:
                ds.add_response(record.id, value, user=user)
    return ds


def _pairs():
    q = rg.RankingQuestion(name="rank", values=["a", "b"])
    rows = [("p1", "A1", "B1"), ("p2", "A2", "B2"), ("p3", "A3", "B3")]
    ranks = [
        [{"value": "a", "rank": 1}, {"value": "b", "rank": 2}],
        [{"value": "a", "rank": 2}, {"value": "b", "rank": 1}],
        None,
    ]
    return _ds(
        ["prompt", "a", "b"],
        [q],
        rows,
        [("u1", [None if r is None else {"rank": r} for r in ranks])],
    )


def _best(sample):
    for answer in sample["rank"]:
        value = answer["value"]
        if isinstance(value, dict):  # v1's layout: {"rank": [...], "value": [...]}
            ranks = dict(zip(value["value"], value["rank"], strict=True))
        else:
            ranks = {item["value"]: item["rank"] for item in value}
        if ranks["a"] < ranks["b"]:
            yield sample["prompt"], sample["a"], sample["b"]
        else:
            yield sample["prompt"], sample["b"], sample["a"]


def test_reward_modeling_and_dpo_columns():
    ds = _pairs()
    rm = ds.prepare_for_training(
        "trl", rg.TrainingTask.for_reward_modeling(lambda s: [t[1:] for t in _best(s)])
    )
    assert isinstance(rm, datasets.Dataset)
    assert rm.column_names == ["chosen", "rejected"]
    assert rm.to_list() == [{"chosen": "A1", "rejected": "B1"}, {"chosen": "B2", "rejected": "A2"}]
    dpo = ds.prepare_for_training("trl", rg.TrainingTask.for_direct_preference_optimization(_best))
    assert dpo.column_names == ["prompt", "chosen", "rejected"]
    assert dpo["prompt"] == ["p1", "p2"] and dpo["chosen"] == ["A1", "B2"]


def test_ppo_queries_and_split_by_prompt():
    ds = _ds(["prompt"], [rg.TextQuestion(name="r")], [(f"p{i % 5}",) for i in range(10)])
    out = ds.prepare_for_training(
        "trl", rg.TrainingTask.for_proximal_policy_optimization(lambda s: s["prompt"])
    )
    assert out.column_names == ["id", "query"] and out["id"] == list(range(10))
    split = ds.prepare_for_training(
        "trl",
        rg.TrainingTask.for_proximal_policy_optimization(lambda s: s["prompt"]),
        train_size=0.6,
        seed=3,
    )
    assert len(split["train"]) + len(split["test"]) == 10
    assert not set(split["train"]["query"]) & set(split["test"]["query"])  # equal prompts together
    assert len(set(split["test"]["query"])) == 2  # 40% of 5 prompts


def test_text_classification_defaults_unify_and_label_by_class():
    q = rg.LabelQuestion(name="label", labels=["neg", "pos"])
    ds = _ds(
        ["text"],
        [q],
        [("good",), ("bad",), ("meh",)],
        [
            ("u1", [{"label": "pos"}, {"label": "neg"}, None]),
            ("u2", [{"label": "pos"}, {"label": "pos"}, None]),
            ("u3", [{"label": "neg"}, {"label": "neg"}, None]),
        ],
    )
    task = rg.TrainingTask.for_text_classification(
        text=ds.field_by_name("text"), label=ds.question_by_name("label")
    )
    out = ds.prepare_for_training("transformers", task)
    assert out.column_names == ["id", "text", "label"]
    assert out.features["label"].names == ["neg", "pos"]
    assert [(r["text"], out.features["label"].int2str(r["label"])) for r in out] == [
        ("good", "pos"),
        ("bad", "neg"),
    ]
    dis = ds.prepare_for_training(
        "setfit",
        rg.TrainingTask.for_text_classification(
            text="text", label="label", label_strategy="disagreement"
        ),
    )
    assert sorted((r["text"], r["label"]) for r in dis) == [
        ("bad", 0),
        ("bad", 1),
        ("good", 0),
        ("good", 1),
    ]
    with pytest.raises(
        ExportError, match=r"framework .spacy. is not supported .*\(Argilla v1 also had"
    ):
        ds.prepare_for_training("spacy", task)


def test_text_classification_multi_label_and_rating_and_formatting_func():
    ml = rg.MultiLabelQuestion(name="tags", labels=["x", "y", "z"])
    ds = _ds(["text"], [ml], [("t1",), ("t2",)], [("u1", [{"tags": ["z", "x"]}, {"tags": ["y"]}])])
    out = ds.prepare_for_training(
        "transformers", rg.TrainingTask.for_text_classification(text="text", label="tags")
    )
    assert out["label"] == [[0, 2], [1]]
    assert out["binarized_label"] == [[1, 0, 1], [0, 1, 0]]
    rating = rg.RatingQuestion(name="r", values=[1, 2, 3])
    ds = _ds(["text"], [rating], [("t1",)], [("u1", [{"r": 1}]), ("u2", [{"r": 2}])])
    out = ds.prepare_for_training(
        "transformers", rg.TrainingTask.for_text_classification(text="text", label="r")
    )
    assert out.features["label"].names == ["1", "2", "3"]
    assert out.features["label"].int2str(out[0]["label"]) == "2"  # mean 1.5 rounds up to 2
    fn = rg.TrainingTask.for_text_classification(
        formatting_func=lambda s: (s["text"], "b" if s["text"] == "t1" else "a")
    )
    out = ds.prepare_for_training("transformers", fn)
    assert out.features["label"].names == ["b"] and out["label"] == [0]


def test_question_answering_defaults_and_function():
    ds = _ds(
        ["question", "context"],
        [rg.TextQuestion(name="answer")],
        [("Who?", "Ada wrote it."), ("When?", "In 1843.")],
        [("u1", [{"answer": "Ada"}, {"answer": "1843"}]), ("u2", [{"answer": "Bob"}, None])],
    )
    task = rg.TrainingTask.for_question_answering(
        question="question", context="context", answer="answer"
    )
    with pytest.warns(UserWarning, match="not in its context"):
        out = ds.prepare_for_training("transformers", task)
    assert out.column_names == ["question", "context", "answer", "id"]
    assert out["answer"] == [
        {"text": ["Ada"], "answer_start": [0]},
        {"text": ["1843"], "answer_start": [3]},
    ]
    assert out["id"] == [0, 1]


def test_chat_completion_openai_chats():
    ds = _ds(
        ["prompt"],
        [rg.TextQuestion(name="reply")],
        [("hi",), ("bye",)],
        [("u1", [{"reply": "hello"}, None])],
    )

    def turns(sample):
        for answer in sample["reply"]:
            yield [
                ("c-" + sample["prompt"], "0", "user", sample["prompt"]),
                ("c-" + sample["prompt"], "1", "assistant", answer["value"]),
            ]

    out = ds.prepare_for_training(
        "openai", rg.TrainingTask.for_chat_completion(lambda s: [t for x in turns(s) for t in x])
    )
    assert out == [
        {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}
    ]


def test_sentence_similarity_pairs_with_rating_label():
    q = rg.RatingQuestion(name="similarity", values=[1, 2, 3, 4, 5])
    ds = _ds(
        ["sentence-1", "sentence-2"],
        [q],
        [("a", "b"), ("c", "d")],
        [("u1", [{"similarity": 4}, None])],
    )
    task = rg.TrainingTask.for_sentence_similarity(
        texts=["sentence-1", "sentence-2"], label="similarity"
    )
    out = ds.prepare_for_training("sentence-transformers", task)
    assert out.to_list() == [{"sentence-1": "a", "sentence-2": "b", "label": 4}]
    bad = rg.TrainingTask.for_sentence_similarity(
        formatting_func=lambda s: {"sentence-1": s["sentence-1"]}
    )
    with pytest.raises(ExportError, match="sentence-2"):
        ds.prepare_for_training("sentence-transformers", bad)


def test_factory_argument_errors():
    with pytest.raises(ExportError, match="not both"):
        rg.TrainingTask.for_text_classification(formatting_func=len, text="t", label="l")
    with pytest.raises(ExportError, match="give question and context"):
        rg.TrainingTask.for_question_answering(question="q")
    with pytest.raises(ExportError, match="must be callable"):
        rg.TrainingTask.for_reward_modeling("nope")
