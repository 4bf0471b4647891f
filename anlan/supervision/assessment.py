"""Assessment services: schemes and their indicator trees, computing a period's assessments,
manual scores with evidence, review and sign-off, grades and ranking.

Views, the API and the CLI all call these functions. Every change runs in one transaction;
bad input raises ``ValidationError`` naming the field; an action the user may not take raises
``PermissionDenied``.

Scoring (``ScoringRule``; parameters in ``Indicator.params``):

- scored items earn 0 … weight; a group's scored points are capped at the group's weight and the
  scored total at the scheme's full marks;
- bonus items add 0 … weight, and a group of bonus items adds at most the group's weight;
- deduction items take off 0 … weight, and a group's deductions at most the group's weight;
- a veto item holds when its value reaches its threshold (default 1): the unit fails whatever
  its score;
- total = scored + bonus − deductions, clamped to [0, full marks], rounded half up to the
  scheme's decimals; the grade follows ANLAN_ASSESSMENT_GRADES.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anlan.core.choices import NotificationKind, UserRole
from anlan.core.models import User
from anlan.core.notify import notify
from anlan.core.uploads import CheckedUpload

from . import metrics, periods
from .choices import (
    AssessmentPeriod,
    AssessmentState,
    Grade,
    IndicatorKind,
    IndicatorSource,
    SchemeAppliesTo,
    ScoringRule,
)
from .models import (
    Assessment,
    AssessmentScheme,
    Indicator,
    MemberUnit,
    Score,
    ScoreEvidence,
    local_today,
)

ZERO = Decimal(0)
CENT = Decimal("0.01")
MAX_POINTS = Decimal("9999")

# --- permissions ------------------------------------------------------------------------------


def may_manage(user, region) -> bool:
    """The office of the committee of ``region`` (its city administrators or county
    regulators) and system administrators edit schemes, compute, enter and sign off."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser or user.role == UserRole.SYSTEM_ADMIN:
        return True
    return (
        user.role in (UserRole.CITY_ADMIN, UserRole.COUNTY_REGULATOR)
        and user.region_id == region.pk
    )


def _require(user, region) -> None:
    if not may_manage(user, region):
        raise PermissionDenied(_("Only the committee office may do this."))


# --- small helpers ----------------------------------------------------------------------------


def _decimal(value, field_name: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field_name: _("Enter a number.")}) from None
    if not number.is_finite():
        raise ValidationError({field_name: _("Enter a number.")})
    return number


def _points(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def grade_for(total: Decimal, vetoed: bool = False) -> str:
    """The grade of a total (ANLAN_ASSESSMENT_GRADES); a veto fails whatever the score."""
    if vetoed:
        return Grade.FAIL
    cutoffs = settings.ANLAN_ASSESSMENT_GRADES
    if total >= Decimal(str(cutoffs["excellent"])):
        return Grade.EXCELLENT
    if total >= Decimal(str(cutoffs["pass"])):
        return Grade.PASS
    return Grade.FAIL


# --- scheme editing ---------------------------------------------------------------------------

SCHEME_FIELDS = ("name", "period", "applies_to", "full_marks", "decimals", "active", "note")
INDICATOR_FIELDS = (
    "code",
    "name",
    "kind",
    "weight",
    "source",
    "metric",
    "rule",
    "params",
    "guidance",
    "order",
)


def _check_scheme(scheme: AssessmentScheme) -> None:
    errors = {}
    if scheme.period not in AssessmentPeriod.values:
        errors["period"] = _("Choose monthly, half-year or annual.")
    if scheme.applies_to not in SchemeAppliesTo.values:
        errors["applies_to"] = _("Choose all units, departments or townships.")
    try:
        full = _decimal(scheme.full_marks, "full_marks")
        if not ZERO < full <= Decimal(1000):
            errors["full_marks"] = _("Full marks are between 0 and 1000.")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if scheme.decimals is None or not 0 <= int(scheme.decimals) <= 2:
        errors["decimals"] = _("Totals are rounded to 0, 1 or 2 decimal places.")
    if not (scheme.name or "").strip():
        errors["name"] = _("Give the scheme a name.")
    elif (
        AssessmentScheme.objects.filter(
            region=scheme.region_id, period=scheme.period, name=scheme.name.strip()
        )
        .exclude(pk=scheme.pk)
        .exists()
    ):
        errors["name"] = _("The committee already has a scheme of this name and period.")
    if errors:
        raise ValidationError(errors)
    if scheme.pk:
        items = list(scheme.indicators.all())
        earning = _earning(items)
        top = sum((i.weight for i in items if i.parent_id is None and i.pk in earning), start=ZERO)
        if top > Decimal(str(scheme.full_marks)):
            raise ValidationError(
                {
                    "full_marks": _(
                        "The top-level items and groups weigh %(sum)s points, more than the "
                        "full marks."
                    )
                    % {"sum": top}
                }
            )


@transaction.atomic
def save_scheme(*, user, region, data: dict, scheme: AssessmentScheme | None = None):
    """Create (``scheme`` None) or edit a scheme of the committee of ``region``."""
    if scheme is not None:
        region = scheme.region
    _require(user, region)
    scheme = scheme or AssessmentScheme(region=region)
    for name in SCHEME_FIELDS:
        if name in data and data[name] is not None:
            setattr(scheme, name, data[name])
    scheme.name = (scheme.name or "").strip()
    _check_scheme(scheme)
    scheme.full_marks = _decimal(scheme.full_marks, "full_marks")
    scheme.save()
    return scheme


def _earning(indicators: list[Indicator]) -> set[int]:
    """The ids of the items whose weight counts against their parent's (or the full marks'):
    scored items, and groups holding scored items (a group of bonus or deduction items caps
    them instead)."""
    children: dict[int | None, list[Indicator]] = {}
    for i in indicators:
        children.setdefault(i.parent_id, []).append(i)

    def earns(i: Indicator) -> bool:
        if i.kind == IndicatorKind.SCORED:
            return True
        return i.kind == IndicatorKind.GROUP and any(earns(c) for c in children.get(i.pk, []))

    return {i.pk for i in indicators if earns(i)}


def _check_params(rule: str, params, kind: str) -> dict:
    if params in (None, ""):
        params = {}
    if not isinstance(params, dict):
        raise ValidationError({"params": _('Rule parameters are an object, e.g. {"floor": 60}.')})
    clean = dict(params)

    def number(key, *, required=True, positive=False):
        if key not in params or params[key] in (None, ""):
            if required:
                raise ValidationError(
                    {"params": _("The rule needs the parameter “%(key)s”.") % {"key": key}}
                )
            return
        try:
            value = _decimal(params[key], "params")
        except ValidationError:
            raise ValidationError(
                {"params": _("The parameter “%(key)s” must be a number.") % {"key": key}}
            ) from None
        if positive and value <= 0:
            raise ValidationError(
                {"params": _("The parameter “%(key)s” must be above 0.") % {"key": key}}
            )
        if abs(value) > Decimal("1e9"):
            raise ValidationError(
                {"params": _("The parameter “%(key)s” is too large.") % {"key": key}}
            )
        clean[key] = float(value) if value != value.to_integral() else int(value)

    if rule == ScoringRule.LINEAR:
        number("floor")
        number("target")
        if Decimal(str(clean["floor"])) == Decimal(str(clean["target"])):
            raise ValidationError({"params": _("The floor and the target must differ.")})
    elif rule == ScoringRule.PER_UNIT:
        number("per_unit", positive=True)
    elif rule == ScoringRule.THRESHOLD or kind == IndicatorKind.VETO:
        number("threshold", required=rule == ScoringRule.THRESHOLD)
        if "at_most" in params and not isinstance(params["at_most"], bool):
            raise ValidationError({"params": _("“at_most” is true or false.")})
    if "scheme" in params and params["scheme"] not in (None, ""):
        if not isinstance(params["scheme"], int) or isinstance(params["scheme"], bool):
            raise ValidationError({"params": _("“scheme” is the id of a monthly scheme.")})
    return clean


def _check_indicator(ind: Indicator) -> None:
    errors: dict[str, str] = {}
    scheme = ind.scheme
    ind.code = (ind.code or "").strip()
    ind.name = (ind.name or "").strip()
    if not ind.code:
        errors["code"] = _("Give the item a code.")
    elif len(ind.code) > 20:
        errors["code"] = _("A code has at most 20 characters.")
    elif scheme.indicators.filter(code=ind.code).exclude(pk=ind.pk).exists():
        errors["code"] = _("The scheme already has an item with code %(code)s.") % {
            "code": ind.code
        }
    if not ind.name:
        errors["name"] = _("Give the item a name.")
    if ind.kind not in IndicatorKind.values:
        errors["kind"] = _("Choose a kind of item.")
    if ind.source not in IndicatorSource.values:
        errors["source"] = _("Choose where the value comes from.")
    if ind.rule not in ScoringRule.values:
        errors["rule"] = _("Choose a scoring rule.")
    if errors:
        raise ValidationError(errors)
    try:
        ind.weight = _decimal(ind.weight, "weight")
    except ValidationError as exc:
        raise ValidationError({"weight": exc.message_dict["weight"]}) from None
    if ind.weight < 0 or ind.weight > MAX_POINTS:
        raise ValidationError({"weight": _("Points are between 0 and 9999.")})
    if ind.kind == IndicatorKind.VETO and ind.weight != 0:
        raise ValidationError({"weight": _("A veto item has no weight: it fails the unit.")})
    if ind.kind != IndicatorKind.VETO and ind.kind != IndicatorKind.GROUP and ind.weight == 0:
        raise ValidationError({"weight": _("Give the item its points.")})
    if ind.parent_id:
        parent = ind.parent
        if parent.scheme_id != scheme.pk:
            raise ValidationError({"parent": _("The group belongs to another scheme.")})
        if parent.kind != IndicatorKind.GROUP:
            raise ValidationError({"parent": _("Items can only be placed in a group.")})
        node = parent
        while node is not None:
            if ind.pk and node.pk == ind.pk:
                raise ValidationError({"parent": _("A group cannot be placed inside itself.")})
            node = node.parent
    if ind.kind == IndicatorKind.GROUP:
        ind.source, ind.metric, ind.rule, ind.params = IndicatorSource.MANUAL, "", "direct", {}
        return
    if ind.pk and ind.children.exists():
        raise ValidationError({"kind": _("This item holds other items; it must stay a group.")})
    if ind.source == IndicatorSource.COMPUTED:
        if ind.metric not in metrics.METRICS:
            raise ValidationError({"metric": _("Choose one of the computed figures.")})
        if ind.rule == ScoringRule.DIRECT and ind.kind != IndicatorKind.VETO:
            raise ValidationError(
                {"rule": _("A computed figure needs a rule that turns it into points.")}
            )
    else:
        ind.metric = ""
    if ind.source == IndicatorSource.ROLLUP and scheme.period == AssessmentPeriod.MONTH:
        raise ValidationError(
            {"source": _("Only half-year and annual schemes roll monthly totals up.")}
        )
    ind.params = _check_params(ind.rule, ind.params, ind.kind)


def _check_group_weights(scheme: AssessmentScheme) -> None:
    """The weights of a group's scored children (and groups) must not exceed the group's, and
    the top level's must not exceed the full marks."""
    indicators = list(scheme.indicators.all())
    earning = _earning(indicators)
    for group in [i for i in indicators if i.kind == IndicatorKind.GROUP]:
        total = sum(
            (i.weight for i in indicators if i.parent_id == group.pk and i.pk in earning),
            start=ZERO,
        )
        if total > group.weight:
            raise ValidationError(
                {
                    "weight": _(
                        "The items of group %(code)s weigh %(sum)s points, more than the "
                        "group's %(weight)s."
                    )
                    % {"code": group.code, "sum": total, "weight": group.weight}
                }
            )
    top = sum((i.weight for i in indicators if i.parent_id is None and i.pk in earning), start=ZERO)
    if top > scheme.full_marks:
        raise ValidationError(
            {
                "weight": _(
                    "The top-level items and groups weigh %(sum)s points, more than the full "
                    "marks (%(full)s)."
                )
                % {"sum": top, "full": scheme.full_marks}
            }
        )


@transaction.atomic
def save_indicator(
    *, user, scheme: AssessmentScheme, data: dict, indicator: Indicator | None = None
) -> Indicator:
    """Add (``indicator`` None) or edit an item of ``scheme``; the whole tree is checked."""
    _require(user, scheme.region)
    ind = indicator or Indicator(scheme=scheme)
    if ind.scheme_id != scheme.pk:
        raise ValidationError({"indicator": _("The item belongs to another scheme.")})
    for name in INDICATOR_FIELDS:
        if name in data and data[name] is not None:
            setattr(ind, name, data[name])
    if "parent" in data:
        parent = data["parent"]
        if parent is not None and not isinstance(parent, Indicator):
            parent = scheme.indicators.filter(pk=parent).first()
            if parent is None:
                raise ValidationError({"parent": _("No such group in this scheme.")})
        ind.parent = parent
    _check_indicator(ind)
    try:
        with transaction.atomic():
            ind.save()
    except IntegrityError:
        raise ValidationError(
            {"code": _("The scheme already has an item with this code.")}
        ) from None
    _check_group_weights(scheme)
    return ind


@transaction.atomic
def delete_indicator(*, user, indicator: Indicator) -> None:
    _require(user, indicator.scheme.region)
    ids = [indicator.pk, *[d.pk for d in descendants(indicator)]]
    if Score.objects.filter(indicator_id__in=ids).exists():
        raise ValidationError(
            {"indicator": _("Units have been scored on this item; it cannot be deleted.")}
        )
    indicator.delete()


def descendants(indicator: Indicator) -> list[Indicator]:
    out = []
    for child in indicator.children.all():
        out += [child, *descendants(child)]
    return out


@transaction.atomic
def copy_scheme(
    *, user, scheme: AssessmentScheme, name: str, region=None, period: str | None = None
) -> AssessmentScheme:
    """A copy of ``scheme`` and its whole tree, under a new name (and optionally for another
    committee or period type)."""
    region = region or scheme.region
    _require(user, region)
    copy = AssessmentScheme(
        region=region,
        name=(name or "").strip(),
        period=period or scheme.period,
        applies_to=scheme.applies_to,
        full_marks=scheme.full_marks,
        decimals=scheme.decimals,
        note=scheme.note,
    )
    _check_scheme(copy)
    copy.save()
    mapping: dict[int, Indicator] = {}
    for ind in tree(scheme):
        new = Indicator(
            scheme=copy,
            parent=mapping.get(ind.parent_id),
            **{name: getattr(ind, name) for name in INDICATOR_FIELDS},
        )
        if new.source == IndicatorSource.ROLLUP and copy.period == AssessmentPeriod.MONTH:
            raise ValidationError(
                {"period": _("The scheme rolls monthly totals up; it cannot become monthly.")}
            )
        new.save()
        mapping[ind.pk] = new
    return copy


def tree(scheme: AssessmentScheme) -> list[Indicator]:
    """The scheme's items depth first, each with ``depth`` set (for indented display)."""
    items = list(scheme.indicators.all().order_by("order", "code"))
    children: dict[int | None, list[Indicator]] = {}
    for item in items:
        children.setdefault(item.parent_id, []).append(item)
    out: list[Indicator] = []

    def walk(parent_id, depth):
        for item in children.get(parent_id, []):
            item.depth = depth
            item.params_text = json.dumps(item.params, ensure_ascii=False) if item.params else ""
            out.append(item)
            walk(item.pk, depth + 1)

    walk(None, 0)
    return out


# --- scoring ----------------------------------------------------------------------------------


def _fraction(value: Decimal, floor: Decimal, target: Decimal) -> Decimal:
    frac = (value - floor) / (target - floor)
    return max(ZERO, min(Decimal(1), frac))


def _holds(ind: Indicator, value: Decimal) -> bool:
    threshold = Decimal(str(ind.params.get("threshold", 1)))
    return value <= threshold if ind.params.get("at_most") else value >= threshold


def score_value(ind: Indicator, value: Decimal | None) -> tuple[Decimal, bool]:
    """The points ``value`` earns on item ``ind`` (negative for deductions) and whether a veto
    holds. No value (a manual item not yet entered) earns nothing."""
    if value is None:
        return ZERO, False
    weight = ind.weight
    p = ind.params or {}
    if ind.kind == IndicatorKind.VETO:
        return ZERO, _holds(ind, value)
    if ind.rule == ScoringRule.LINEAR:
        magnitude = weight * _fraction(value, Decimal(str(p["floor"])), Decimal(str(p["target"])))
    elif ind.rule == ScoringRule.PER_UNIT:
        per = Decimal(str(p["per_unit"])) * max(ZERO, value)
        if ind.kind == IndicatorKind.SCORED:
            magnitude = max(ZERO, weight - per)
        else:
            magnitude = min(per, weight)
    elif ind.rule == ScoringRule.THRESHOLD:
        magnitude = weight if _holds(ind, value) else ZERO
    else:  # DIRECT: the value is the points, 0 … weight (a deduction's size, either sign)
        magnitude = max(
            ZERO, min(abs(value) if ind.kind == IndicatorKind.DEDUCTION else value, weight)
        )
    magnitude = _points(magnitude)
    return (-magnitude if ind.kind == IndicatorKind.DEDUCTION else magnitude), False


@dataclass
class _Sums:
    scored: Decimal = ZERO
    bonus: Decimal = ZERO
    deduction: Decimal = ZERO  # positive: what is taken off
    capped: list = field(default_factory=list)


def totals(scheme: AssessmentScheme, points: dict[int, Decimal]) -> tuple[Decimal, dict]:
    """The total of item points (``{indicator id: points}``) with the caps applied, unrounded,
    and a breakdown {scored, bonus, deduction, capped}."""
    items = list(scheme.indicators.all())
    children: dict[int | None, list[Indicator]] = {}
    for item in items:
        children.setdefault(item.parent_id, []).append(item)

    def walk(parent_id) -> _Sums:
        sums = _Sums()
        for item in children.get(parent_id, []):
            if item.kind == IndicatorKind.GROUP:
                sub = walk(item.pk)
                cap = item.weight
                for name in ("scored", "bonus", "deduction"):
                    value = getattr(sub, name)
                    if value > cap and (name == "scored" or cap > 0):
                        sums.capped.append({"group": item.code, "part": name, "cap": str(cap)})
                        value = cap
                    setattr(sums, name, getattr(sums, name) + value)
                sums.capped += sub.capped
                continue
            p = points.get(item.pk, ZERO)
            if item.kind == IndicatorKind.SCORED:
                sums.scored += p
            elif item.kind == IndicatorKind.BONUS:
                sums.bonus += p
            elif item.kind == IndicatorKind.DEDUCTION:
                sums.deduction += -p
        return sums

    sums = walk(None)
    scored = min(sums.scored, scheme.full_marks)
    total = max(ZERO, min(scheme.full_marks, scored + sums.bonus - sums.deduction))
    return total, {
        "scored": str(scored),
        "bonus": str(sums.bonus),
        "deduction": str(sums.deduction),
        "capped": sums.capped,
    }


def shown(assessment: Assessment) -> str:
    """The total as the scheme rounds it ("90.0"), or "–" before it is computed."""
    if assessment.total is None:
        return "–"
    return str(round_total(assessment.scheme, assessment.total))


def round_total(scheme: AssessmentScheme, total: Decimal) -> Decimal:
    return total.quantize(Decimal(1).scaleb(-int(scheme.decimals)), rounding=ROUND_HALF_UP)


# --- computing a period -----------------------------------------------------------------------


def applicable_units(scheme: AssessmentScheme):
    units = MemberUnit.objects.filter(committee_region=scheme.region, active=True)
    if scheme.applies_to != SchemeAppliesTo.ALL:
        units = units.filter(kind=scheme.applies_to)
    return units.select_related("township", "committee_region").order_by("kind", "order", "name")


def _rollup(ind: Indicator, unit: MemberUnit, start: dt.date, end: dt.date):
    """The average of the unit's monthly totals in [start, end): each month's signed-off
    assessment, or, where none is signed, the computed one."""
    monthly = Assessment.objects.filter(
        unit=unit,
        period_start__gte=start,
        period_start__lt=end,
        scheme__period=AssessmentPeriod.MONTH,
        scheme__region=ind.scheme.region_id,
        total__isnull=False,
    )
    if ind.params.get("scheme"):
        monthly = monthly.filter(scheme_id=ind.params["scheme"])
    best: dict[dt.date, Assessment] = {}
    for a in monthly.order_by("period_start", "pk"):
        held = best.get(a.period_start)
        if held is None or (a.state == AssessmentState.SIGNED and held.state != "signed"):
            best[a.period_start] = a
    months = [
        {"month": f"{m:%Y-%m}", "total": str(a.total), "signed": a.state == "signed", "id": a.pk}
        for m, a in sorted(best.items())
    ]
    if not best:
        return None, {"months": [], "note": "no monthly assessment yet"}
    avg = sum((a.total for a in best.values()), start=ZERO) / len(best)
    return _points(avg), {"months": months, "average": str(_points(avg))}


def _rollup_points(ind: Indicator, value: Decimal | None) -> tuple[Decimal, bool]:
    """A rolled-up average scores in proportion (DIRECT: weight × average / 100) or by rule."""
    if value is None or ind.kind == IndicatorKind.VETO:
        return score_value(ind, value)
    if ind.rule == ScoringRule.DIRECT:
        magnitude = _points(max(ZERO, min(ind.weight, ind.weight * value / Decimal(100))))
        return (-magnitude if ind.kind == IndicatorKind.DEDUCTION else magnitude), False
    return score_value(ind, value)


def _fill(assessment: Assessment, indicators: list[Indicator]) -> None:
    """Recompute every score and the total of one (unsigned) assessment."""
    start, end = assessment.period_start, assessment.period_end + dt.timedelta(days=1)
    existing = {s.indicator_id: s for s in assessment.scores.all()}
    points: dict[int, Decimal] = {}
    vetoes = []
    now = timezone.now()
    for ind in indicators:
        if ind.kind == IndicatorKind.GROUP:
            continue
        score = existing.get(ind.pk) or Score(assessment=assessment, indicator=ind)
        if ind.source == IndicatorSource.COMPUTED:
            value, detail = metrics.compute_metric(ind.metric, assessment.unit, start, end)
            score.value, score.detail = value, {**detail, "metric": ind.metric}
            score.points, score.vetoes = score_value(ind, value)
        elif ind.source == IndicatorSource.ROLLUP:
            value, detail = _rollup(ind, assessment.unit, start, end)
            score.value, score.detail = value, detail
            score.points, score.vetoes = _rollup_points(ind, value)
        else:
            score.points, score.vetoes = score_value(ind, score.value)
            score.detail = {"manual": True} if score.value is not None else {"manual": "missing"}
        score.save()
        points[ind.pk] = score.points
        if score.vetoes:
            vetoes.append(ind.name)
    total, breakdown = totals(assessment.scheme, points)
    assessment.total = round_total(assessment.scheme, total)
    assessment.vetoed = bool(vetoes)
    assessment.veto_reason = "；".join(vetoes)[:300]
    assessment.grade = grade_for(assessment.total, assessment.vetoed)
    assessment.computed_at = now
    assessment.save(update_fields=["total", "vetoed", "veto_reason", "grade", "computed_at"])


def rank(scheme: AssessmentScheme, period_start: dt.date) -> list[Assessment]:
    """Rank the period's assessments: highest total first, equal totals share a rank (1, 1, 3),
    vetoed units after all others."""
    rows = list(
        Assessment.objects.filter(scheme=scheme, period_start=period_start).select_related("unit")
    )
    rows.sort(key=lambda a: (a.vetoed, -(a.total if a.total is not None else Decimal(-1))))
    previous, current = None, 0
    for position, a in enumerate(rows, start=1):
        key = (a.vetoed, a.total)
        if key != previous:
            current, previous = position, key
        if a.rank != current:
            a.rank = current
            Assessment.objects.filter(pk=a.pk).update(rank=current)
    return rows


@dataclass
class ComputeRun:
    scheme: AssessmentScheme
    period_start: dt.date
    created: int = 0
    refreshed: int = 0
    locked: int = 0
    assessments: list = field(default_factory=list)


@transaction.atomic
def compute(scheme: AssessmentScheme, period_start: dt.date, *, user=None) -> ComputeRun:
    """Create or refresh the assessments of every applicable unit for the period containing
    ``period_start``. Signed-off assessments are never recomputed. With ``user``, only the
    office may do it (jobs pass none)."""
    if user is not None:
        _require(user, scheme.region)
    if period_start > local_today():
        raise ValidationError({"period": _("The period has not begun yet.")})
    start, end = periods.assessment_bounds(scheme.period, period_start)
    run = ComputeRun(scheme=scheme, period_start=start)
    indicators = list(scheme.indicators.all())
    for unit in applicable_units(scheme):
        assessment, created = Assessment.objects.get_or_create(
            scheme=scheme,
            unit=unit,
            period_start=start,
            defaults={"period_end": end - dt.timedelta(days=1)},
        )
        assessment = (
            Assessment.objects.select_for_update()
            .select_related("unit", "scheme")
            .get(pk=assessment.pk)
        )
        if assessment.locked:
            run.locked += 1
        else:
            _fill(assessment, indicators)
            run.created += created
            run.refreshed += not created
        run.assessments.append(assessment)
    run.assessments = rank(scheme, start)
    return run


# --- manual scores, review, sign-off ----------------------------------------------------------


def _refresh_one(assessment: Assessment) -> None:
    _fill(assessment, list(assessment.scheme.indicators.all()))
    rank(assessment.scheme, assessment.period_start)


@transaction.atomic
def enter_score(
    *,
    user,
    assessment: Assessment,
    indicator: Indicator,
    value,
    evidence: str = "",
    files: Iterable[CheckedUpload] = (),
) -> Score:
    """Enter a manual item's value (for a DIRECT item: its points; for a veto: 1 when it
    holds, 0 when not) with the evidence; the assessment's total follows."""
    _require(user, assessment.scheme.region)
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.state != AssessmentState.DRAFT:
        raise ValidationError(
            {
                "state": _("Only a draft can be changed; this one is %(state)s.")
                % {"state": assessment.get_state_display()}
            }
        )
    if indicator.scheme_id != assessment.scheme_id or indicator.kind == IndicatorKind.GROUP:
        raise ValidationError({"indicator": _("No such item in this assessment's scheme.")})
    if indicator.source != IndicatorSource.MANUAL:
        raise ValidationError({"indicator": _("This item is computed, not entered.")})
    number = _decimal(value, "value")
    if number < 0 and indicator.kind != IndicatorKind.DEDUCTION:
        raise ValidationError({"value": _("The value cannot be negative.")})
    if abs(number) > Decimal("1e7"):
        raise ValidationError({"value": _("The value is too large.")})
    if indicator.rule == ScoringRule.DIRECT and indicator.kind != IndicatorKind.VETO:
        if abs(number) > indicator.weight:
            raise ValidationError(
                {
                    "value": _("At most %(weight)s points on this item.")
                    % {"weight": indicator.weight}
                }
            )
    evidence = (evidence or "").strip()
    if len(evidence) > 4000:
        raise ValidationError({"evidence": _("At most 4000 characters.")})
    files = list(files)
    if not evidence and not files:
        raise ValidationError({"evidence": _("Say what the value rests on, or attach a file.")})
    score, _created = Score.objects.get_or_create(assessment=assessment, indicator=indicator)
    score.value = number.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    score.evidence = evidence
    score.entered_by = user
    score.entered_at = timezone.now()
    score.save()
    for upload in files:
        stored = ScoreEvidence(score=score, uploaded_by=user)
        stored.keep(upload)
        stored.save()
    assessment.scheme = indicator.scheme
    _refresh_one(assessment)
    score.refresh_from_db()
    return score


def _office_users(region):
    return User.objects.filter(
        is_active=True,
        region=region,
        role__in=(UserRole.CITY_ADMIN, UserRole.COUNTY_REGULATOR),
    )


def _move(assessment: Assessment, frm: str, to: str, **fields) -> Assessment:
    """Compare-and-set: zero rows means someone else acted first."""
    done = Assessment.objects.filter(pk=assessment.pk, state=frm).update(state=to, **fields)
    if not done:
        raise ValidationError(
            {"state": _("The assessment has changed meanwhile; reload the page and try again.")}
        )
    assessment.refresh_from_db()
    return assessment


@transaction.atomic
def submit(*, user, assessment: Assessment) -> Assessment:
    """Submit a draft for review (the total is recomputed first)."""
    _require(user, assessment.scheme.region)
    if assessment.state != AssessmentState.DRAFT:
        raise ValidationError({"state": _("Only a draft can be submitted for review.")})
    _refresh_one(assessment)
    assessment = _move(
        assessment,
        AssessmentState.DRAFT,
        AssessmentState.REVIEW,
        submitted_at=timezone.now(),
        submitted_by=user,
    )
    link = reverse("supervision:assessment", args=[assessment.pk])
    notify(
        recipients=_office_users(assessment.scheme.region),
        kind=NotificationKind.ASSESSMENT,
        title=_("Assessment to sign off: %(a)s") % {"a": assessment},
        body=_("Total %(total)s.") % {"total": assessment.total},
        link=link,
        dedup_key=f"assessment-review-{assessment.pk}-{assessment.submitted_at:%s}",
        actor=user,
    )
    return assessment


@transaction.atomic
def return_to_draft(*, user, assessment: Assessment, comment: str = "") -> Assessment:
    _require(user, assessment.scheme.region)
    if assessment.state != AssessmentState.REVIEW:
        raise ValidationError({"state": _("Only an assessment under review can be returned.")})
    return _move(
        assessment,
        AssessmentState.REVIEW,
        AssessmentState.DRAFT,
        comment=(comment or "").strip()[:2000],
    )


@transaction.atomic
def sign(*, user, assessment: Assessment, comment: str = "") -> Assessment:
    """Sign off an assessment under review: it is locked for good."""
    _require(user, assessment.scheme.region)
    if assessment.state != AssessmentState.REVIEW:
        raise ValidationError({"state": _("Only an assessment under review can be signed off.")})
    fields = {"signed_at": timezone.now(), "signed_by": user}
    if comment:
        fields["comment"] = comment.strip()[:2000]
    assessment = _move(assessment, AssessmentState.REVIEW, AssessmentState.SIGNED, **fields)
    recipients = list(assessment.unit.liaisons.filter(is_active=True))
    if assessment.unit.township_id:
        recipients += list(
            User.objects.filter(
                is_active=True,
                region=assessment.unit.township_id,
                role=UserRole.TOWNSHIP_SUPERVISOR,
            )
        )
    notify(
        recipients=recipients,
        kind=NotificationKind.ASSESSMENT,
        title=_("Assessment signed off: %(a)s") % {"a": assessment},
        body=_("Total %(total)s, grade %(grade)s, rank %(rank)s.")
        % {
            "total": assessment.total,
            "grade": assessment.get_grade_display(),
            "rank": assessment.rank or "–",
        },
        link=reverse("supervision:assessment", args=[assessment.pk]),
        dedup_key=f"assessment-signed-{assessment.pk}",
        actor=user,
    )
    return assessment


def periods_of(scheme: AssessmentScheme) -> list[dt.date]:
    """The periods that have assessments, newest first."""
    return list(
        Assessment.objects.filter(scheme=scheme)
        .order_by("-period_start")
        .values_list("period_start", flat=True)
        .distinct()
    )
