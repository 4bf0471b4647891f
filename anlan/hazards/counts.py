"""Ledger counts that stay cheap at a million rows and never show a wrong number.

An exact ``COUNT(*)`` costs time in proportion to the rows counted, so counting 125,000 rows of
one status, or a GROUP BY over the whole table, takes 50-100 ms at a million hazards. The ledger
therefore counts at most ``ANLAN_EXACT_COUNT_LIMIT`` rows (default 10,000) per number: below the
limit the number is exact; above it the answer is "more than <limit>", and it is shown so
("10,000+", ``capped`` in the API). Each count is ``SELECT COUNT(*) FROM (SELECT id … LIMIT
limit + 1)``, which stops after limit + 1 index entries. Counts run over the same scoped,
filtered queryset as the list, so they never count what the user may not see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.utils.functional import cached_property
from ninja import Field, Schema

from anlan.core.pagination import Pagination

from .choices import DEADLINE_STATUSES, HazardStatus
from .models import local_today


def count_limit() -> int:
    return settings.ANLAN_EXACT_COUNT_LIMIT


def capped_count(qs: QuerySet, limit: int | None = None) -> tuple[int, bool]:
    """``(n, exact)``: the exact count when it is at most ``limit``, else ``(limit, False)``
    meaning "more than limit"."""
    limit = count_limit() if limit is None else limit
    n = qs.order_by().values("pk")[: limit + 1].count()
    return (n, True) if n <= limit else (limit, False)


@dataclass
class LedgerCounts:
    by_status: dict[str, int]
    total: int
    overdue: int
    limit: int
    capped: set[str] = field(default_factory=set)  # keys whose true value is larger

    def label(self, key: str) -> str:
        value = self.total if key == "total" else self.overdue if key == "overdue" else None
        if value is None:
            value = self.by_status[key]
        return f"{value:,}+" if key in self.capped else f"{value:,}"


def ledger_counts(qs: QuerySet, *, limit: int | None = None) -> LedgerCounts:
    """Counts per status (every status, zero or not), total and overdue for ``qs``.

    When the whole set has at most ``limit`` rows, one GROUP BY gives every number exactly
    (overdue included). Otherwise each status and the overdue are counted up to ``limit``; the
    total is then their sum, and a lower bound whenever any status was capped.
    """
    limit = count_limit() if limit is None else limit
    qs = qs.order_by()
    today = local_today()
    capped: set[str] = set()
    if capped_count(qs, limit)[1]:
        rows = qs.values_list("status").annotate(
            n=Count("pk"),
            overdue=Count("pk", filter=Q(status__in=DEADLINE_STATUSES, deadline__lt=today)),
        )
        found = {status: (n, overdue) for status, n, overdue in rows}
        by_status = {status: found.get(status, (0, 0))[0] for status in HazardStatus.values}
        overdue = sum(n for _, n in found.values())
    else:
        by_status = {}
        for status in HazardStatus.values:
            by_status[status], exact = capped_count(qs.filter(status=status), limit)
            if not exact:
                capped.add(status)
        if capped:
            capped.add("total")
        overdue, exact = capped_count(qs.overdue(today), limit)
        if not exact:
            capped.add("overdue")
    return LedgerCounts(
        by_status=by_status,
        total=sum(by_status.values()),
        overdue=overdue,
        limit=limit,
        capped=capped,
    )


class CappedPaginator(Paginator):
    """A Django paginator whose total is counted up to the limit: past it, ``count_exact`` is
    False, ``count`` is the limit and only the pages up to it are offered."""

    def __init__(self, *args, limit: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit = count_limit() if limit is None else limit

    @cached_property
    def _capped(self) -> tuple[int, bool]:
        return capped_count(self.object_list, self.limit)

    @cached_property
    def count(self) -> int:
        return self._capped[0]

    @property
    def count_exact(self) -> bool:
        return self._capped[1]


class CappedPagination(Pagination):
    """limit/offset paging for the hazard API whose ``count`` is exact up to
    ``ANLAN_EXACT_COUNT_LIMIT``; above it ``count_exact`` is false and ``count`` is the limit
    ("more than count")."""

    class Output(Schema):
        items: list[Any]
        count: int = Field(
            ..., description="Matching rows; a lower bound when count_exact is false"
        )
        count_exact: bool = Field(
            ..., description="False when more rows match than the counting limit"
        )

    def paginate_queryset(self, queryset, pagination, request=None, **params):
        offset, limit = pagination.offset, min(pagination.limit, self.max_limit)
        count, exact = capped_count(queryset)
        return {"items": queryset[offset : offset + limit], "count": count, "count_exact": exact}
