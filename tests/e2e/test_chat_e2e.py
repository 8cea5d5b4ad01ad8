"""Conversations labelled by keyboard in a real JupyterLab and Notebook 7: five conversations,
each given the next assistant message, one assistant turn corrected, turns rated, a long turn
expanded from the keyboard; every answer read back from disk on the turn it was given for."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api", reason="needs the [dev] extra (playwright)")

from playwright.sync_api import Locator, Page, expect

from .conftest import CHROMIUM, HAVE_CHROMIUM, UIS, Opened, answers

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not HAVE_CHROMIUM, reason=f"no Chromium at {CHROMIUM} (set E2E_CHROMIUM)"),
]

CHATS = textwrap.dedent(
    """\
    long = "\\n".join(f"step {k}" for k in range(40))
    def chat(i):
        if i == 4:  # a long conversation: 24 turns, then the question
            turns = [{"role": "user" if k % 2 == 0 else "assistant", "content": f"Turn {k}"}
                     for k in range(24)]
            return [*turns, {"role": "user", "content": "Last question 4"}]
        return [
            {"role": "user", "content": f"Question {i}"},
            {"role": "assistant", "content": long if i == 2 else f"Answer {i}"},
            {"role": "user", "content": "ما هي عاصمة المغرب؟" if i == 2 else f"Follow-up {i}"},
            {"role": "assistant", "content": f"Second answer {i}"},
            {"role": "user", "content": f"Last question {i}"},
        ]
    chats = rg.FeedbackDataset(
        fields=[rg.ChatField(name="chat", title="Conversation")],
        questions=[
            rg.TextQuestion(name="reply", title="Next message"),
            rg.RatingQuestion(name="turn_rating", title="Turn quality", values=[1, 2, 3, 4, 5],
                              required=False, turns_of="chat"),
            rg.TextQuestion(name="turn_fix", title="Corrected turn", required=False,
                            turns_of="chat"),
        ],
    )
    chats.add_records([{"chat": chat(i)} for i in range(5)])
    chats.save(str(ds.folder) + "_chat")
    chats.annotate(user="e2e")"""
)


class Keys:
    """The keyboard, counting per conversation the keys pressed besides typed text (chords,
    Tab, arrows, digits) and the characters typed."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.counts: list[dict[str, int]] = [{"keys": 0, "typed": 0}]

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.counts[-1]["keys"] += 1

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.counts[-1]["typed"] += len(text)

    def next_conversation(self) -> None:
        self.counts.append({"keys": 0, "typed": 0})


def reply(root: Locator) -> Locator:
    return root.get_by_role("textbox", name="Next message", exact=True)


@pytest.mark.parametrize("ui", UIS)
def test_five_conversations_by_keyboard(open_notebook, ui: str) -> None:
    nb: Opened = open_notebook(ui, cells=(CHATS,), n_widgets=1)
    root = nb.root(1)
    assert nb.folder is not None
    folder = nb.folder.with_name(nb.folder.name + "_chat")
    position = root.get_by_test_id("nbf-position")
    expect(position).to_have_text("Record 1 of 5", timeout=60_000)
    keys = Keys(nb.page)

    # 1: the conversation as turns with their roles; the next message typed, Ctrl+Enter
    turns = root.get_by_test_id("nbf-field-chat").locator("li")
    expect(turns).to_have_count(5)
    expect(turns.nth(1)).to_have_attribute("aria-label", "Turn 2 of 5, assistant")
    reply(root).click()  # the one click: into the widget
    keys.type("Reply zero")
    keys.press("Control+Enter")
    expect(position).to_have_text("Record 2 of 5")
    expect(reply(root)).to_be_focused()

    # 2: the next message, then Tab past the two turn ratings to the first turn's correction
    keys.next_conversation()
    keys.type("Reply one")
    for _ in range(3):
        keys.press("Tab")
    fix = root.get_by_test_id("nbf-q-turn_fix-turn-1")
    expect(fix).to_be_focused()
    keys.type("Fixed answer one")
    keys.press("Control+Enter")
    expect(position).to_have_text("Record 3 of 5")

    # 3: back into the conversation (its newest turn), up to the long turn, Enter shows it all;
    # then the next message and a rating of each assistant turn by digits
    keys.next_conversation()
    if os.environ.get("NBF_SCREENSHOT_DIR"):  # a picture of the view, to look at
        out = Path(os.environ["NBF_SCREENSHOT_DIR"]) / f"chat-{ui}.png"
        out.parent.mkdir(parents=True, exist_ok=True)
        root.screenshot(path=str(out))
    keys.press("Shift+Tab")
    chat = root.get_by_test_id("nbf-field-chat")
    expect(chat.locator("li").nth(4)).to_be_focused()
    for _ in range(3):
        keys.press("ArrowUp")
    long = chat.locator("li").nth(1)
    expect(long).to_be_focused()
    expect(long).to_have_attribute("aria-expanded", "false")
    keys.press("Enter")
    expect(long).to_have_attribute("aria-expanded", "true")
    expect(chat.locator("li").nth(2).locator(".nbf-turn-body")).to_have_attribute("dir", "auto")
    keys.press("Tab")  # the other turns are not tab stops: straight to the answer box
    expect(reply(root)).to_be_focused()
    keys.type("Reply two")
    keys.press("Tab")
    keys.press("5")
    keys.press("Tab")
    keys.press("2")
    keys.press("Control+Enter")
    expect(position).to_have_text("Record 4 of 5")

    # 4: a low rating and a correction of the same turn
    keys.next_conversation()
    keys.type("Reply three")
    keys.press("Tab")
    keys.press("1")
    keys.press("Tab")
    keys.press("Tab")
    expect(root.get_by_test_id("nbf-q-turn_fix-turn-1")).to_be_focused()
    keys.type("Fixed answer three")
    keys.press("Control+Enter")
    expect(position).to_have_text("Record 5 of 5")

    # 5: a long conversation opens at its newest turns, right above the answer box
    chat = root.get_by_test_id("nbf-field-chat")
    expect(chat.locator("li")).to_have_count(25)
    expect(chat.locator("li").nth(24)).to_be_in_viewport()
    expect(chat.locator("li").nth(0)).not_to_be_in_viewport()  # scrolled out of its box
    # the next message only
    keys.next_conversation()
    keys.type("Reply four")
    keys.press("Control+Enter")
    expect(root.get_by_test_id("nbf-end")).to_be_visible()
    expect(root.get_by_test_id("nbf-saved")).to_have_text("Saved")

    print(f"\n[{ui}] keys per conversation: {keys.counts}")
    assert answers(folder) == {
        0: ("submitted", {"reply": "Reply zero"}),
        1: ("submitted", {"reply": "Reply one", "turn_fix": {"1": "Fixed answer one"}}),
        2: ("submitted", {"reply": "Reply two", "turn_rating": {"1": 5, "3": 2}}),
        3: (
            "submitted",
            {
                "reply": "Reply three",
                "turn_rating": {"1": 1},
                "turn_fix": {"1": "Fixed answer three"},
            },
        ),
        4: ("submitted", {"reply": "Reply four"}),
    }
