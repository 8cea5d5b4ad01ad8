"""A dataset's whole life against a plain Python model, step by step (hypothesis state machine).

Each rule changes the dataset the way a user does (add records in every accepted form, answer
through the widget's message handler, ``add_response`` and ``add_responses``, edit and delete
records, undo, save, close and reopen in this process and in a fresh one, open the folder a
second time), applies the same change to a few dicts, and every reader is then checked against
those dicts: ``len``, iteration, ``to_pandas``, ``filter_by``, ``format_as("datasets")`` and
``to_sft``. Texts are drawn with the characters that broke exports before (newlines, quotes,
backslashes, U+2028, emoji, right-to-left text, combining marks, edge spaces).

CI runs a bounded profile; ``NBF_LIFECYCLE_EXAMPLES=500`` runs a longer one locally.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

import datasets
import pandas as pd
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    multiple,
    precondition,
    rule,
)

import nb_feedback as rg
from nb_feedback.base.errors import ExportError
from nb_feedback.exports._grouping import normalize_prompts

USERS = ("ann", "bob")
TRICKY = [
    "\n", "\r\n", "\t", '"', "\\", "\u2028", "\u2029", "😀", "שלום", "مرحبا", "e\u0301",
    " ", "\x00", "{", "}", "\\n", "</script>",
]  # fmt: skip
texts = st.lists(
    st.one_of(st.sampled_from(TRICKY), st.text(min_size=1, max_size=6)), min_size=1, max_size=5
).map("".join)
# a submitted text answer must hold something besides whitespace
answers = texts.filter(lambda t: t.strip() != "")


def _dataset() -> rg.FeedbackDataset:
    return rg.FeedbackDataset(
        fields=[rg.TextField(name="prompt")],
        questions=[
            rg.TextQuestion(name="demonstration"),
            rg.RatingQuestion(name="quality", values=[1, 2, 3], required=False),
        ],
        metadata_properties=[rg.TermsMetadataProperty(name="source")],
    )


def _reopen_elsewhere(folder: Path) -> list[dict[str, Any]]:
    """Open ``folder`` in a fresh Python process and return what it reads, as plain data."""
    code = (
        "import json, sys, nb_feedback as rg\n"
        "ds = rg.FeedbackDataset.from_disk(sys.argv[1])\n"
        "out = [{'id': r.id, 'prompt': r.fields['prompt'], 'metadata': r.metadata,"
        " 'responses': sorted([x.user, x.plain_values(), x.status] for x in r.responses)} for r in ds]\n"
        "sys.stdout.write(json.dumps(out))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(folder)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


class Lifecycle(RuleBasedStateMachine):
    """The dataset under test, and the plain model it must agree with."""

    records = Bundle("records")

    def __init__(self) -> None:
        super().__init__()
        self.ds = _dataset()
        self.tmp = Path(tempfile.mkdtemp(prefix="nbf-life-"))
        self.folder: Path | None = None
        # the model: record id -> prompt and metadata, in order; (id, user) -> values, status
        self.prompts: dict[str, str] = {}
        self.metadata: dict[str, dict[str, Any]] = {}
        self.answers: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}
        self.widgets: dict[str, Any] = {}
        self.undo: dict[str, list[tuple[str, tuple[dict[str, Any], str] | None]]] = {}

    def teardown(self) -> None:
        for w in self.widgets.values():
            w.close()
        self.ds.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    # ------------------------------------------------------------------ changes
    def _added(self, prompts: list[str], sources: list[str | None]) -> list[str]:
        new = [r.id for r in self.ds][len(self.prompts) :]
        assert len(new) == len(prompts)
        for record_id, prompt, source in zip(new, prompts, sources, strict=True):
            self.prompts[record_id] = prompt
            self.metadata[record_id] = {} if source is None else {"source": source}
        return new

    @rule(
        target=records,
        prompts=st.lists(answers, min_size=1, max_size=4),
        form=st.sampled_from(["dicts", "records", "frame", "hf"]),
        source=st.sampled_from([None, "a", "b"]),
    )
    def add(self, prompts: list[str], form: str, source: str | None) -> Any:
        meta = {} if source is None else {"source": source}
        if form == "dicts":
            self.ds.add_records([{"fields": {"prompt": p}, "metadata": meta} for p in prompts])
        elif form == "records":
            self.ds.add_records(
                [rg.FeedbackRecord(fields={"prompt": p}, metadata=meta) for p in prompts]
            )
        elif form == "frame":
            frame = pd.DataFrame({"prompt": prompts})
            if source is not None:
                frame["source"] = source
            self.ds.add_records(frame)
        else:
            columns: dict[str, list[Any]] = {"prompt": prompts}
            if source is not None:
                columns["source"] = [source] * len(prompts)
            self.ds.add_records(datasets.Dataset.from_dict(columns))
        return multiple(*self._added(prompts, [source] * len(prompts)))

    @rule(
        record=records,
        text=answers,
        user=st.sampled_from(USERS),
        status=st.sampled_from(["submitted", "draft", "discarded"]),
        rating=st.sampled_from([None, 1, 3]),
    )
    def answer(self, record: str, text: str, user: str, status: str, rating: int | None) -> None:
        if record not in self.prompts:
            return
        values: dict[str, Any] = {"demonstration": text}
        if rating is not None:
            values["quality"] = rating
        self.ds.add_response(record, values, user=user, status=status)
        self.answers[(record, user)] = (values, status)

    @rule(record=records, text=answers, user=st.sampled_from(USERS), draft=st.booleans())
    def answer_in_widget(self, record: str, text: str, user: str, draft: bool) -> None:
        if record not in self.prompts:
            return
        widget = self.widgets.get(user)
        if widget is None:
            widget = self.widgets[user] = self.ds.annotate(user=user)
        sent: list[Any] = []
        widget.send = sent.append
        status = "draft" if draft else "submitted"
        message = {
            "type": "answer", "request_id": "r", "record_id": record,
            "values": {"demonstration": text}, "status": status, "time_spent": 1.5,
        }  # fmt: skip
        before = self.answers.get((record, user))
        widget._on_message(widget, message, [])
        assert sent and sent[-1]["type"] == "ack", sent
        self.answers[(record, user)] = ({"demonstration": text}, status)
        if not draft:
            self.undo.setdefault(user, []).append((record, before))

    @precondition(lambda self: any(self.undo.values()))
    @rule(user=st.sampled_from(USERS))
    def undo_in_widget(self, user: str) -> None:
        if not self.undo.get(user) or user not in self.widgets:
            return
        record, before = self.undo[user].pop()
        widget = self.widgets[user]
        sent: list[Any] = []
        widget.send = sent.append
        widget._on_message(widget, {"type": "undo", "request_id": "u", "record_id": record}, [])
        assert sent and sent[-1]["type"] == "ack", sent
        # a finished earlier answer comes back; else the answer taken back stays as a draft
        current = self.answers.get((record, user))
        if before is not None and before[1] != "draft":
            self.answers[(record, user)] = before
        elif current is not None and current[0]:
            self.answers[(record, user)] = (current[0], "draft")
        elif before is not None:
            self.answers[(record, user)] = before
        else:
            self.answers.pop((record, user), None)

    @rule(data=st.data(), user=st.sampled_from(USERS))
    def answer_in_bulk(self, data: st.DataObject, user: str) -> None:
        ids = list(self.prompts)
        if not ids:
            return
        chosen = data.draw(st.lists(st.sampled_from(ids), min_size=1, max_size=5, unique=True))
        replies = data.draw(st.lists(answers, min_size=len(chosen), max_size=len(chosen)))
        replace = data.draw(st.booleans())
        with warnings.catch_warnings():  # "not written": said when submitted answers are kept
            warnings.simplefilter("ignore", UserWarning)
            self.ds.add_responses(
                pd.DataFrame({"record_id": chosen, "demonstration": replies}),
                user=user,
                replace_submitted=replace,
            )
        for record, text in zip(chosen, replies, strict=True):
            held = self.answers.get((record, user))
            if held is not None and held[1] == "submitted" and not replace:
                continue  # a submitted answer is replaced from code only when asked
            self.answers[(record, user)] = ({"demonstration": text}, "submitted")

    @rule(record=records, text=answers)
    def bad_answer_changes_nothing(self, record: str, text: str) -> None:
        if record not in self.prompts:
            return
        with pytest.raises(rg.ResponseError):
            self.ds.add_response(record, {"demonstration": text, "quality": 7}, user="ann")

    @rule(
        record=records,
        source=st.sampled_from(["a", "b", "c"]),
        how=st.sampled_from(["item", "update", "dataset"]),
    )
    def edit_metadata(self, record: str, source: str, how: str) -> None:
        if record not in self.prompts:
            return
        if how == "item":  # as v1 users do: a record read from the dataset, edited in place
            self.ds[list(self.prompts).index(record)].metadata["source"] = source
        elif how == "update":
            self.ds.record_by_id(record).update(metadata={"source": source})
        else:  # a dict's metadata is the record's whole new metadata (as v1's update_records)
            self.ds.update_records([{"id": record, "metadata": {"source": source}}])
            self.metadata[record] = {"source": source}
            return
        self.metadata[record] = {**self.metadata[record], "source": source}

    @rule(record=records)
    def bad_edit_changes_nothing(self, record: str) -> None:
        if record not in self.prompts:
            return
        with pytest.raises(rg.RecordError):
            self.ds.update_records([{"id": record, "vectors": {"v": ["not", "numbers"]}}])

    @rule(record=consumes(records))
    def delete(self, record: str) -> None:
        if record not in self.prompts:
            return
        self.ds.delete_records([record])
        del self.prompts[record], self.metadata[record]
        self.answers = {k: v for k, v in self.answers.items() if k[0] != record}
        for stack in self.undo.values():
            stack[:] = [entry for entry in stack if entry[0] != record]

    # -------------------------------------------------------------- persistence
    @precondition(lambda self: self.folder is not None)
    @rule()
    def compact(self) -> None:
        self.ds.save()

    def _close_widgets(self) -> None:
        for w in self.widgets.values():
            w.close()
        self.widgets.clear()
        self.undo.clear()  # a new widget has no undo history

    @precondition(lambda self: self.folder is None)
    @rule()
    def save(self) -> None:
        self.folder = self.tmp / "ds"
        self.ds.save(self.folder)

    @precondition(lambda self: self.folder is not None)
    @rule()
    def reopen(self) -> None:
        self._close_widgets()
        self.ds.close()
        assert self.folder is not None
        self.ds = rg.FeedbackDataset.from_disk(self.folder)

    @precondition(lambda self: self.folder is not None)
    @rule(record=records, value=st.integers(0, 9), checkpoint=st.booleans())
    def a_teammate_works_in_another_copy(self, record: str, value: int, checkpoint: bool) -> None:
        """Another copy (another kernel) edits its own metadata key, answers, maybe saves."""
        if record not in self.prompts:
            return
        assert self.folder is not None
        other = rg.FeedbackDataset.from_disk(self.folder)
        try:
            meta = dict(other.record_by_id(record).metadata)
            other.update_records([{"id": record, "metadata": {**meta, "team": value}}])
            other.add_response(record, {"demonstration": f"mate {value}"}, user="mate")
            if checkpoint:
                other.save()  # a teammate's save() loses nothing of ours
        finally:
            other.close()
        self.ds.refresh()
        self.metadata[record] = {**self.metadata[record], "team": value}
        self.answers[(record, "mate")] = ({"demonstration": f"mate {value}"}, "submitted")

    @precondition(lambda self: self.folder is not None)
    @rule()
    def second_open_agrees(self) -> None:
        assert self.folder is not None
        other = rg.FeedbackDataset.from_disk(self.folder)
        try:
            self._check_records(other)
        finally:
            other.close()

    @precondition(lambda self: self.folder is not None and len(self.prompts) > 0)
    @rule()
    def reopen_in_a_fresh_process(self) -> None:
        assert self.folder is not None
        seen = _reopen_elsewhere(self.folder)
        assert [r["id"] for r in seen] == list(self.prompts)
        for r in seen:
            assert r["prompt"] == self.prompts[r["id"]]
            assert r["metadata"] == self.metadata[r["id"]]
            assert r["responses"] == json.loads(json.dumps(self._responses_of(r["id"])))

    # ------------------------------------------------------------------- checks
    def _responses_of(self, record: str) -> list[list[Any]]:
        return sorted(
            [user, values, status]
            for (rid, user), (values, status) in self.answers.items()
            if rid == record
        )

    def _check_records(self, ds: rg.FeedbackDataset) -> None:
        assert len(ds) == len(self.prompts)
        seen = list(ds)
        assert [r.id for r in seen] == list(self.prompts)
        for r in seen:
            assert r.fields["prompt"] == self.prompts[r.id]
            assert r.metadata == self.metadata[r.id]
            got = sorted([x.user, x.plain_values(), x.status] for x in r.responses)
            assert got == self._responses_of(r.id), r.id

    @invariant()
    def readers_agree_with_the_model(self) -> None:
        self._check_records(self.ds)
        if self.prompts:
            assert self.ds[len(self.prompts) - 1].id == list(self.prompts)[-1]
        frame = self.ds.to_pandas()
        assert frame["id"].tolist() == list(self.prompts)
        assert frame["prompt"].tolist() == list(self.prompts.values())
        submitted = {r for (r, _), (_, s) in self.answers.items() if s == "submitted"}
        kept = self.ds.filter_by(response_status="submitted")
        assert [r.id for r in kept] == [r for r in self.prompts if r in submitted]
        table = self.ds.format_as("datasets")
        assert table["prompt"] == list(self.prompts.values())
        for row, record in zip(table["demonstration"], self.prompts, strict=True):
            got = sorted((x["user_id"], x["value"], x["status"]) for x in row)
            want = sorted(
                (u, v["demonstration"], s) for (r, u), (v, s) in self.answers.items() if r == record
            )
            assert got == want
        self._check_sft()

    def _check_sft(self) -> None:
        # to_sft trims a completion's edge whitespace and keeps distinct non-empty ones
        want = {
            (r, v["demonstration"].strip())
            for (r, _), (v, s) in self.answers.items()
            if s == "submitted" and v["demonstration"].strip()
        }
        try:
            splits = self.ds.to_sft(
                multiple="all", dedupe=False, test_size=1, include=["record_id"]
            )
        except ExportError:
            # nothing to split: fewer than two prompt groups to put in train and test (records
            # whose prompts are equal once normalised are one group, whatever `dedupe` says)
            answered = [self.prompts[r] for r, _ in want]
            groups = set(normalize_prompts(answered).to_pylist()) if answered else set()
            assert len(groups) < 2, groups
            return
        got = set()
        for name in ("train", "test"):
            part = splits[name]
            got |= set(zip(part["record_id"], part["completion"], strict=True))
        assert got == want


Lifecycle.TestCase.settings = settings(
    max_examples=int(os.environ.get("NBF_LIFECYCLE_EXAMPLES", "25")),
    stateful_step_count=int(os.environ.get("NBF_LIFECYCLE_STEPS", "12")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_lifecycle = Lifecycle.TestCase
