"""Nothing acknowledged is lost: a real kernel answers through the widget, then is SIGKILLed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _kernels import Kernel, check_interpreter

import nb_feedback as rg
from conftest import make_records, make_schema_kwargs

N = 25
USER = "k1"

AWKWARD = [
    "plain answer",
    "emoji 👩‍💻🚀🏳️‍🌈 and a flag 🇫🇷, skin tone 👍🏽",
    "שלום עולם \u200f RTL with a mark, then English",
    "مرحبا بالعالم — Arabic, ‏RLM, ‎LRM",
    "line one\nline two\r\nline three\rend",
    "quotes \" ' ` “curly” ‘single’ «guillemets»",
    "backslashes \\ \\\\ \\n \\u0041 \\x00 C:\\path\\to\\file",
    "control \x00 \x01 \x07 \x1b[31m \x7f \t tab",
    "separators \u2028 \u2029 \ufeff BOM \u00a0 nbsp",
    "combining e\u0301 a\u0308 and Zalgo h\u0336\u0335e\u0338",
    'JSON-ish {"values": [1, 2]} </script><script>alert(1)</script>',
    "x" * 100_000,  # 100 KB
    ("ü👩‍💻 " * 10_000)[:100_000],  # 100k characters, many bytes each
]


def _messages(ids: list[str]) -> list[dict[str, Any]]:
    """N answer messages shaped as js/src/requests.ts sends them (viewId-counter request ids)."""
    out = []
    for i in range(N):
        text = AWKWARD[i % len(AWKWARD)]
        status = ["submitted", "submitted", "submitted", "draft", "discarded"][i % 5]
        values: dict[str, Any] = {"demonstration": text}
        if i % 3 == 0:
            values["quality"] = 1 + i % 5
            values["topic"] = ["code", "math", "other"][i % 3]
        if i % 4 == 0:
            values["tags"] = ["short", "unsafe"]
            values["best"] = [{"value": "reply-1", "rank": 2}, {"value": "reply-2", "rank": 1}]
        if status == "draft" and i % 2:
            values = {"demonstration": "   "}  # a draft may hold blank text
        out.append(
            {
                "type": "answer",
                "request_id": f"view-{i + 1}",
                "record_id": ids[i],
                "values": values,
                "status": status,
                "time_spent": 1.5,
            }
        )
    return out


KERNEL_CODE = """
import json, time
import nb_feedback as rg
ds = rg.FeedbackDataset.from_disk({folder!r})
w = ds.annotate(user={user!r})
sent = []
w.send = lambda msg, buffers=None: sent.append(msg)
with open({messages!r}, encoding="utf-8") as fh:
    messages = json.load(fh)  # decoded from JSON, as a comm message is
for content in messages:
    before = len(sent)
    w._on_message(w, content, [])
    (reply,) = sent[before:]
    if reply == {{"type": "ack", "request_id": content["request_id"],
                 "record_id": content["record_id"], "status": content["status"],
                 "saved": True}}:
        print("ACK", reply["request_id"], flush=True)
    else:
        print("BAD", json.dumps(reply), flush=True)
print("ALL SENT", flush=True)
time.sleep(600)  # the annotator walks away; the runtime is killed
"""


@pytest.fixture
def kernel(tmp_path: Path) -> Iterator[Kernel]:
    k = Kernel.start(tmp_path)
    try:
        yield k
    finally:
        k.stop()


def test_every_acked_answer_survives_sigkill_of_the_kernel(kernel: Kernel, tmp_path: Path) -> None:
    check_interpreter(kernel)
    folder = tmp_path / "ds"
    ds = rg.FeedbackDataset(**make_schema_kwargs())
    ds.add_records(make_records(N + 5))
    ds.save(folder)
    ds.close()
    ids = [r.id for r in ds]
    messages = _messages(ids)
    path = tmp_path / "messages.json"
    path.write_text(json.dumps(messages, ensure_ascii=False), "utf-8")

    msg_id = kernel.execute(KERNEL_CODE.format(folder=str(folder), user=USER, messages=str(path)))
    out = kernel.wait(msg_id, until=lambda o: "ALL SENT" in o.stdout or "BAD" in o.stdout)
    assert out.error is None, out.error_text
    assert "BAD" not in out.stdout, out.stdout
    acked = [line.split()[1] for line in out.stdout.splitlines() if line.startswith("ACK ")]
    assert acked == [m["request_id"] for m in messages]
    kernel.sigkill()  # still busy in time.sleep: no clean shutdown, no close(), no flush

    loaded = rg.FeedbackDataset.from_disk(folder)
    frame = loaded.responses_frame()
    assert len(frame) == N
    assert set(frame["user"]) == {USER}
    by_record = {row.record_id: row for row in frame.itertuples()}
    for m in messages:
        row = by_record[m["record_id"]]
        assert row.status == m["status"]
        assert row.user == USER
        assert row.time_spent == 1.5
        assert row.values == m["values"]
        # byte for byte: the same UTF-8 once written out the same way
        assert json.dumps(row.values, ensure_ascii=False, sort_keys=True).encode(
            "utf-8"
        ) == json.dumps(m["values"], ensure_ascii=False, sort_keys=True).encode("utf-8")
        for name, value in m["values"].items():
            if isinstance(value, str):
                assert row.values[name].encode("utf-8") == value.encode("utf-8")
    # records never answered stay unanswered; the dead kernel's lock does not block the user
    assert loaded.status_counts(USER)["pending"] == 5
    loaded.add_response(ids[-1], {"demonstration": "after the kill"}, user=USER)
    loaded.close()
    again = rg.FeedbackDataset.from_disk(folder)
    assert len(again.responses_frame()) == N + 1
