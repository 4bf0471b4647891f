"""Risk grading: LEC (作业条件危险性评价法, D = L × E × C) and the L × S risk matrix (R = L × S),
and the four colours their scores map to (REFERENCE.md §5.2–5.4).

The value tables are fixed; the cut-offs are settings, because they differ between provinces:

- ``ANLAN_RISK_LEC_CUTOFFS`` (default ``320,160,70``): three *exclusive* lower bounds. D above
  the first is red, above the second orange, above the third yellow, anything else blue. With the
  defaults: D > 320 red; 160 < D ≤ 320 orange; 70 < D ≤ 160 yellow; D ≤ 70 blue — a D of exactly
  320 is orange, exactly 160 yellow, exactly 70 blue.
- ``ANLAN_RISK_LS_CUTOFFS`` (default ``17,11,5``, variant A): three *inclusive* minimums. R of at
  least the first is red, at least the second orange, at least the third yellow, else blue:
  17–25 red, 11–16 orange, 5–10 yellow, 1–4 blue.

The functions here are pure (settings aside) and raise ``ValidationError`` keyed by the field
(``lec_l``, ``lec_e``, ``lec_c``, ``ls_l``, ``ls_s``) for a value outside its table.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .choices import AssessmentMethod, RiskGrade

D = Decimal

# (value, description) — REFERENCE §5.3
LEC_L = (
    (D("10"), gettext_lazy("Fully expected")),
    (D("6"), gettext_lazy("Quite possible")),
    (D("3"), gettext_lazy("Possible but not often")),
    (D("1"), gettext_lazy("Unlikely, a pure accident")),
    (D("0.5"), gettext_lazy("Very unlikely, conceivable")),
    (D("0.2"), gettext_lazy("Extremely unlikely")),
    (D("0.1"), gettext_lazy("Practically impossible")),
)
LEC_E = (
    (D("10"), gettext_lazy("Continuous exposure")),
    (D("6"), gettext_lazy("Daily, in working hours")),
    (D("3"), gettext_lazy("Weekly or occasionally")),
    (D("2"), gettext_lazy("Monthly")),
    (D("1"), gettext_lazy("A few times a year")),
    (D("0.5"), gettext_lazy("Very rarely")),
)
LEC_C = (
    (D("100"), gettext_lazy("Catastrophe, many deaths")),
    (D("40"), gettext_lazy("Disaster, several deaths")),
    (D("15"), gettext_lazy("Very serious, one death")),
    (D("7"), gettext_lazy("Serious injury")),
    (D("3"), gettext_lazy("Disabling injury")),
    (D("1"), gettext_lazy("Notable")),
)
LEC_TABLES = {"lec_l": LEC_L, "lec_e": LEC_E, "lec_c": LEC_C}
LS_RANGE = range(1, 6)
LS_S = (
    (1, gettext_lazy("No injury")),
    (2, gettext_lazy("1–2 minor injuries")),
    (3, gettext_lazy("1–2 serious injuries or 3–6 minor")),
    (4, gettext_lazy("1–2 deaths or 3–6 serious injuries")),
    (5, gettext_lazy("3 or more deaths or 7 or more serious injuries")),
)
LS_L = (
    (1, gettext_lazy("Very unlikely")),
    (2, gettext_lazy("Unlikely")),
    (3, gettext_lazy("Possible")),
    (4, gettext_lazy("Likely")),
    (5, gettext_lazy("Almost certain")),
)
FIELD_LABELS = {
    "lec_l": gettext_lazy("L (likelihood)"),
    "lec_e": gettext_lazy("E (exposure)"),
    "lec_c": gettext_lazy("C (consequence)"),
    "ls_l": gettext_lazy("L (likelihood)"),
    "ls_s": gettext_lazy("S (severity)"),
}


@dataclass(frozen=True)
class Grading:
    method: str
    score: Decimal  # D for LEC, R for L × S
    grade: str  # a RiskGrade value

    @property
    def grade_label(self) -> str:
        return str(RiskGrade(self.grade).label)


def _cutoffs(name: str) -> tuple[Decimal, Decimal, Decimal]:
    values = tuple(Decimal(str(v)) for v in getattr(settings, name))
    if len(values) != 3 or not values[0] > values[1] > values[2]:
        raise ValueError(f"{name} needs three descending numbers, not {values!r}")
    return values  # type: ignore[return-value]


def lec_cutoffs() -> tuple[Decimal, Decimal, Decimal]:
    return _cutoffs("ANLAN_RISK_LEC_CUTOFFS")


def ls_cutoffs() -> tuple[Decimal, Decimal, Decimal]:
    return _cutoffs("ANLAN_RISK_LS_CUTOFFS")


def grade_for(method: str, score) -> str:
    """The colour of a score under the cut-offs in force."""
    score = Decimal(str(score))
    if method == AssessmentMethod.LEC:
        red, orange, yellow = lec_cutoffs()
        # Exclusive lower bounds: "> 320 red, 160–320 orange, 70–160 yellow, ≤ 70 blue".
        checks = (score > red, score > orange, score > yellow)
    elif method == AssessmentMethod.LS:
        red, orange, yellow = ls_cutoffs()
        # Inclusive minimums: "17–25 red, 11–16 orange, 5–10 yellow, 1–4 blue".
        checks = (score >= red, score >= orange, score >= yellow)
    else:
        raise ValidationError({"method": _("Choose LEC or L × S.")})
    for hit, grade in zip(checks, (RiskGrade.RED, RiskGrade.ORANGE, RiskGrade.YELLOW), strict=True):
        if hit:
            return str(grade)
    return str(RiskGrade.BLUE)


def _lec_value(field: str, raw) -> Decimal:
    table = LEC_TABLES[field]
    allowed = ", ".join(_plain(v) for v, _label in table)
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError, TypeError):
        value = None
    if raw is None or str(raw).strip() == "":
        raise ValidationError(
            {
                field: _("%(field)s is required; choose one of %(allowed)s.")
                % {"field": FIELD_LABELS[field], "allowed": allowed}
            }
        )
    if value is None or not value.is_finite() or value not in {v for v, _label in table}:
        raise ValidationError(
            {
                field: _("%(field)s must be one of %(allowed)s, not %(value)s.")
                % {"field": FIELD_LABELS[field], "allowed": allowed, "value": str(raw)[:20]}
            }
        )
    return value


def _ls_value(field: str, raw) -> int:
    try:
        value = int(str(raw).strip())
        ok = str(raw).strip() == str(value) or Decimal(str(raw)) == value
    except (InvalidOperation, ValueError, TypeError):
        ok, value = False, 0
    if not ok or value not in LS_RANGE:
        raise ValidationError(
            {
                field: _("%(field)s must be a whole number from 1 to 5, not %(value)s.")
                % {"field": FIELD_LABELS[field], "value": str(raw)[:20] if raw is not None else "—"}
            }
        )
    return value


def _plain(value: Decimal) -> str:
    """10 → "10", 0.5 → "0.5" (no trailing zeros, no exponent)."""
    return format(value.normalize(), "f")


def plain(value) -> str:
    return "" if value is None else _plain(Decimal(str(value)))


def check_lec(l_value, e_value, c_value) -> tuple[Decimal, Decimal, Decimal]:
    """The three values, each checked against its table; all errors at once, keyed by field."""
    errors: dict[str, list[str]] = {}
    out = []
    for field, raw in (("lec_l", l_value), ("lec_e", e_value), ("lec_c", c_value)):
        try:
            out.append(_lec_value(field, raw))
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return out[0], out[1], out[2]


def check_ls(l_value, s_value) -> tuple[int, int]:
    errors: dict[str, list[str]] = {}
    out = []
    for field, raw in (("ls_l", l_value), ("ls_s", s_value)):
        try:
            out.append(_ls_value(field, raw))
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return out[0], out[1]


def grade_lec(l_value, e_value, c_value) -> Grading:
    lv, ev, cv = check_lec(l_value, e_value, c_value)
    score = (lv * ev * cv).quantize(Decimal("0.01"))
    return Grading(str(AssessmentMethod.LEC), score, grade_for(AssessmentMethod.LEC, score))


def grade_ls(l_value, s_value) -> Grading:
    lv, sv = check_ls(l_value, s_value)
    score = Decimal(lv * sv)
    return Grading(str(AssessmentMethod.LS), score, grade_for(AssessmentMethod.LS, score))
