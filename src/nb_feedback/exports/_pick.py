"""Which field or question an export reads when the caller names none: the only candidate.

Every export words it alike: "the dataset has 2 text questions ['a', 'b']; pass ...".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from nb_feedback.base.errors import ExportError

T = TypeVar("T")


def the_only(found: Sequence[T], what: str, hint: str, where: str) -> T:
    """Return the one item of ``found`` (field names or questions), or raise naming them all.

    Parameters
    ----------
    found : sequence
        The candidates: field names, or questions (named by their ``name``).
    what : str
        What they are, plural ("text questions").
    hint : str
        What the caller should pass instead ("pass completion=<question name>").
    where : str
        The caller's name, for the message.
    """
    if len(found) != 1:
        names: list[Any] = [x if isinstance(x, str) else getattr(x, "name", x) for x in found]
        raise ExportError(f"{where}: the dataset has {len(found)} {what} {names}; {hint}")
    return found[0]
