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


# --- Assessment periods (issue #8): months, half-years and years, as [start, end_exclusive) ---


def local_today() -> dt.date:
    """Today in the local time zone (Asia/Shanghai)."""
    from django.utils import timezone

    return timezone.localdate()


def month_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    """The month containing ``day`` as ``(first day, first day of the next month)``."""
    start = day.replace(day=1)
    return start, add_months(start, 1)


def previous_month(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """Last month as ``(first day, first day of this month)``."""
    this = (today or local_today()).replace(day=1)
    return add_months(this, -1), this


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after (or before) ``day``'s month."""
    year, month = divmod(day.month - 1 + months, 12)
    return dt.date(day.year + year, month + 1, 1)


def assessment_bounds(period: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The assessment period (``AssessmentPeriod``: month, half, year) containing ``day``, as
    ``(first day, first day of the next period)``."""
    if period == "month":
        start = month_start(day)
        return start, add_months(start, 1)
    if period == "half":
        start = dt.date(day.year, 1 if day.month <= 6 else 7, 1)
        return start, add_months(start, 6)
    if period == "year":
        start = dt.date(day.year, 1, 1)
        return start, dt.date(day.year + 1, 1, 1)
    raise ValueError(f"unknown assessment period {period!r}")


def months_between(start: dt.date, end_exclusive: dt.date) -> list[dt.date]:
    """The first days of the months in ``[start, end_exclusive)``."""
    out, day = [], month_start(start)
    while day < end_exclusive:
        out.append(day)
        day = add_months(day, 1)
    return out


def parse_period(text: str) -> dt.date:
    """``YYYY-MM`` or ``YYYY-MM-DD`` → a date (the day of a ``YYYY-MM`` is the first); raises
    ValueError on anything else."""
    text = (text or "").strip()
    if len(text) == 7:
        return dt.datetime.strptime(text, "%Y-%m").date()  # noqa: DTZ007 (a calendar date)
    return dt.date.fromisoformat(text)


def period_label(period: str, start: dt.date) -> str:
    if period == "month":
        return f"{start:%Y-%m}"
    if period == "half":
        return f"{start.year} H{1 if start.month <= 6 else 2}"
    return f"{start.year}"
