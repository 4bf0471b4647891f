"""Readable audit trail from django-simple-history records, for history tabs and the API."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

HISTORY_TYPES = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}


@dataclass
class Change:
    field: str
    label: str
    old: str
    new: str


@dataclass
class Entry:
    when: object
    user: str
    kind: str
    kind_label: str
    reason: str
    subject: str
    changes: list[Change] = field(default_factory=list)


def _display(model, name, value) -> str:
    if value is None or value == "":
        return "—"
    try:
        f = model._meta.get_field(name)
    except Exception:
        return str(value)
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if f.is_relation and f.many_to_one:
        target = f.related_model.objects.filter(pk=value).first()
        return str(target) if target else str(value)
    if f.many_to_many:
        return "、".join(str(getattr(v, "label", v)) for v in value) or "—"
    return str(value)


def _m2m_value(model, name, rows) -> list:
    """simple-history gives m2m values as through-row dicts; turn them into related objects."""
    related = model._meta.get_field(name).related_model
    key = related._meta.model_name
    ids = [row.get(key) for row in rows or [] if isinstance(row, dict)]
    return list(related.objects.filter(pk__in=ids))


def entries_for(records, *, model, subject: str = "") -> list[Entry]:
    """Turn historical records (newest first) into entries with field-by-field changes."""
    records = list(records)
    out = []
    m2m_names = {f.name for f in model._meta.many_to_many}
    for index, record in enumerate(records):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None:
            delta = record.diff_against(previous)
            for change in delta.changes:
                label = str(model._meta.get_field(change.field).verbose_name)
                if change.field in m2m_names:
                    old = _m2m_value(model, change.field, change.old)
                    new = _m2m_value(model, change.field, change.new)
                else:
                    old, new = change.old, change.new
                changes.append(
                    Change(
                        change.field,
                        label,
                        _display(model, change.field, old),
                        _display(model, change.field, new),
                    )
                )
            if record.history_type == "~" and not changes:
                continue
        out.append(
            Entry(
                when=record.history_date,
                user=str(record.history_user) if record.history_user_id else str(_("system")),
                kind=record.history_type,
                kind_label=str(HISTORY_TYPES.get(record.history_type, record.history_type)),
                reason=record.history_change_reason or "",
                subject=subject or str(record),
                changes=changes,
            )
        )
    return out
