"""Deterministic prompt and answer generator shared by both sides of the workflow benchmark.

Standard library only: it is imported from the project venv (nb_feedback) and from
benchmarks/.venv-argilla (Argilla v1), so both libraries get byte-identical data.
"""

from __future__ import annotations

import random

_OPENERS = [
    "Explain to a new analyst how {t} works and",
    "Write a short guide on {t} that",
    "Our team keeps arguing about {t}; summarise the trade-offs and",
    "Give three examples of {t} in practice and",
    "I am preparing a workshop on {t}. Draft an outline that",
    "Review the following notes on {t} and",
    "Compare two common approaches to {t} and",
    "What are the usual mistakes people make with {t}? Describe them and",
    "Turn these meeting notes about {t} into an email that",
    "Write a checklist for {t} that",
]
_TOPICS = [
    "feature scaling",
    "A/B testing",
    "sourdough baking",
    "unit testing",
    "budget travel",
    "sleep hygiene",
    "customer churn",
    "the French Revolution",
    "time-series forecasting",
    "SQL window functions",
    "pricing a freelance project",
    "strength training",
    "the greenhouse effect",
    "code review",
    "onboarding new hires",
    "data cleaning",
    "Bayesian inference",
    "writing a cover letter",
    "meal planning",
    "git branching",
]
_SENTENCE = (
    "the data model team report shows that weekly sales rose after launch while costs stayed "
    "flat and support tickets fell by a third in most regions we still need a clear plan for "
    "the next quarter with owners dates and a simple way to measure progress please keep it "
    "short practical and friendly so that everyone on the call can follow along without prior "
    "context about previous decisions risks assumptions or open questions from last month "
    "include an example a counterexample and one thing to avoid when time is limited"
)
_WORDS = _SENTENCE.split()
_CLOSERS = ["?", ".", " in plain words.", " with an example.", ", please."]

TARGET_CHARS = 300


def make_prompts(n: int, seed: int = 0) -> list[str]:
    """Return ``n`` prompts of about 300 characters each, the same for the same ``seed``."""
    rng = random.Random(seed)
    words = _WORDS
    out: list[str] = []
    for _ in range(n):
        head = rng.choice(_OPENERS).format(t=rng.choice(_TOPICS))
        body = rng.choices(words, k=60)
        text = head + " " + " ".join(body)
        cut = text.rfind(" ", 0, TARGET_CHARS - 8)
        out.append(text[:cut] + rng.choice(_CLOSERS))
    return out


def make_answer(i: int) -> str:
    """Return the demonstration written for record ``i`` (about 200 characters)."""
    words = _WORDS
    m = len(words)
    body = " ".join(words[(i * 7919 + k * 104729) % m] for k in range(36))
    return f"Answer {i}: {body[: body.rfind(' ', 0, 180)]}."


def make_answers(n: int, answered: str = "half") -> dict[int, str]:
    """Return ``{record index: demonstration}`` for every other record ("half") or all ("all")."""
    step = {"half": 2, "all": 1}[answered]
    return {i: make_answer(i) for i in range(0, n, step)}
