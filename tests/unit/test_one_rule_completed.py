"""One rule decides "completed" and "still in a user's queue"; every consumer agrees with it.

The rule is ``nb_feedback.domain.distribution`` (``is_completed``, ``in_queue``: one record
judged from its responses). On generated teams of answers, each place that decides either
question (the dataset's record statuses, progress and queue, the widget's news and team line,
the reviewer's walk) must give what the rule gives. A second rule that drifted (a draft or a
discard counted toward completion, a draft taking a record out of its author's queue, a
comparison with ``>`` for ``>=``) fails here.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nb_feedback as rg
from conftest import make_records, make_schema_kwargs
from nb_feedback.domain.distribution import in_queue, is_completed
from nb_feedback.widget.team import TeamTally, finished, walk

USERS = ("ana", "bob", "cy")
STATUSES = ("submitted", "draft", "discarded")

# each record: who answered it and how (one response per user at most)
answers = st.lists(
    st.dictionaries(st.sampled_from(USERS), st.sampled_from(STATUSES), max_size=len(USERS)),
    min_size=1,
    max_size=7,
)


def _team(table: list[dict[str, str]], min_submitted: int) -> rg.FeedbackDataset:
    ds = rg.FeedbackDataset(
        **make_schema_kwargs(), distribution=rg.TaskDistribution(min_submitted=min_submitted)
    )
    ds.add_records(make_records(len(table)))
    for i, by_user in enumerate(table):
        for user, status in by_user.items():
            ds.add_response(ds[i].id, {"demonstration": f"{user} {i}"}, user=user, status=status)
    return ds


def _responses(by_user: dict[str, str]) -> list[SimpleNamespace]:
    return [SimpleNamespace(user=u, status=s) for u, s in by_user.items()]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=answers, min_submitted=st.integers(1, 3))
def test_every_consumer_agrees_with_the_one_rule(
    table: list[dict[str, str]], min_submitted: int
) -> None:
    ds = _team(table, min_submitted)
    ids = [r.id for r in ds]
    done = [is_completed(_responses(t), min_submitted) for t in table]
    expected_status = ["completed" if d else "pending" for d in done]

    assert ds.record_statuses().tolist() == expected_status  # columnar, one pass
    assert [r.status for r in ds] == expected_status  # one record at a time
    assert ds.to_pandas()["status"].tolist() == expected_status
    kept = ds.filter_by(record_status="completed")
    assert [r.id for r in kept] == [i for i, d in zip(ids, done, strict=True) if d]
    progress = ds.progress(with_users_distribution=True)
    assert (progress["completed"], progress["pending"]) == (sum(done), len(done) - sum(done))
    for user, counts in progress["users"].items():  # each answer sits under its record's status
        for record_status in ("completed", "pending"):
            mine = [
                t[user]
                for t, d in zip(table, done, strict=True)
                if user in t and d == (record_status == "completed")
            ]
            assert counts[record_status] == {s: mine.count(s) for s in STATUSES}

    tally = TeamTally(ds)
    assert tally.completed == sum(done)
    tally.update(ids)  # the news path recounts one record at a time: no change
    assert tally.completed == sum(done)

    for user in USERS:
        queued = {
            ids[i] for i, t in enumerate(table) if in_queue(_responses(t), user, min_submitted)
        }
        assert set(ds.queue(user)) == queued
        assert len(ds.queue(user)) == len(queued)  # each record once
        left = set(finished(ds, user, ids).tolist())
        assert left == {i for i in range(len(ids)) if ids[i] not in queued}
        # a reviewer walks what others submitted and the reviewer has not answered yet
        others = {
            i
            for i, t in enumerate(table)
            if any(u != user and s == "submitted" for u, s in t.items())
            and t.get(user, "draft") == "draft"
        }
        assert set(walk(ds, user, review=True).tolist()) == others


def test_the_rule_on_hand_made_cases() -> None:
    """The rule itself: only submitted answers count, a draft keeps a record in its queue."""
    r = _responses
    assert not is_completed(r({"ana": "draft", "bob": "discarded"}), 1)
    assert is_completed(r({"ana": "submitted"}), 1)
    assert not is_completed(r({"ana": "submitted"}), 2)
    assert is_completed(r({"ana": "submitted", "bob": "submitted"}), 2)
    assert in_queue(r({"ana": "draft"}), "ana", 1)
    assert not in_queue(r({"ana": "discarded"}), "ana", 2)
    assert not in_queue(r({"bob": "submitted"}), "ana", 1)
    assert in_queue(r({"bob": "submitted"}), "ana", 2)
    assert np.asarray(
        _team([{"ana": "submitted", "bob": "draft"}], 2).record_statuses() == "pending"
    ).all()
