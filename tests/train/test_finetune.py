"""A real fine-tune on CPU: answers written through the public API, split by to_sft, trained by TRL.

The model is a randomly initialised two-layer Llama built from a config and the tokenizer a
byte-level BPE trained on the spot, so nothing is downloaded. Run with the [train] extra:

    pytest -m train tests/train
"""

from __future__ import annotations

import os

for _key, _value in {
    "HF_HUB_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}.items():
    os.environ.setdefault(_key, _value)

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

import nb_feedback as rg  # noqa: E402

pytestmark = pytest.mark.train

trl = pytest.importorskip("trl")
torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
tokenizers = pytest.importorskip("tokenizers")
datasets = pytest.importorskip("datasets")

SPECIALS = ["<|endoftext|>", "<|pad|>", "<|im_start|>", "<|im_end|>"]
CHATML = (
    "{% for message in messages %}"
    "{% if message['role'] == 'assistant' %}"
    "<|im_start|>assistant\n{% generation %}{{ message['content'] }}<|im_end|>{% endgeneration %}"
    "{{ '\\n' }}"
    "{% else %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n{% endif %}"
    "{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def answered_dataset() -> rg.FeedbackDataset:
    """~180 records with demonstrations from two labelers, a few drafts and near-duplicates."""
    ds = rg.FeedbackDataset(
        fields=[rg.TextField(name="prompt")],
        questions=[rg.TextQuestion(name="demonstration")],
        metadata_properties=[rg.TermsMetadataProperty(name="kind")],
    )
    pairs = []
    for k in range(1, 61):
        pairs.append(("double", f"What is double {k}?", f"Double {k} is {2 * k}."))
    for a in range(2, 22):
        for b in (3, 5, 7):
            pairs.append(("plus", f"What is {a} plus {b}?", f"{a} plus {b} equals {a + b}."))
    words = [
        "apple",
        "river",
        "garden",
        "window",
        "planet",
        "silver",
        "rocket",
        "pencil",
        "forest",
        "castle",
        "bridge",
        "candle",
        "dragon",
        "winter",
        "yellow",
        "butter",
    ]
    for w in words:
        pairs.append(("reverse", f"Spell '{w}' backwards.", f"'{w}' backwards is '{w[::-1]}'."))
    records = [{"prompt": p, "metadata": {"kind": kind}} for kind, p, _ in pairs]
    records += [{"prompt": "  " + p.upper(), "metadata": {"kind": k}} for k, p, _ in pairs[:6]]
    ds.add_records(records)
    answers = [a for _, _, a in pairs] + [a for _, _, a in pairs[:6]]
    for i, (record, answer) in enumerate(zip(ds, answers, strict=True)):
        user = "labeler-1" if i % 3 else "labeler-2"
        status = "draft" if i % 37 == 5 else "submitted"
        ds.add_response(record.id, {"demonstration": answer}, user=user, status=status)
    return ds


def build_tokenizer(texts: list[str]) -> transformers.PreTrainedTokenizerFast:
    tok = tokenizers.Tokenizer(tokenizers.models.BPE(unk_token=None))
    tok.pre_tokenizer = tokenizers.pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = tokenizers.decoders.ByteLevel()
    trainer = tokenizers.trainers.BpeTrainer(
        vocab_size=512,
        special_tokens=SPECIALS,
        initial_alphabet=tokenizers.pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(texts, trainer=trainer)
    out = transformers.PreTrainedTokenizerFast(
        tokenizer_object=tok, eos_token="<|endoftext|>", pad_token="<|pad|>", model_max_length=128
    )
    out.chat_template = CHATML
    return out


def build_model(tok: transformers.PreTrainedTokenizerFast) -> transformers.LlamaForCausalLM:
    torch.manual_seed(0)
    config = transformers.LlamaConfig(
        vocab_size=len(tok),
        hidden_size=64,
        intermediate_size=256,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=4,
        max_position_embeddings=128,
        tie_word_embeddings=True,
        bos_token_id=None,
        eos_token_id=tok.eos_token_id,
        pad_token_id=tok.pad_token_id,
    )
    return transformers.LlamaForCausalLM(config)


def sft_config(out: Path, **extra) -> trl.SFTConfig:
    checkpointing = (
        {"activation_checkpointing": False}
        if "activation_checkpointing" in trl.SFTConfig.__dataclass_fields__
        else {"gradient_checkpointing": False}
    )
    return trl.SFTConfig(
        output_dir=str(out),
        max_steps=40,
        per_device_train_batch_size=16,
        per_device_eval_batch_size=64,
        learning_rate=3e-3,
        lr_scheduler_type="cosine",
        warmup_steps=4,
        logging_steps=10,
        eval_strategy="no",
        save_strategy="no",
        report_to="none",
        use_cpu=True,
        bf16=False,
        fp16=False,
        max_length=128,
        seed=0,
        data_seed=0,
        dataloader_num_workers=0,
        dataloader_pin_memory=False,
        disable_tqdm=True,
        **checkpointing,
        **extra,
    )


@pytest.fixture(scope="module")
def answered() -> rg.FeedbackDataset:
    torch.set_num_threads(1)
    datasets.disable_progress_bars()
    transformers.logging.set_verbosity_error()
    return answered_dataset()


def texts_of(split) -> list[str]:
    if "messages" in split.column_names:
        return [m["content"] for row in split["messages"] for m in row]
    return list(split["prompt"]) + list(split["completion"])


@pytest.mark.parametrize("fmt", ["prompt_completion", "messages"])
def test_finetune_lowers_eval_loss(answered: rg.FeedbackDataset, fmt: str, tmp_path) -> None:
    splits = answered.to_sft(
        format=fmt, test_size=0.2, seed=0, stratify_by="kind", include=("record_id",)
    )
    assert splits.num_rows["test"] >= 20
    tok = build_tokenizer(texts_of(splits["train"]))
    trainer = trl.SFTTrainer(
        model=build_model(tok),
        args=sft_config(tmp_path / "run", assistant_only_loss=(fmt == "messages")),
        train_dataset=splits["train"],
        eval_dataset=splits["test"],
        processing_class=tok,
    )

    # The loss covers the completion (the assistant turn) only, and all of it.
    example = trainer.train_dataset[0]
    labels = example["labels"]
    learned = tok.decode([t for t in labels if t != -100])
    if fmt == "prompt_completion":
        source = splits["train"][0]
        n_prompt = len(tok(source["prompt"])["input_ids"])
        assert labels[:n_prompt] == [-100] * n_prompt
        assert learned == source["completion"] + tok.eos_token
    else:
        source = splits["train"][0]["messages"]
        assert learned == source[-1]["content"] + "<|im_end|>"
    assert -100 in labels

    before = trainer.evaluate()["eval_loss"]
    trainer.train()
    after = trainer.evaluate()["eval_loss"]
    print(f"{fmt}: eval loss {before:.3f} -> {after:.3f}")
    assert after < before - 1.0
