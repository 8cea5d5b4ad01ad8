"""What an export reads: the only candidate field or question, and the submitted answers.

- ``the_only``: the field or question an export reads when the caller names none; every
  export words it alike ("the dataset has 2 text questions ['a', 'b']; pass ...").
- ``submitted_answers``: the records and each submitted answer with its record's position.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from nb_feedback.base.errors import ExportError

if TYPE_CHECKING:
    import pandas as pd

    from nb_feedback.store.view import DatasetView

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


def submitted_answers(ds: DatasetView) -> tuple[pd.DataFrame, list[tuple[int, str, str, Any]]]:
    """Return the records (``to_pandas``) and each submitted answer as (position, id, user, values).

    The answers come in the order the responses frame holds them; ``values`` is the decoded
    ``{question: value}`` dict.
    """
    records = ds.to_pandas()
    position = {record_id: i for i, record_id in enumerate(records["id"])}
    answers = ds.responses_frame()
    answers = answers[answers["status"] == "submitted"]
    rows = zip(answers["record_id"], answers["user"], answers["values"], strict=True)
    return records, [(position[r], r, u, v) for r, u, v in rows]
