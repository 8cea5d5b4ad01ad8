"""Write src/nb_feedback/data/sample_conversations.jsonl (conversations written for this project).

Each conversation ends on a user turn (the next assistant message is what a labeler writes) and
holds earlier assistant turns a labeler can rate or correct. Re-running gives the same bytes.
"""

from __future__ import annotations

import json
from pathlib import Path

OUT = (
    Path(__file__).resolve().parents[1]
    / "src"
    / "nb_feedback"
    / "data"
    / "sample_conversations.jsonl"
)


def u(text: str) -> dict[str, str]:
    """Return a user message."""
    return {"role": "user", "content": text}


def a(text: str) -> dict[str, str]:
    """Return an assistant message."""
    return {"role": "assistant", "content": text}


def s(text: str) -> dict[str, str]:
    """Return a system message."""
    return {"role": "system", "content": text}


CONVERSATIONS: list[tuple[str, list[dict[str, str]]]] = [
    (
        "coding",
        [
            u("How do I read a CSV file with pandas?"),
            a(
                'Use `pd.read_csv`:\n\n```python\nimport pandas as pd\nframe = pd.read_csv("data.csv")\n```'
            ),
            u("And if the file uses semicolons?"),
        ],
    ),
    (
        "math",
        [
            u("What is 17 * 23?"),
            a("17 * 23 = 381."),
            u("Can you show the steps?"),
        ],
    ),
    (
        "cooking",
        [
            s("You are a friendly cooking assistant. Keep answers short."),
            u("How long should I boil an egg for a runny yolk?"),
            a("About 6 minutes from boiling water, then straight into cold water."),
            u("And for a hard-boiled one?"),
        ],
    ),
    (
        "writing",
        [
            u("Give me a title for a blog post about learning Rust as a Python developer."),
            a("**From Snakes to Crabs: A Pythonista Learns Rust**"),
            u("Something less playful, please."),
        ],
    ),
    (
        "data-analysis",
        [
            u(
                "My model has 99% accuracy but it never predicts the positive class. What is going on?"
            ),
            a(
                "Your classes are probably imbalanced: if 99% of the rows are negative, always saying "
                '"negative" gives 99% accuracy. Look at precision, recall and the confusion matrix.'
            ),
            u("Which metric should I report instead?"),
        ],
    ),
    (
        "travel",
        [
            u("I have one day in Lisbon. What should I not miss?"),
            a(
                "- Belém: the tower and the monastery\n- A tram 28 ride through Alfama\n"
                "- Sunset at a *miradouro* (viewpoint)"
            ),
            u("Is tram 28 worth the queue?"),
        ],
    ),
    (
        "science",
        [
            u("Why is the sky blue?"),
            a(
                "Because the air scatters blue light more than red light (Rayleigh scattering), so blue "
                "light reaches your eyes from every direction of the sky."
            ),
            u("Then why are sunsets red?"),
        ],
    ),
    (
        "coding",
        [
            u("What does `git rebase -i HEAD~3` do?"),
            a(
                "It opens an editor listing your last three commits so you can reorder, squash, edit "
                "or drop them."
            ),
            u("How do I squash the last two into one?"),
        ],
    ),
    (
        "arabic",
        [
            u("ما هي عاصمة المغرب؟"),
            a("عاصمة المغرب هي الرباط."),
            u("وما هي أكبر مدينة فيه؟"),
        ],
    ),
    (
        "hebrew",
        [
            u('איך אומרים "תודה" בצרפתית?'),
            a('אומרים "merci".'),
            u('ו"בבקשה"?'),
        ],
    ),
    (
        "health",
        [
            u("How much water should I drink a day?"),
            a(
                "A common guide is about 2 litres, but it depends on your size, activity and the "
                "weather; thirst is a good signal for most healthy adults."
            ),
            u("Does coffee count?"),
        ],
    ),
    (
        "history",
        [
            u("When did the Berlin Wall fall?"),
            a("On 9 November 1989."),
            u("What happened right after?"),
        ],
    ),
    (
        "business",
        [
            u("Draft a one-line reply declining a meeting politely."),
            a("Thanks for the invite; I can't make it this time, but please send me the notes."),
            u("Make it warmer."),
        ],
    ),
    (
        "coding",
        [
            s("You answer questions about SQL. Use code blocks for queries."),
            u("How do I count rows per category?"),
            a("```sql\nSELECT category, COUNT(*)\nFROM items\nGROUP BY category;\n```"),
            u("Only the categories with more than 10 rows?"),
        ],
    ),
    (
        "math",
        [
            u("Is 91 a prime number?"),
            a("Yes, 91 is prime."),
            u("Are you sure?"),
        ],
    ),
    (
        "long",
        [
            u("Help me plan a study schedule for a statistics exam in two weeks."),
            a(
                "Here is a plan:\n\n1. Days 1-3: descriptive statistics and probability\n"
                "2. Days 4-6: distributions\n3. Days 7-9: hypothesis tests\n"
                "4. Days 10-12: regression\n5. Days 13-14: past papers"
            ),
            u("I only have evenings free."),
            a(
                "Then keep the same order with about two hours an evening, and use the weekend for "
                "the past papers."
            ),
            u("What should I do on day 1 exactly?"),
            a(
                "Summaries: mean, median, mode, variance and standard deviation. Work three exercises "
                "by hand, then check them with Python."
            ),
            u("Which Python functions help with that?"),
            a(
                "`statistics.mean`, `statistics.median`, `statistics.pvariance` or, with pandas, "
                "`frame.describe()`."
            ),
            u("Can you make me a checklist for day 1?"),
        ],
    ),
    (
        "writing",
        [
            u(
                'Rewrite this more concisely: "In order to be able to proceed, we need to get approval."'
            ),
            a('"We need approval to proceed."'),
            u("Now in a formal tone."),
        ],
    ),
    (
        "data-analysis",
        [
            u("What is the difference between a left join and an inner join?"),
            a(
                "An inner join keeps only rows with a match in both tables; a left join keeps every "
                "row of the left table and fills missing matches with nulls."
            ),
            u("Show me in pandas."),
        ],
    ),
    (
        "french",
        [
            u("Peux-tu m'expliquer ce qu'est une API ?"),
            a(
                "Une API est une interface qui permet à deux programmes de communiquer selon des "
                "règles définies."
            ),
            u("Donne-moi un exemple concret."),
        ],
    ),
    (
        "cooking",
        [
            u("Can I replace butter with oil in a cake?"),
            a(
                "Yes: use about 3/4 of the butter's weight in a neutral oil. The cake will be moister "
                "but less rich."
            ),
            u("What about in cookies?"),
        ],
    ),
]


def main() -> None:
    """Write the file."""
    lines = [
        json.dumps(
            {"messages": messages, "topic": topic, "source": "nb_feedback authors"},
            ensure_ascii=False,
        )
        for topic, messages in CONVERSATIONS
    ]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
