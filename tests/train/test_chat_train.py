"""Chat data trains for real on CPU: demonstrations of the next assistant message through
``SFTTrainer(assistant_only_loss=True)``, and corrected turns through ``DPOTrainer``.

Conversations are answered through the public API (a demonstration per conversation, a
correction and a rating per assistant turn); the model is a tiny Llama from a config and the
tokenizer a BPE trained on the spot with a ChatML template (see ``test_finetune``), so nothing
is downloaded. Run with ``pytest -m train tests/train``.
"""

from __future__ import annotations

import copy
import math
from pathlib import Path

import pytest
from test_finetune import (
    build_model,
    build_tokenizer,
    datasets,
    sft_config,
    torch,
    transformers,
    trl,
)
from test_preference_train import common

import nb_feedback as rg

pytestmark = pytest.mark.train

is_conversational = pytest.importorskip("trl.data_utils").is_conversational


def chat_dataset() -> rg.FeedbackDataset:
    """120 conversations: a question, the assistant's answer (wrong in every other one), a
    follow-up; labelers write the next message, correct the wrong turns and rate every turn."""
    ds = rg.FeedbackDataset(
        fields=[rg.ChatField(name="chat")],
        questions=[
            rg.TextQuestion(name="reply"),
            rg.RatingQuestion(
                name="turn_rating", values=[1, 2, 3], required=False, turns_of="chat"
            ),
            rg.TextQuestion(name="turn_fix", required=False, turns_of="chat"),
        ],
    )
    rows = []
    for k in range(1, 121):
        right = f"Double {k} is {2 * k}."
        shown = right if k % 2 else f"{k} {k} {k} no."
        chat = [
            {"role": "user", "content": f"What is double {k}?"},
            {"role": "assistant", "content": shown},
            {"role": "user", "content": f"And triple {k}?"},
        ]
        rows.append((chat, right, f"Triple {k} is {3 * k}."))
    ds.add_records([{"chat": chat} for chat, _, _ in rows])
    for i, (record, (chat, right, next_message)) in enumerate(zip(ds, rows, strict=True)):
        values: dict[str, object] = {"reply": next_message}
        if chat[1]["content"] != right:
            values["turn_fix"] = {"1": right}
            values["turn_rating"] = {"1": 1}
        else:
            values["turn_rating"] = {"1": 3}
        ds.add_response(record.id, values, user="labeler-1" if i % 3 else "labeler-2")
    return ds


@pytest.fixture(scope="module")
def answered() -> rg.FeedbackDataset:
    torch.set_num_threads(1)
    datasets.disable_progress_bars()
    transformers.logging.set_verbosity_error()
    return chat_dataset()


def all_texts(split: datasets.Dataset) -> list[str]:
    return [m["content"] for row in split for column in row.values() for m in column]


def losses(trainer: trl.SFTTrainer | trl.DPOTrainer) -> list[float]:
    return [entry["loss"] for entry in trainer.state.log_history if "loss" in entry]


def test_sft_on_chat_demonstrations_assistant_only(
    answered: rg.FeedbackDataset, tmp_path: Path
) -> None:
    splits = answered.to_sft(
        format="messages", system_prompt="Answer with one sentence.", test_size=0.2
    )
    assert all(is_conversational(row) for row in splits["train"])
    first = splits["train"][0]["messages"]
    print("sft first row:", first)
    assert [m["role"] for m in first] == ["system", "user", "assistant", "user", "assistant"]
    tok = build_tokenizer(all_texts(splits["train"]))
    trainer = trl.SFTTrainer(
        model=build_model(tok),
        args=sft_config(tmp_path / "sft", assistant_only_loss=True),
        train_dataset=splits["train"],
        eval_dataset=splits["test"],
        processing_class=tok,
    )
    # the loss covers the assistant turns only (both of them), each with its end-of-turn token
    example = trainer.train_dataset[0]
    learned = tok.decode([t for t in example["labels"] if t != -100])
    source = splits["train"][0]["messages"]
    assert learned == f"{source[2]['content']}<|im_end|>{source[4]['content']}<|im_end|>"
    before = trainer.evaluate()["eval_loss"]
    trainer.train()
    after = trainer.evaluate()["eval_loss"]
    train = losses(trainer)
    print(
        f"sft (messages, assistant_only_loss): eval loss {before:.3f} -> {after:.3f}; train {train}"
    )
    assert all(math.isfinite(x) for x in [before, after, *train])
    assert train[-1] < train[0]
    assert after < before - 1.0


def test_dpo_on_corrected_turns(answered: rg.FeedbackDataset, tmp_path: Path) -> None:
    splits = answered.to_preference(format="conversational", test_size=0.2)
    rows = [*splits["train"], *splits["test"]]
    assert len(rows) == 60  # one pair per corrected (wrong) turn
    assert all(is_conversational(row) for row in rows)
    print("dpo first row:", splits["train"][0])
    tok = build_tokenizer(all_texts(splits["train"]))
    model = build_model(tok)
    reference = copy.deepcopy(model)  # built from a config: no name TRL could reload it from
    options = common(tmp_path / "dpo", trl.DPOConfig, max_steps=30, learning_rate=2e-3, beta=0.1)
    args = trl.DPOConfig(**{**options, "logging_steps": 5})
    trainer = trl.DPOTrainer(
        model=model,
        ref_model=reference,
        args=args,
        train_dataset=splits["train"],
        eval_dataset=splits["test"],
        processing_class=tok,
    )
    before = trainer.evaluate()
    trainer.train()
    after = trainer.evaluate()
    train = losses(trainer)
    print(
        f"dpo (per-turn pairs): eval loss {before['eval_loss']:.3f} -> {after['eval_loss']:.3f}; train {train}"
    )
    assert all(math.isfinite(x) for x in [before["eval_loss"], after["eval_loss"], *train])
    assert before["eval_loss"] == pytest.approx(0.6931, abs=1e-3)  # policy == reference
    assert after["eval_loss"] < before["eval_loss"] - 0.2
    assert train[-1] < train[0]


def test_kto_rows_of_rated_and_corrected_turns(answered: rg.FeedbackDataset) -> None:
    splits = answered.to_kto(
        question="turn_rating", threshold=2, format="conversational", test_size=0.2
    )
    rows = [*splits["train"], *splits["test"]]
    assert all(is_conversational(row) for row in rows)
    # 60 right turns rated 3 (desirable); 60 wrong turns corrected: the original undesirable,
    # the correction desirable
    assert sorted(row["label"] for row in rows) == [False] * 60 + [True] * 120
