"""_tables.isin: both of its ways (hash the allowed values, or the few values) agree with `in`."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from nb_feedback.store import _tables as T

WORDS = st.sampled_from(["a", "b", "c", "dd", "é", ""])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.one_of(st.none(), WORDS), max_size=6), st.lists(WORDS, max_size=6), st.booleans()
)
def test_isin_agrees_with_membership(
    values: list[str | None], allowed: list[str], many: bool
) -> None:
    if many:  # enough allowed values that isin hashes the few values instead
        allowed = allowed + [f"x{i}" for i in range(2_000)]
    got = T.isin(pd.Series(values, dtype=object), pd.Series(allowed, dtype=object))
    assert got.tolist() == [v in set(allowed) for v in values]
