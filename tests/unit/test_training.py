"""TrainingTask.for_supervised_fine_tuning and prepare_for_training (Argilla v1 semantics)."""

from __future__ import annotations

import pytest

import nb_feedback as rg
from nb_feedback.base.errors import ExportError
from nb_feedback.exports._grouping import normalize_prompts

datasets = pytest.importorskip("datasets")
datasets.disable_progress_bars()

TEMPLATE = "### Instruction: {prompt}\n### Response: {response}"


def formatting_func(sample: dict) -> str | None:
    """The guide's formatting function: one text per record with a submitted answer."""
    answers = [a["value"] for a in sample["demonstration"] if a["status"] == "submitted"]
    if not answers:
        return None
    return TEMPLATE.format(prompt=sample["prompt"], response=answers[0])


def dataset(prompts: list[str], answered=lambda i: True) -> rg.FeedbackDataset:
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="prompt")], questions=[rg.TextQuestion(name="demonstration")]
    )
    ds.add_records([{"prompt": p} for p in prompts])
    for i, r in enumerate(ds):
        if answered(i):
            ds.add_response(r.id, {"demonstration": f"answer {i}"}, user="u")
    return ds


def prompt_of(text: str) -> str:
    return text.split("\n")[0].removeprefix("### Instruction: ")


def test_guide_code_runs_and_returns_id_text_splits() -> None:
    ds = dataset([f"p{i}" for i in range(10)], answered=lambda i: i != 3)
    task = rg.TrainingTask.for_supervised_fine_tuning(formatting_func=formatting_func)
    out = ds.prepare_for_training(framework="trl", task=task, train_size=0.8, seed=42)
    assert isinstance(out, datasets.DatasetDict)
    assert out.num_rows == {"train": 7, "test": 2}
    for split in out.values():
        assert split.features == datasets.Features(
            {"id": datasets.Value("int32"), "text": datasets.Value("string")}
        )
    texts = sorted(list(out["train"]["text"]) + list(out["test"]["text"]))
    assert texts == sorted(
        TEMPLATE.format(prompt=f"p{i}", response=f"answer {i}") for i in range(10) if i != 3
    )
    assert sorted(list(out["train"]["id"]) + list(out["test"]["id"])) == list(range(9))


@pytest.mark.parametrize(
    ("returns", "n_texts"),
    [
        (lambda s: None, 0),
        (lambda s: "one", 4),
        (lambda s: ["a", "b"], 8),
        (lambda s: ["a", None, ""], 4),
        (lambda s: (t for t in ["x", "y", "z"]), 12),
        (lambda s: [], 0),
    ],
)
def test_formatting_func_may_return_none_text_or_texts(returns, n_texts) -> None:
    ds = dataset(["a", "b", "c", "d"])
    task = rg.TrainingTask.for_supervised_fine_tuning(returns)
    if not n_texts:
        with pytest.raises(ExportError, match="returned no text for any of 4 records"):
            ds.prepare_for_training(framework="trl", task=task, train_size=1)
        return
    out = ds.prepare_for_training(framework="trl", task=task, train_size=1)
    assert isinstance(out, datasets.Dataset)
    assert len(out) == n_texts
    assert list(out["id"]) == list(range(n_texts))


def test_split_is_grouped_by_prompt_and_seeded_by_default() -> None:
    prompts = [f"Prompt {i}" for i in range(30)] + [f"  PROMPT {i} " for i in range(0, 30, 3)]
    ds = dataset(prompts)

    def several(sample):
        return [f"{sample['prompt']}|{k}" for k in range(3)]

    task = rg.TrainingTask.for_supervised_fine_tuning(several)
    first = ds.prepare_for_training(framework="trl", task=task, train_size=0.8)
    again = ds.prepare_for_training(framework="trl", task=task, train_size=0.8, seed=None)
    assert list(first["test"]["text"]) == list(again["test"]["text"])
    keys = {
        name: set(normalize_prompts([t.split("|")[0] for t in split["text"]]).to_pylist())
        for name, split in first.items()
    }
    assert not keys["train"] & keys["test"]
    assert len(keys["test"]) == 6  # 20% of 30 distinct prompts
    other = ds.prepare_for_training(framework="trl", task=task, train_size=0.8, seed=1)
    assert set(other["test"]["text"]) != set(first["test"]["text"])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"framework": "transformers"},
            r"framework 'transformers' is not supported for "
            r"TrainingTask.for_supervised_fine_tuning; supported: \('trl',\)",
        ),
        ({"task": "sft"}, r"task must come from a TrainingTask.for_\* method"),
        ({"train_size": 0.8, "test_size": 0.3}, "must be >= 0 and add up to 1"),
        ({"train_size": 1.2}, "must be >= 0 and add up to 1"),
        ({"train_size": 0.5, "seed": "s"}, "seed must be an integer"),
    ],
)
def test_errors(kwargs, message) -> None:
    ds = dataset(["a", "b", "c"])
    args = {
        "framework": "trl",
        "task": rg.TrainingTask.for_supervised_fine_tuning(formatting_func),
        **kwargs,
    }
    with pytest.raises(ExportError, match=message):
        ds.prepare_for_training(**args)


def test_formatting_func_returning_other_types_is_an_error() -> None:
    ds = dataset(["a", "b"])
    task = rg.TrainingTask.for_supervised_fine_tuning(lambda s: 42)
    with pytest.raises(ExportError, match="formatting_func returned int"):
        ds.prepare_for_training(framework="trl", task=task)
    task = rg.TrainingTask.for_supervised_fine_tuning(lambda s: ["ok", 3])
    with pytest.raises(ExportError, match="list holding 3"):
        ds.prepare_for_training(framework="trl", task=task)


def test_non_callable_formatting_func_is_rejected() -> None:
    with pytest.raises(ExportError, match="formatting_func must be callable"):
        rg.TrainingTask.for_supervised_fine_tuning("not a function")


def test_too_few_prompts_to_split() -> None:
    ds = dataset(["only one", "ONLY  one"])
    task = rg.TrainingTask.for_supervised_fine_tuning(formatting_func)
    with pytest.raises(ExportError, match="too few rows to split: 1 distinct prompt"):
        ds.prepare_for_training(framework="trl", task=task, train_size=0.8)
