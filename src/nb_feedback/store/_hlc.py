"""A hybrid logical clock: the times that order every change, without trusting wall clocks.

Every change a process commits gets ``CLOCK.tick()``: the wall clock's time in epoch seconds,
unless that is not later than the last time this process gave or saw, in which case one step
(a microsecond) after it. So:

- one process's later change always has a later time than its earlier one, even when the
  wall clock is corrected backwards (an NTP step, a laptop waking up);
- a change made after reading another process's change is later than it: reading a folder
  calls ``observe`` with the times it read, so causal order survives skewed clocks.

Concurrent changes (neither saw the other) are ordered by their times and, on a tie, by a rule
that depends only on the changes themselves (see ``persistence``), the same in every process.
"""

from __future__ import annotations

import math
import threading
import time

STEP = 1e-6
"""The logical step in seconds: representable next to any epoch time in float64 (spacing
~2.4e-7 s in this century)."""


class Clock:
    """A monotonic clock in epoch seconds, advanced past every time it is shown."""

    def __init__(self, wall: object = time.time) -> None:
        self._wall = wall
        self._last = 0.0
        self._lock = threading.Lock()

    def tick(self) -> float:
        """Return a time later than every time given or observed before."""
        with self._lock:
            now = self._wall()  # type: ignore[operator]
            if type(now) is not float:  # time.time's is; a stand-in clock may give an int
                now = float(now)
            self._last = now if now > self._last else self._last + STEP
            return self._last

    def observe(self, seen: float) -> None:
        """Note a time read from another process: later ticks come after it."""
        if seen == seen and not math.isinf(seen) and seen > self._last:  # NaN and inf ignored
            with self._lock:
                self._last = max(self._last, float(seen))

    @property
    def last(self) -> float:
        """The latest time given or observed."""
        return self._last


CLOCK = Clock()
"""The process's clock: every dataset in a process stamps its changes from it."""
