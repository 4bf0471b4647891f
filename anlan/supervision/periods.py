"""Check periods: calendar weeks (Monday to Sunday), months and quarters, in local dates."""

from __future__ import annotations

import datetime as dt

from .choices import PeriodKind


def bounds(kind: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of the ``kind`` period that contains ``day``."""
    if kind == PeriodKind.WEEK:
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=6)
    if kind == PeriodKind.MONTH:
        start = day.replace(day=1)
    elif kind == PeriodKind.QUARTER:
        start = day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    else:
        raise ValueError(f"unknown period {kind!r}")
    months = 1 if kind == PeriodKind.MONTH else 3
    year, month = divmod(start.month - 1 + months, 12)
    next_start = dt.date(start.year + year, month + 1, 1)
    return start, next_start - dt.timedelta(days=1)
