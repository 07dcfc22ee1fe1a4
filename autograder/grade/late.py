"""How late a submission is and what that costs, from the spec's ``[late]`` policy.

The rule, in one place:

- A student's due date is the spec's ``due``, or their entry in ``[extensions]``.
- Work handed in no later than ``grace_minutes`` after that due date is on time.
- Later work is ``days_late`` days late: the time since the due date (not since the end of
  the grace period) in days, rounded UP. One minute past the grace period is one day late;
  24 hours and one second is two.
- It loses ``penalty_per_day * days_late`` of its raw score (never more than all of it).
- If ``max_days`` is set and ``days_late > max_days``, it earns zero (the cut-off).

No due date, or no submission time, means nothing is late.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from autograder.course.spec import AssignmentSpec

DAY = timedelta(days=1)


@dataclass(frozen=True)
class Lateness:
    """What the late policy concluded for one submission."""

    due: datetime | None  # the due date that applied (extension included)
    days_late: int
    fraction: float  # share of the raw score taken off, 0..1
    cut_off: bool = False  # past max_days: earns zero

    def penalty(self, raw_score: float) -> float:
        """Points taken off a raw score."""
        return raw_score * self.fraction


def assess(spec: AssignmentSpec, student_id: str, submitted_at: datetime | None) -> Lateness:
    """Apply the spec's late policy to a submission handed in at ``submitted_at``."""
    due = spec.due_for(student_id)
    if due is None or submitted_at is None:
        return Lateness(due=due, days_late=0, fraction=0.0)
    policy = spec.late
    after_due = submitted_at - due
    if after_due <= timedelta(minutes=policy.grace_minutes):
        return Lateness(due=due, days_late=0, fraction=0.0)
    days = math.ceil(after_due / DAY)
    if policy.max_days is not None and days > policy.max_days:
        return Lateness(due=due, days_late=days, fraction=1.0, cut_off=True)
    return Lateness(due=due, days_late=days, fraction=min(1.0, policy.penalty_per_day * days))
