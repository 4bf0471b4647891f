"""Forms of the committee office's pages: filters, a member unit with its duty list, issuing a
督办 task, feedback with evidence, and review. The rules live in ``office``; these only parse."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from anlan.core.choices import RegionLevel, UserRole
from anlan.core.models import Region, User
from anlan.hazards.forms import MultipleFileField

from . import office
from .choices import TaskPriority, UnitKind
from .models import MemberUnit

DATE = forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"})
SMALL = {"class": "form-control form-control-sm"}
SELECT = {"class": "form-select form-select-sm"}

TASK_STATE_FILTERS = [
    ("", _("All")),
    ("open", _("Open tasks")),
    ("overdue", _("Overdue tasks")),
    ("closed", _("Closed tasks")),
    ("cancelled", _("Cancelled tasks")),
]


def _region_by_code(code: str, field: str) -> Region | None:
    code = (code or "").strip()
    if not code:
        return None
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise forms.ValidationError(
            gettext("No region with the code “%(code)s”.") % {"code": code[:20]}, code=field
        )
    return region


class UnitFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("kind"),
        required=False,
        choices=[("", _("All"))] + list(UnitKind.choices),
        widget=forms.Select(attrs=SELECT),
    )
    region = forms.CharField(
        label=_("Region code"), required=False, max_length=12, widget=forms.TextInput(attrs=SMALL)
    )
    q = forms.CharField(
        label=_("Search"), required=False, max_length=50, widget=forms.TextInput(attrs=SMALL)
    )

    def clean_region(self):
        return _region_by_code(self.cleaned_data.get("region"), "region")

    def apply(self, units):
        data = self.cleaned_data
        if data.get("kind"):
            units = units.filter(kind=data["kind"])
        region = data.get("region")
        if region is not None:
            if region.level in (RegionLevel.TOWNSHIP, RegionLevel.VILLAGE):
                units = units.filter(township__prefix__startswith=region.prefix[:9])
            else:
                units = units.filter(committee_region__prefix__startswith=region.prefix)
        if data.get("q"):
            units = units.filter(name__icontains=data["q"])
        return units


class TaskFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("state"),
        required=False,
        choices=TASK_STATE_FILTERS,
        widget=forms.Select(attrs=SELECT),
    )
    unit = forms.IntegerField(
        label=_("member unit"), required=False, min_value=1, widget=forms.HiddenInput
    )
    region = forms.CharField(
        label=_("Region code"), required=False, max_length=12, widget=forms.TextInput(attrs=SMALL)
    )
    date_from = forms.DateField(label=_("Issued from"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("Issued to"), required=False, widget=DATE)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_region(self):
        return _region_by_code(self.cleaned_data.get("region"), "region")

    def clean_unit(self):
        pk = self.cleaned_data.get("unit")
        if pk is None:
            return None
        unit = MemberUnit.objects.visible_to(self.user).filter(pk=pk).first()
        if unit is None:
            raise forms.ValidationError(gettext("No such member unit in your view."))
        return unit

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", gettext("The end date is before the start date."))
        return data

    def apply(self, tasks):
        d = self.cleaned_data
        return office.filter_tasks(
            tasks,
            state=d.get("state") or "",
            unit=d.get("unit"),
            region=d.get("region"),
            date_from=d.get("date_from"),
            date_to=d.get("date_to"),
        )


class UnitForm(forms.ModelForm):
    committee_region = forms.ModelChoiceField(
        label=_("committee of"), queryset=Region.objects.none(), widget=forms.Select(attrs=SELECT)
    )
    sectors = forms.CharField(
        label=_("sectors supervised"),
        required=False,
        max_length=500,
        help_text=_("Comma-separated."),
        widget=forms.TextInput(attrs=SMALL),
    )
    duties = forms.CharField(
        label=_("Duty list"),
        required=False,
        max_length=20000,
        help_text=_("One duty per line; add its basis after a “|”."),
        widget=forms.Textarea(attrs={"rows": 6, "class": "form-control form-control-sm"}),
    )

    class Meta:
        model = MemberUnit
        fields = [
            "kind",
            "name",
            "short_name",
            "township",
            "party_chair",
            "admin_chair",
            "liaison_name",
            "liaison_phone",
            "liaisons",
            "order",
            "active",
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        committees = office.committees_for(user)
        self.fields["committee_region"].queryset = committees
        if self.instance.pk:
            self.fields["committee_region"].disabled = True
            self.fields["committee_region"].initial = self.instance.committee_region_id
            self.fields["sectors"].initial = ", ".join(self.instance.sectors or [])
            self.fields["duties"].initial = "\n".join(
                d.text + (f" | {d.basis}" if d.basis else "") for d in self.instance.duties.all()
            )
        prefixes = [c.prefix for c in committees[:50]]
        towns = Region.objects.filter(level=RegionLevel.TOWNSHIP)
        if not office._is_admin(user):
            from django.db.models import Q

            q = Q(pk__in=[])
            for p in prefixes:
                q |= Q(prefix__startswith=p)
            towns = towns.filter(q)
        self.fields["township"].queryset = towns.order_by("code")
        self.fields["liaisons"].queryset = User.objects.filter(
            is_active=True, role__in=[UserRole.MEMBER_UNIT_LIAISON, UserRole.TOWNSHIP_SUPERVISOR]
        ).order_by("username")
        self.fields["liaisons"].required = False
        for name, f in self.fields.items():
            if name in ("active",):
                f.widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(f.widget, forms.Select | forms.SelectMultiple):
                f.widget.attrs.setdefault("class", "form-select form-select-sm")
            else:
                f.widget.attrs.setdefault("class", "form-control form-control-sm")

    def duty_lines(self):
        lines = []
        for raw in (self.cleaned_data.get("duties") or "").splitlines():
            text, _sep, basis = raw.partition("|")
            if text.strip() or basis.strip():
                lines.append(office.DutyLine(text.strip(), basis.strip()))
        return lines

    def unit_data(self) -> dict:
        data = {k: self.cleaned_data[k] for k in self.Meta.fields if k != "liaisons"}
        data["sectors"] = self.cleaned_data.get("sectors") or ""
        return data

    def _post_clean(self):
        # The model is validated by the service (with the committee set); skip ModelForm's
        # own instance validation, which runs before the committee is known.
        pass


class IssueForm(forms.Form):
    region = forms.ModelChoiceField(
        label=_("Issued by the committee of"),
        queryset=Region.objects.none(),
        widget=forms.Select(attrs=SELECT),
    )
    title = forms.CharField(label=_("title"), max_length=200, widget=forms.TextInput(attrs=SMALL))
    body = forms.CharField(
        label=_("requirements"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 5, "class": "form-control form-control-sm"}),
    )
    priority = forms.ChoiceField(
        label=_("priority"), choices=TaskPriority.choices, widget=forms.Select(attrs=SELECT)
    )
    deadline = forms.DateField(label=_("deadline"), widget=DATE)
    all_townships = forms.BooleanField(
        label=_("All townships of the committee"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    units = forms.ModelMultipleChoiceField(
        label=_("Units"),
        required=False,
        queryset=MemberUnit.objects.none(),
        widget=forms.SelectMultiple(attrs={"class": "form-select form-select-sm", "size": 8}),
    )
    hazard = forms.IntegerField(
        label=_("Arising from hazard (id)"),
        required=False,
        min_value=1,
        widget=forms.NumberInput(attrs=SMALL),
    )
    alert = forms.IntegerField(
        label=_("Arising from warning (id)"),
        required=False,
        min_value=1,
        widget=forms.NumberInput(attrs=SMALL),
    )
    campaign = forms.IntegerField(
        label=_("Part of campaign (id)"),
        required=False,
        min_value=1,
        widget=forms.NumberInput(attrs=SMALL),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        committees = office.committees_for(user)
        self.fields["region"].queryset = committees
        self.fields["units"].queryset = (
            MemberUnit.objects.filter(active=True, committee_region__in=committees)
            .select_related("committee_region")
            .order_by("committee_region__code", "kind", "order", "name")
        )
        self.fields["units"].label_from_instance = lambda u: f"{u.committee_region.name} · {u.name}"

    def _linked(self, name, model):
        pk = self.cleaned_data.get(name)
        if pk is None:
            return None
        obj = model.objects.visible_to(self.user).filter(pk=pk).first()
        if obj is None:
            raise forms.ValidationError(gettext("Not found in your jurisdiction."))
        return obj

    def clean_hazard(self):
        from anlan.hazards.models import Hazard

        return self._linked("hazard", Hazard)

    def clean_alert(self):
        from anlan.alerts.models import Alert

        return self._linked("alert", Alert)

    def clean_campaign(self):
        from .models import Campaign

        return self._linked("campaign", Campaign)


class FeedbackForm(forms.Form):
    feedback = forms.CharField(
        label=_("feedback"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control form-control-sm"}),
    )
    evidence = MultipleFileField(label=_("Evidence (photos or PDF)"), required=False)


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("review comment"),
        required=False,
        max_length=2000,
        widget=forms.TextInput(attrs=SMALL),
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.TextInput(attrs=SMALL))
