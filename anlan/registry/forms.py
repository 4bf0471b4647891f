from django import forms
from django.utils.translation import gettext_lazy as _

from anlan.core.choices import RegionLevel
from anlan.core.forms import style_fields
from anlan.core.models import Region
from anlan.core.validators import normalize_mobile

from . import services
from .choices import AssessmentMethod, CheckResult, EnterpriseRiskFlag, RiskPointKind
from .models import ControlMeasure, Enterprise, HazardSource, ResponsiblePerson


class EnterpriseForm(forms.ModelForm):
    risk_flags = forms.MultipleChoiceField(
        label=_("risk flags"),
        choices=EnterpriseRiskFlag.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Enterprise
        fields = list(services.ENTERPRISE_FIELDS)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = (
            Region.objects.visible_to(user)
            .filter(level__in=[RegionLevel.COUNTY, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE])
            .order_by("code")
        )
        self.fields["region"].label_from_instance = lambda r: f"{r.code} {r.full_name}"
        if self.instance.pk:
            self.initial["risk_flags"] = list(
                self.instance.risk_flags.values_list("code", flat=True)
            )
        style_fields(self)

    def clean_uscc(self):
        return self.cleaned_data["uscc"].replace(" ", "").upper()


class PersonForm(forms.ModelForm):
    class Meta:
        model = ResponsiblePerson
        fields = ["name", "post", "id_number", "mobile"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)

    def clean_id_number(self):
        return self.cleaned_data["id_number"].replace(" ", "").upper()

    def clean_mobile(self):
        return normalize_mobile(self.cleaned_data["mobile"])


class HazardSourceForm(forms.ModelForm):
    class Meta:
        model = HazardSource
        fields = [
            "name",
            "code",
            "level",
            "principal",
            "technical_lead",
            "operations_lead",
            "description",
        ]

    def __init__(self, *args, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        persons = enterprise.responsible_persons.all()
        for name in HazardSource.GUARANTOR_FIELDS:
            self.fields[name].queryset = persons
        style_fields(self)
        self.fields["description"].widget.attrs["rows"] = 3


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel ledger (.xlsx)"))
    partial = forms.BooleanField(
        label=_("Import the good rows and report the rest"),
        required=False,
        help_text=_("By default one bad cell stops the whole import and nothing is saved."),
    )


# ---------------------------------------------------------------- risk points


def _table_choices(table):
    from .grading import plain

    return [("", "—")] + [(plain(v), f"{plain(v)} — {label}") for v, label in table]


class RiskPointForm(forms.Form):
    """A risk point with its assessment; the service grades it (the page computes D or R live
    as a preview only)."""

    name = forms.CharField(label=_("name"), max_length=200)
    kind = forms.ChoiceField(label=_("kind"), choices=RiskPointKind.choices)
    location = forms.CharField(label=_("location"), max_length=255, required=False)
    latitude = forms.DecimalField(
        label=_("latitude"), required=False, max_digits=9, decimal_places=6
    )
    longitude = forms.DecimalField(
        label=_("longitude"), required=False, max_digits=9, decimal_places=6
    )
    hazard_factors = forms.CharField(
        label=_("hazard factors"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line."),
    )
    method = forms.ChoiceField(
        label=_("method"), choices=AssessmentMethod.choices, widget=forms.RadioSelect
    )
    lec_l = forms.ChoiceField(label=_("L (likelihood)"), required=False)
    lec_e = forms.ChoiceField(label=_("E (exposure)"), required=False)
    lec_c = forms.ChoiceField(label=_("C (consequence)"), required=False)
    ls_l = forms.ChoiceField(label=_("L (likelihood)"), required=False)
    ls_s = forms.ChoiceField(label=_("S (severity)"), required=False)

    def __init__(self, *args, point=None, **kwargs):
        from .grading import LEC_C, LEC_E, LEC_L, LS_L, LS_S, plain

        if point is not None and not kwargs.get("initial"):
            initial = {f: getattr(point, f) for f in ("name", "kind", "location", "latitude")}
            initial.update(
                longitude=point.longitude,
                hazard_factors=point.hazard_factors,
                method=point.method,
                lec_l=plain(point.lec_l),
                lec_e=plain(point.lec_e),
                lec_c=plain(point.lec_c),
                ls_l=point.ls_l or "",
                ls_s=point.ls_s or "",
            )
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.fields["lec_l"].choices = _table_choices(LEC_L)
        self.fields["lec_e"].choices = _table_choices(LEC_E)
        self.fields["lec_c"].choices = _table_choices(LEC_C)
        self.fields["ls_l"].choices = [("", "—")] + [(str(v), f"{v} — {t}") for v, t in LS_L]
        self.fields["ls_s"].choices = [("", "—")] + [(str(v), f"{v} — {t}") for v, t in LS_S]
        style_fields(self)
        self.fields["method"].widget.attrs["class"] = "form-check-input"
        for name in ("lec_l", "lec_e", "lec_c", "ls_l", "ls_s"):
            self.fields[name].widget.attrs["data-factor"] = name


class MeasureForm(forms.ModelForm):
    class Meta:
        model = ControlMeasure
        fields = [
            "text",
            "person",
            "person_name",
            "person_mobile",
            "frequency",
            "every_days",
            "starts_on",
        ]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2}),
            "starts_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = enterprise.responsible_persons.all()
        style_fields(self)

    def clean_person_mobile(self):
        return normalize_mobile(self.cleaned_data.get("person_mobile") or "")


class CheckForm(forms.Form):
    result = forms.ChoiceField(
        label=_("result"), choices=CheckResult.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    photo = forms.FileField(label=_("photo"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)
        self.fields["result"].widget.attrs["class"] = "form-check-input"
        self.fields["photo"].widget.attrs["accept"] = "image/*"
        self.fields["photo"].widget.attrs["capture"] = "environment"
