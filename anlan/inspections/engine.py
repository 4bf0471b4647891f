"""The applicability and determination engine: which clauses apply to an enterprise, and
whether failed items make a hazard 重大 — with the clauses cited.

Pure functions over the loaded standards (read-only queries, no writes), usable by services,
the API and the CLI.

Applicability of a clause: the enterprise's industry is in ``clause.industries`` (empty: any
industry) AND, when ``clause.risk_flags`` is not empty, the enterprise has at least one of them.
Only standards in force on the date count; repealed ones are left out.

Determination: every failed item that cites a clause in force makes the finding 重大 ("major"),
citing that clause; a clause of a repealed standard is replaced by the clauses in force it
``maps_to`` (and a note says so); with nothing to cite the finding is 一般 ("general").
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone

from .models import Clause, Standard

MAJOR = "major"
GENERAL = "general"


def _day(on: datetime.date | None) -> datetime.date:
    return on or timezone.localdate()


def _in_force(standard: Standard, day: datetime.date) -> bool:
    return standard.effective_from <= day and (
        standard.repealed_on is None or standard.repealed_on > day
    )


def clause_applies(clause: Clause, industry: str, flags: set[str]) -> bool:
    if clause.industries and industry not in clause.industries:
        return False
    return not clause.risk_flags or bool(flags & set(clause.risk_flags))


def _ordered(clauses: Iterable[Clause]) -> list[Clause]:
    return sorted(
        clauses, key=lambda c: (-c.standard.effective_from.toordinal(), c.standard.key, c.order)
    )


def applicable_clauses(
    industry: str, flags: set[str] | Iterable[str] = (), on: datetime.date | None = None
) -> list[Clause]:
    """The clauses of the standards in force on ``on`` (today) that apply to an enterprise of
    this industry with these risk flags, ordered by standard and position."""
    flags = set(flags)
    standards = Standard.objects.in_force(_day(on))
    clauses = Clause.objects.filter(standard__in=standards).select_related("standard")
    return _ordered(c for c in clauses if clause_applies(c, industry, flags))


def applicable_to(enterprise, on: datetime.date | None = None) -> list[Clause]:
    flags = {flag.code for flag in enterprise.risk_flags.all()}
    return applicable_clauses(enterprise.industry, flags, on)


@dataclass(frozen=True)
class Determination:
    """The outcome: ``level`` ("major" or "general"), the clauses cited (ordered, no
    duplicates), their citation texts, and notes (e.g. a repealed clause mapped)."""

    level: str
    clauses: tuple[Clause, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def is_major(self) -> bool:
        return self.level == MAJOR

    @property
    def clause_ids(self) -> list[str]:
        return [c.pk for c in self.clauses]

    @property
    def citations(self) -> list[str]:
        return [c.citation for c in self.clauses]

    @property
    def text(self) -> str:
        """One line for a hazard record: 重大事故隐患，依据 …；…, or 一般事故隐患."""
        if not self.is_major:
            return "一般事故隐患"
        return "重大事故隐患，依据 " + "；".join(self.citations)


def get_clauses(clause_ids: Iterable[str]) -> list[Clause]:
    """The clauses with these ids, in the order given; ValidationError naming unknown ids."""
    ids = [str(i).strip() for i in clause_ids]
    found = {
        c.pk: c
        for c in Clause.objects.filter(pk__in=ids).select_related(
            "standard", "standard__replaced_by"
        )
    }
    unknown = [i for i in dict.fromkeys(ids) if i not in found]
    if unknown:
        raise ValidationError(
            {"clauses": f"Unknown clause id(s): {', '.join(unknown)}"}, code="unknown_clause"
        )
    return [found[i] for i in ids]


def _resolve(clause: Clause, day: datetime.date, notes: list[str], seen: set[str]) -> list[Clause]:
    if clause.pk in seen:
        return []
    seen.add(clause.pk)
    if _in_force(clause.standard, day):
        return [clause]
    targets = list(clause.maps_to.select_related("standard", "standard__replaced_by"))
    resolved = [r for t in targets for r in _resolve(t, day, notes, seen)]
    if resolved:
        notes.append(
            f"{clause.pk}（{clause.citation}）于 {day.isoformat()} 不在有效期内，按对应条款 "
            + "、".join(r.pk for r in resolved)
            + " 判定。"
        )
    else:
        notes.append(
            f"{clause.pk}（{clause.citation}）于 {day.isoformat()} 不在有效期内，且无对应的现行条款，"
            "不作为重大事故隐患的依据。"
        )
    return resolved


def determine(
    failed_clause_ids: Iterable[str], *, on: datetime.date | None = None
) -> Determination:
    """Determine the level of a finding whose failed items cite these clause ids.

    Any cited clause in force on ``on`` (today) → 重大 citing it; a clause of a repealed standard
    maps through ``maps_to`` to the clauses in force; no clause → 一般. Unknown ids raise
    ``ValidationError`` naming them."""
    day = _day(on)
    clauses = get_clauses(failed_clause_ids)
    notes: list[str] = []
    cited: dict[str, Clause] = {}
    for clause in clauses:
        for resolved in _resolve(clause, day, notes, set()):
            cited.setdefault(resolved.pk, resolved)
    if not cited:
        return Determination(GENERAL, (), tuple(notes))
    return Determination(MAJOR, tuple(_ordered(cited.values())), tuple(notes))


def show(clause_id: str, on: datetime.date | None = None) -> dict:
    """Everything about one clause, for display (CLI, API, pages)."""
    (clause,) = get_clauses([clause_id])
    standard = clause.standard
    return {
        "id": clause.pk,
        "standard": standard.key,
        "standard_title": standard.title,
        "document_number": standard.document_number,
        "standard_verified": standard.verified,
        "in_force": _in_force(standard, _day(on)),
        "repealed_on": standard.repealed_on,
        "citation": clause.citation,
        "heading": clause.heading,
        "article": clause.article,
        "item": clause.item,
        "sub_item": clause.sub_item,
        "group": clause.group,
        "topic": clause.topic,
        "condition": clause.condition,
        "industries": list(clause.industries),
        "risk_flags": list(clause.risk_flags),
        "verified": clause.verified,
        "maps_to": [
            {"id": c.pk, "citation": c.citation}
            for c in clause.maps_to.select_related("standard").order_by("standard", "order")
        ],
        "mapped_from": [
            {"id": c.pk, "citation": c.citation}
            for c in clause.mapped_from.select_related("standard").order_by("standard", "order")
        ],
    }
