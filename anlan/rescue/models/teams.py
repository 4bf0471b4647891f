"""Rescue teams, their units (squadrons and squads), 24-hour contacts, members and what the
members have done: training, certificates, assessments."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from anlan.core.models import Located
from anlan.core.scoping import filter_by_scope
from anlan.core.validators import (
    mask_id_number,
    normalize_id_number,
    validate_id_number,
)

from ..choices import (
    KIND_TIERS,
    POST_RULE,
    READINESS_COLOURS,
    TEAM_STATUS_COLOURS,
    AssessmentResult,
    Capability,
    MemberPost,
    MemberStatus,
    Readiness,
    Staffing,
    TeamKind,
    TeamStatus,
    TeamTier,
    TrainingKind,
    UnitKind,
)

# China's extent in WGS-84 decimal degrees (Zengmu Reef to the Heilong River; Pamirs to the
# Wusuli): coordinates outside it are a typing error (swapped or missing digits).
CHINA_LATITUDE = (3.8, 53.6)
CHINA_LONGITUDE = (73.4, 135.1)


def china_location_errors(obj: Located) -> dict:
    """Both-or-neither, then inside China, for a model's clean()."""
    errors = obj.location_errors()
    if errors or not obj.has_location:
        return errors
    lat, lon = float(obj.latitude), float(obj.longitude)
    if not CHINA_LATITUDE[0] <= lat <= CHINA_LATITUDE[1]:
        errors["latitude"] = _("Latitude %(value)s is outside China (%(low)s to %(high)s).") % {
            "value": lat,
            "low": CHINA_LATITUDE[0],
            "high": CHINA_LATITUDE[1],
        }
    if not CHINA_LONGITUDE[0] <= lon <= CHINA_LONGITUDE[1]:
        errors["longitude"] = _("Longitude %(value)s is outside China (%(low)s to %(high)s).") % {
            "value": lon,
            "low": CHINA_LONGITUDE[0],
            "high": CHINA_LONGITUDE[1],
        }
    return errors


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def years_between(start: dt.date, day: dt.date) -> float:
    return (day - start).days / 365.25


class TeamQuerySet(models.QuerySet):
    def visible_to(self, user):
        return filter_by_scope(self, user, team_field="pk")


class Team(Located):
    """A rescue team of any kind: the city brigade, a county squad co-built with enterprises, an
    enterprise team, a township team, a fire brigade, a militia company or a social force."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=TeamKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("coordinating team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("The team one tier up: a county squad's city brigade."),
    )
    region = models.ForeignKey(
        "core.Region",
        verbose_name=_("region served"),
        on_delete=models.PROTECT,
        related_name="teams",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=TeamStatus.choices, default=TeamStatus.ACTIVE
    )
    staffing = models.CharField(
        _("staffing"), max_length=10, choices=Staffing.choices, default=Staffing.FULL_TIME
    )
    capabilities = models.JSONField(_("capabilities"), default=list, blank=True)
    base_address = models.CharField(_("base address"), max_length=255, blank=True)
    co_building_enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("co-building enterprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="co_built_teams",
    )
    government_provides = models.CharField(_("the government provides"), max_length=500, blank=True)
    enterprise_provides = models.CharField(_("the enterprise provides"), max_length=500, blank=True)
    linked_enterprises = models.ManyToManyField(
        "registry.Enterprise",
        verbose_name=_("linked enterprise safety departments (24-hour liaison)"),
        blank=True,
        related_name="linked_rescue_teams",
    )
    duty_phone = models.CharField(_("24-hour duty phone"), max_length=20, blank=True)
    readiness = models.CharField(
        _("standing readiness"),
        max_length=10,
        choices=Readiness.choices,
        default=Readiness.NORMAL,
        help_text=_("A duty shift or a warning may raise it for a time."),
    )
    headcount = models.PositiveIntegerField(
        _("authorised headcount"), default=0, help_text=_("The members are listed separately.")
    )
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo record"), default=False)

    objects = TeamQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[linked_enterprises])

    class Meta:
        verbose_name = _("rescue team")
        verbose_name_plural = _("rescue teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = china_location_errors(self)
        caps = self.capabilities if isinstance(self.capabilities, list) else None
        if caps is None or any(c not in Capability.values for c in caps):
            errors["capabilities"] = _("Unknown capability; choose from: %(values)s.") % {
                "values": ", ".join(Capability.values)
            }
        if self.parent_id and self.pk and self.parent_id == self.pk:
            errors["parent"] = _("A team cannot coordinate itself.")
        elif self.parent_id and self.pk:
            seen, node = {self.pk}, self.parent
            while node is not None:
                if node.pk in seen:
                    errors["parent"] = _("This parent would make a loop of teams.")
                    break
                seen.add(node.pk)
                node = node.parent
        if self.co_building_enterprise_id and not self.enterprise_provides:
            errors["enterprise_provides"] = _(
                "Say what the co-building enterprise provides (people, site, equipment, funds)."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def tier(self) -> str:
        return KIND_TIERS.get(self.kind, "support")

    @property
    def tier_label(self) -> str:
        return str(TeamTier(self.tier).label)

    @property
    def status_colour(self) -> str:
        return TEAM_STATUS_COLOURS.get(self.status, "secondary")

    @property
    def readiness_colour(self) -> str:
        return READINESS_COLOURS.get(self.readiness, "secondary")

    @property
    def capability_labels(self) -> list[str]:
        return [str(Capability(c).label) for c in self.capabilities if c in Capability.values]


class TeamContact(models.Model):
    """A 24-hour contact of a team (commander, duty room, deputy)."""

    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=50)
    role = models.CharField(_("role"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20)
    order = models.PositiveSmallIntegerField(_("order"), default=1)

    class Meta:
        verbose_name = _("24-hour contact")
        verbose_name_plural = _("24-hour contacts")
        ordering = ["team", "order"]

    def __str__(self) -> str:
        return f"{self.name}（{self.role}）{self.phone}"


class TeamUnit(models.Model):
    """A squadron (中队) or a squad (小队, the smallest fighting unit) inside a team."""

    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="units"
    )
    name = models.CharField(_("name"), max_length=50)
    kind = models.CharField(_("kind"), max_length=10, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("squadron"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="squads",
    )

    class Meta:
        verbose_name = _("team unit")
        verbose_name_plural = _("team units")
        ordering = ["team", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["team", "name"], name="rescue_unit_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.team.name} · {self.name}"

    def clean(self) -> None:
        errors = {}
        if self.parent_id:
            if self.kind != UnitKind.SQUAD or self.parent.kind != UnitKind.SQUADRON:
                errors["parent"] = _("Only a squad sits in a squadron.")
            elif self.parent.team_id != self.team_id:
                errors["parent"] = _("The squadron belongs to another team.")
        if errors:
            raise ValidationError(errors)


class MemberQuerySet(models.QuerySet):
    def visible_to(self, user):
        return filter_by_scope(self, user, region_field="team__region", team_field="team")


class Member(models.Model):
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="members"
    )
    unit = models.ForeignKey(
        TeamUnit,
        verbose_name=_("squad or squadron"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    name = models.CharField(_("name"), max_length=50)
    id_number = models.CharField(
        _("citizen ID number"),
        max_length=18,
        validators=[validate_id_number],
        help_text=_("18 characters, GB 11643; the date of birth is read from it."),
    )
    post = models.CharField(_("post"), max_length=30, choices=MemberPost.choices)
    mobile = models.CharField(_("mobile"), max_length=20, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MemberStatus.choices, default=MemberStatus.ACTIVE
    )
    joined_on = models.DateField(_("joined the team on"))
    experience_since = models.DateField(
        _("qualifying experience since"),
        help_text=_(
            "Start of the experience the post requires: rescue work for a squad leader; work as "
            "a squadron commander or in mine production, safety or technical management for a "
            "commander."
        ),
    )
    is_demo = models.BooleanField(_("demo record"), default=False)

    objects = MemberQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["team", "post", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "id_number"], name="rescue_member_unique_id_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_post_display()}）"

    @property
    def birth_date(self) -> dt.date | None:
        number = self.id_number or ""
        try:
            return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        except ValueError:
            return None

    @property
    def age(self) -> int | None:
        birth = self.birth_date
        return age_on(birth, timezone.localdate()) if birth else None

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    def rule_errors(self, day: dt.date | None = None) -> dict:
        """The age and experience rules of the member's post (ANLAN_RESCUE_POST_RULES)."""
        day = day or timezone.localdate()
        errors: dict = {}
        birth = self.birth_date
        if birth is None:
            return errors
        age = age_on(birth, day)
        if age < settings.ANLAN_RESCUE_MIN_AGE:
            errors["id_number"] = _(
                "%(name)s is %(age)d; a rescue member must be at least %(min)d."
            ) % {"name": self.name, "age": age, "min": settings.ANLAN_RESCUE_MIN_AGE}
        rule = settings.ANLAN_RESCUE_POST_RULES.get(POST_RULE.get(self.post, ""))
        if rule is None:
            return errors
        max_age, min_years = rule
        if age > max_age:
            errors["post"] = _(
                "%(name)s is %(age)d; the post of %(post)s allows at most %(max)d."
            ) % {"name": self.name, "age": age, "post": self.get_post_display(), "max": max_age}
        if self.experience_since and min_years:
            years = years_between(self.experience_since, day)
            if years < min_years:
                errors["experience_since"] = _(
                    "The post of %(post)s needs at least %(min)s years of qualifying experience; "
                    "%(name)s has %(years).1f."
                ) % {
                    "post": self.get_post_display(),
                    "min": min_years,
                    "name": self.name,
                    "years": max(years, 0),
                }
        return errors

    def clean(self) -> None:
        self.id_number = normalize_id_number(self.id_number)
        errors = {}
        if self.unit_id and self.team_id and self.unit.team_id != self.team_id:
            errors["unit"] = _("The squad belongs to another team.")
        if self.joined_on and self.joined_on > timezone.localdate():
            errors["joined_on"] = _("The date cannot be in the future.")
        if self.experience_since and self.experience_since > timezone.localdate():
            errors["experience_since"] = _("The date cannot be in the future.")
        if self.status != MemberStatus.LEFT:
            errors.update({k: v for k, v in self.rule_errors().items() if k not in errors})
        if errors:
            raise ValidationError(errors)


class ScopedByMemberQuerySet(models.QuerySet):
    def visible_to(self, user):
        return filter_by_scope(
            self, user, region_field="member__team__region", team_field="member__team"
        )


class Training(models.Model):
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="trainings"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=TrainingKind.choices)
    course = models.CharField(_("course"), max_length=200)
    started_on = models.DateField(_("started on"))
    hours = models.DecimalField(
        _("hours"),
        max_digits=6,
        decimal_places=1,
        validators=[MinValueValidator(0.5), MaxValueValidator(2000)],
    )
    provider = models.CharField(_("provider"), max_length=200, blank=True)
    passed = models.BooleanField(_("passed"), default=True)

    objects = ScopedByMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        ordering = ["-started_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.member.name} · {self.course}"

    def clean(self) -> None:
        if self.started_on and self.started_on > timezone.localdate():
            raise ValidationError({"started_on": _("The date cannot be in the future.")})


class Certificate(models.Model):
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="certificates"
    )
    name = models.CharField(_("certificate"), max_length=100)
    number = models.CharField(_("number"), max_length=50, blank=True)
    issuer = models.CharField(_("issued by"), max_length=100, blank=True)
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"))

    objects = ScopedByMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["expires_on", "pk"]
        indexes = [models.Index(fields=["expires_on"])]

    def __str__(self) -> str:
        return f"{self.member.name} · {self.name}"

    def clean(self) -> None:
        if self.issued_on and self.expires_on and self.expires_on <= self.issued_on:
            raise ValidationError({"expires_on": _("A certificate expires after it is issued.")})

    def state(self, day: dt.date | None = None) -> str:
        """valid, expiring (within ANLAN_RESCUE_CERT_WARNING_DAYS) or expired."""
        day = day or timezone.localdate()
        if self.expires_on < day:
            return "expired"
        if (self.expires_on - day).days <= settings.ANLAN_RESCUE_CERT_WARNING_DAYS:
            return "expiring"
        return "valid"


class ScoringRule(models.Model):
    """A team's assessment rules (队员考核细则): items with their full marks, and the marks for a
    pass and for excellent."""

    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="scoring_rules"
    )
    name = models.CharField(_("name"), max_length=100)
    items = models.JSONField(
        _("items"), default=list, help_text=_('[{"name": "佩戴呼吸器", "points": 20}, …]')
    )
    pass_mark = models.PositiveSmallIntegerField(_("pass mark"), default=60)
    excellent_mark = models.PositiveSmallIntegerField(_("mark for excellent"), default=90)

    class Meta:
        verbose_name = _("scoring rules")
        verbose_name_plural = _("scoring rules")
        ordering = ["team", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def full_marks(self) -> int:
        return sum(int(i.get("points", 0)) for i in self.items if isinstance(i, dict))

    def clean(self) -> None:
        errors = {}
        items = self.items if isinstance(self.items, list) else None
        if not items or not all(
            isinstance(i, dict)
            and str(i.get("name", "")).strip()
            and isinstance(i.get("points"), int)
            and i["points"] > 0
            for i in items
        ):
            errors["items"] = _("List the items, each with a name and whole positive points.")
        elif self.pass_mark > self.full_marks:
            errors["pass_mark"] = _("The pass mark is above the full marks (%(n)d).") % {
                "n": self.full_marks
            }
        if self.excellent_mark < self.pass_mark:
            errors["excellent_mark"] = _("The mark for excellent is below the pass mark.")
        if errors:
            raise ValidationError(errors)


class Assessment(models.Model):
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="assessments"
    )
    rule = models.ForeignKey(
        ScoringRule, verbose_name=_("scoring rules"), on_delete=models.PROTECT, related_name="+"
    )
    assessed_on = models.DateField(_("assessed on"))
    scores = models.JSONField(_("scores by item"), default=dict)
    total = models.PositiveSmallIntegerField(_("total"), default=0, editable=False)
    result = models.CharField(
        _("result"), max_length=10, choices=AssessmentResult.choices, editable=False
    )
    assessor = models.CharField(_("assessor"), max_length=50, blank=True)

    objects = ScopedByMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-assessed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.member.name} · {self.assessed_on} · {self.total}"

    def clean(self) -> None:
        errors = {}
        if self.assessed_on and self.assessed_on > timezone.localdate():
            errors["assessed_on"] = _("The date cannot be in the future.")
        if self.rule_id and self.member_id and self.rule.team_id != self.member.team_id:
            errors["rule"] = _("These rules belong to another team.")
        elif self.rule_id:
            scores = self.scores if isinstance(self.scores, dict) else None
            limits = {i["name"]: i["points"] for i in self.rule.items}
            if scores is None:
                errors["scores"] = _("Give a score for each item.")
            else:
                missing = [n for n in limits if n not in scores]
                unknown = [n for n in scores if n not in limits]
                bad = [
                    n
                    for n, v in scores.items()
                    if n in limits and not (isinstance(v, int) and 0 <= v <= limits[n])
                ]
                if missing:
                    errors["scores"] = _("No score for: %(items)s.") % {"items": "、".join(missing)}
                elif unknown:
                    errors["scores"] = _("Not an item of these rules: %(items)s.") % {
                        "items": "、".join(unknown)
                    }
                elif bad:
                    errors["scores"] = _(
                        "A score must be a whole number from 0 to the item's points: %(items)s."
                    ) % {"items": "、".join(bad)}
        if errors:
            raise ValidationError(errors)
        if self.rule_id:
            self.total = sum(self.scores.values())
            if self.total >= self.rule.excellent_mark:
                self.result = AssessmentResult.EXCELLENT
            elif self.total >= self.rule.pass_mark:
                self.result = AssessmentResult.PASS
            else:
                self.result = AssessmentResult.FAIL
