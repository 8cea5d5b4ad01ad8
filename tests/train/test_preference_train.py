"""Real DPO and reward-model training on CPU from ``to_preference`` splits.

Rankings are answered through the public API; the models are tiny Llamas built from a config
(see ``test_finetune``), so nothing is downloaded. DPO gets an explicit ``ref_model``: a model
built from a config has no name TRL could reload a reference copy from. Run with:

    pytest -m train tests/train
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from test_finetune import build_model, build_tokenizer, datasets, torch, transformers, trl

import nb_feedback as rg

pytestmark = pytest.mark.train

WORDS = [
    "apple", "river", "garden", "window", "planet", "silver", "rocket", "pencil",
    "forest", "castle", "bridge", "candle", "dragon", "winter", "yellow", "butter",
]  # fmt: skip


def ranked_dataset() -> rg.FeedbackDataset:
    """~150 prompts with two candidate replies each, ranked by two labelers (some ties, drafts)."""
    ds = rg.FeedbackDataset(
        fields=[
            rg.TextField(name="prompt"),
            rg.TextField(name="reply-a"),
            rg.TextField(name="reply-b"),
        ],
        questions=[rg.RankingQuestion(name="better", values=["reply-a", "reply-b"], ties=True)],
    )
    rows = []
    for k in range(1, 81):
        rows.append((f"What is double {k}?", f"Double {k} is {2 * k}.", f"{k} {k} {k} {k} no."))
    for w in WORDS:
        for n in (2, 3, 4):
            rows.append(
                (f"Repeat '{w}' {n} times.", " ".join([w] * n) + ".", f"{w[::-1]} ?? {w[:2]}")
            )
    records = []
    for i, (prompt, good, bad) in enumerate(rows):
        # the good reply is on either side, so the position says nothing
        a, b = (good, bad) if i % 2 else (bad, good)
        records.append({"prompt": prompt, "reply-a": a, "reply-b": b})
    ds.add_records(records)
    for i, record in enumerate(ds):
        good = "reply-a" if i % 2 else "reply-b"
        bad = "reply-b" if i % 2 else "reply-a"
        ranking = [{"value": good, "rank": 1}, {"value": bad, "rank": 1 if i % 29 == 3 else 2}]
        status = "draft" if i % 31 == 7 else "submitted"
        user = "labeler-1" if i % 3 else "labeler-2"
        ds.add_response(record.id, {"better": ranking}, user=user, status=status)
    return ds


@pytest.fixture(scope="module")
def splits() -> datasets.DatasetDict:
    torch.set_num_threads(1)
    datasets.disable_progress_bars()
    transformers.logging.set_verbosity_error()
    ds = ranked_dataset()
    out = ds.to_preference(test_size=0.2, seed=0)
    # one pair per submitted ranking that is not a tie
    kept = [i for i in range(len(ds)) if i % 29 != 3 and i % 31 != 7]
    assert out.num_rows["train"] + out.num_rows["test"] == len(kept)
    assert out.num_rows["test"] >= 20
    return out


def tokenizer_for(split: datasets.Dataset) -> transformers.PreTrainedTokenizerFast:
    return build_tokenizer(list(split["prompt"]) + list(split["chosen"]) + list(split["rejected"]))


def common(out: Path, config: type, **extra: object) -> dict[str, object]:
    checkpointing = (
        {"activation_checkpointing": False}
        if "activation_checkpointing" in config.__dataclass_fields__
        else {"gradient_checkpointing": False}
    )
    return dict(
        output_dir=str(out),
        per_device_train_batch_size=16,
        per_device_eval_batch_size=32,
        lr_scheduler_type="cosine",
        warmup_steps=2,
        logging_steps=10,
        eval_strategy="no",
        save_strategy="no",
        report_to="none",
        use_cpu=True,
        bf16=False,
        fp16=False,
        max_length=64,
        seed=0,
        data_seed=0,
        dataloader_num_workers=0,
        dataloader_pin_memory=False,
        disable_tqdm=True,
        **checkpointing,
        **extra,
    )


def test_dpo_lowers_eval_loss(splits: datasets.DatasetDict, tmp_path: Path) -> None:
    tok = tokenizer_for(splits["train"])
    model = build_model(tok)
    reference = copy.deepcopy(model)  # the frozen policy DPO measures against
    args = trl.DPOConfig(
        **common(tmp_path / "dpo", trl.DPOConfig, max_steps=30, learning_rate=2e-3, beta=0.1)
    )
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
    print(f"dpo: eval loss {before['eval_loss']:.3f} -> {after['eval_loss']:.3f}")
    # the policy starts as the reference: every margin is 0 and the loss log(2)
    assert before["eval_loss"] == pytest.approx(0.6931, abs=1e-3)
    assert after["eval_loss"] < before["eval_loss"] - 0.2
    assert after["eval_rewards/accuracies"] > 0.9  # held-out prompts: chosen above rejected


def test_reward_model_lowers_eval_loss(splits: datasets.DatasetDict, tmp_path: Path) -> None:
    tok = tokenizer_for(splits["train"])
    torch.manual_seed(0)
    config = transformers.LlamaConfig(
        vocab_size=len(tok),
        hidden_size=64,
        intermediate_size=256,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=4,
        max_position_embeddings=128,
        num_labels=1,
        pad_token_id=tok.pad_token_id,
        eos_token_id=tok.eos_token_id,
        bos_token_id=None,
    )
    model = transformers.LlamaForSequenceClassification(config)
    args = trl.RewardConfig(
        **common(tmp_path / "reward", trl.RewardConfig, max_steps=30, learning_rate=2e-3)
    )
    trainer = trl.RewardTrainer(
        model=model,
        args=args,
        train_dataset=splits["train"],
        eval_dataset=splits["test"],
        processing_class=tok,
    )
    before = trainer.evaluate()
    trainer.train()
    after = trainer.evaluate()
    print(
        f"reward: eval loss {before['eval_loss']:.3f} -> {after['eval_loss']:.3f}, "
        f"accuracy {before.get('eval_accuracy')} -> {after.get('eval_accuracy')}"
    )
    assert after["eval_loss"] < before["eval_loss"] - 0.2
    assert after["eval_accuracy"] > 0.9


def test_suggest_takes_a_transformers_pipeline(tmp_path: Path) -> None:
    """A text-generation pipeline (a tiny Llama from a config) drafts through suggest."""
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="prompt")], questions=[rg.TextQuestion(name="answer")]
    )
    prompts = [f"What is double {k}?" for k in range(1, 7)]
    ds.add_records([{"prompt": p} for p in prompts])
    ds.save(tmp_path / "ds")
    tok = build_tokenizer(prompts + [f"Double {k} is {2 * k}." for k in range(1, 7)])
    tok.padding_side = "left"  # decoder-only generation pads on the left
    pipe = transformers.pipeline(
        "text-generation", model=build_model(tok), tokenizer=tok, device="cpu"
    )
    result = ds.suggest(
        lambda texts: pipe(texts, max_new_tokens=4, do_sample=False, batch_size=len(texts)),
        question="answer",
        agent="tiny-llama",
        batch_size=4,
        show_progress=False,
    )
    assert (result.added, result.failed) == (6, [])
    again = rg.FeedbackDataset.from_disk(tmp_path / "ds", show_progress=False)
    for record, prompt in zip(again, prompts, strict=True):
        (s,) = record.suggestions
        # the pipeline returns the prompt followed by what the model generated
        assert s.agent == "tiny-llama" and s.value.startswith(prompt) and len(s.value) > len(prompt)
