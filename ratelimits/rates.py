"""Rates written "COUNT/PERIOD" ("5/10m"), and how a limit is read from rows that carry
their time: the COUNT-th newest row within PERIOD. Shared by the flood limits of the ticket
pages (tickets/throttle.py), which count tickets and messages, and the request counters of
this app (ratelimits/counters.py), which count Hits.
"""

import math
import re
from dataclasses import dataclass
from datetime import timedelta

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")


def parse_rate(text: str | None) -> tuple[int, timedelta] | None:
    """Parse a rate: "5/10m" -> (5, timedelta(minutes=10)); "" or "0" -> None (no limit)."""
    text = (text or "").strip()
    if text in ("", "0"):
        return None
    match = RATE.match(text)
    if not match:
        raise ValueError(f"A rate is written like 5/10m, not {text!r}.")
    count, amount, unit = match.groups()
    seconds = int(amount or 1) * UNITS[unit]
    if int(count) < 1 or seconds < 1:
        raise ValueError(f"A rate needs a count and a period of at least 1, not {text!r}.")
    return int(count), timedelta(seconds=seconds)


@dataclass(frozen=True)
class Refusal:
    """Why a request was refused: `count` of `kind` within `period` (new tickets, posts, or
    the scope of a counter); one more is allowed after `retry_after`."""

    kind: str
    count: int
    period: timedelta
    retry_after: timedelta

    @property
    def retry_after_seconds(self):
        return max(1, math.ceil(self.retry_after.total_seconds()))

    @property
    def wait_minutes(self):
        return max(1, math.ceil(self.retry_after.total_seconds() / 60))


def nth_newest(rows, rate, now):
    """The time of the COUNT-th newest of `rows` within PERIOD, as a query of at most one
    row (none while fewer were made): when it exists, the limit is reached until that time
    plus PERIOD."""
    count, period = rate
    recent = rows.filter(created_at__gt=now - period).order_by("-created_at")
    return recent.values_list("created_at", flat=True)[count - 1 : count]
