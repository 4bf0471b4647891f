"""Loading the determination standards from ``anlan/inspections/data`` into the database.

Called by the data migration ``0003_load_standards`` (with the historical models) and by
``anlan standards load``. Idempotent: rows are matched by standard key and clause id and only
changed fields are written, so corrections to the data files reach existing databases and a
second load changes nothing. Clauses that disappear from the data are not deleted (hazards and
checklists may cite them); they are reported as ``orphans``.
"""

from __future__ import annotations

import datetime
import importlib
from dataclasses import dataclass, field

from .data import MODULES

STANDARD_FIELDS = (
    "title",
    "document_number",
    "issuer",
    "effective_from",
    "repealed_on",
    "verified",
    "source",
    "numbering",
    "headings",
)
CLAUSE_FIELDS = (
    "article",
    "item",
    "sub_item",
    "group",
    "topic",
    "condition",
    "industries",
    "risk_flags",
    "verified",
    "order",
)


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    orphans: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def clause_id(key: str, data: dict) -> str:
    """The stable id: ``<standard key>-<article>-<item>[-<sub>]``."""
    parts = [key, str(data["article"]), str(data["item"])]
    if data.get("sub_item"):
        parts.append(str(data["sub_item"]))
    return "-".join(parts)


def _date(value):
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def read_data() -> list[tuple[dict, list[dict]]]:
    """Every standard in the data files with its clauses (ids and order filled in)."""
    result = []
    for name in MODULES:
        module = importlib.import_module(f"anlan.inspections.data.{name}")
        standard = dict(module.STANDARD)
        for key in ("effective_from", "repealed_on"):
            standard[key] = _date(standard.get(key))
        clauses = []
        for order, raw in enumerate(module.CLAUSES, start=1):
            clause = {"sub_item": None, "maps_to": [], **raw, "order": order}
            clause["id"] = clause_id(standard["key"], clause)
            clauses.append(clause)
        result.append((standard, clauses))
    return result


def _sync(obj, values: dict, names) -> bool:
    changed = False
    for name in names:
        if getattr(obj, name) != values[name]:
            setattr(obj, name, values[name])
            changed = True
    return changed


def load_standards(standard_model=None, clause_model=None) -> LoadReport:
    """Create or update every standard and clause from the data files."""
    if standard_model is None:
        from .models import Clause, Standard

        standard_model, clause_model = Standard, Clause
    report = LoadReport()
    data = read_data()
    standards = {}
    for values, _clauses in data:
        obj = standard_model.objects.filter(key=values["key"]).first()
        if obj is None:
            obj = standard_model(key=values["key"], **{n: values[n] for n in STANDARD_FIELDS})
            obj.save()
            report.created.append(values["key"])
        elif _sync(obj, values, STANDARD_FIELDS):
            obj.save()
            report.updated.append(values["key"])
        else:
            report.unchanged += 1
        standards[values["key"]] = obj
    for values, _clauses in data:  # replaced_by may point at a standard loaded later
        obj = standards[values["key"]]
        target = standards[values["replaced_by"]].pk if values.get("replaced_by") else None
        if obj.replaced_by_id != target:
            obj.replaced_by_id = target
            obj.save(update_fields=["replaced_by"])
            if values["key"] not in report.created + report.updated:
                report.updated.append(values["key"])
                report.unchanged -= 1
    known = set()
    clause_objs = {}
    for values, clauses in data:
        standard = standards[values["key"]]
        existing = {c.pk: c for c in clause_model.objects.filter(standard=standard)}
        for c in clauses:
            known.add(c["id"])
            obj = existing.get(c["id"])
            if obj is None:
                obj = clause_model(id=c["id"], standard=standard)
                _sync(obj, c, CLAUSE_FIELDS)
                obj.save()
                report.created.append(c["id"])
            elif _sync(obj, c, CLAUSE_FIELDS):
                obj.save()
                report.updated.append(c["id"])
            else:
                report.unchanged += 1
            clause_objs[c["id"]] = obj
    for _values, clauses in data:
        for c in clauses:
            obj = clause_objs[c["id"]]
            missing = [t for t in c["maps_to"] if t not in clause_objs]
            if missing:
                raise ValueError(f"{c['id']} maps to unknown clause(s): {', '.join(missing)}")
            wanted = set(c["maps_to"])
            current = set(obj.maps_to.values_list("pk", flat=True))
            if wanted != current:
                obj.maps_to.set(wanted)
                if c["id"] not in report.created + report.updated:
                    report.updated.append(c["id"])
                    report.unchanged -= 1
    report.orphans = sorted(clause_model.objects.exclude(pk__in=known).values_list("pk", flat=True))
    return report
