"""Forms for members, units, training, certificates, scoring rules and assessments. Rules are
checked by the models' ``clean()`` (through the services), so the forms only collect values."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import UnitKind
from .models import Certificate, Member, ScoringRule, TeamUnit, Training
from .services_members import parse_items

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _bootstrap(form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)


class _Base(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bootstrap(self)

    def _post_clean(self):
        """The services run the models' checks (on the field), once, with the right user."""


class UnitForm(_Base):
    class Meta:
        model = TeamUnit
        fields = ["name", "kind", "parent"]

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = team.units.filter(kind=UnitKind.SQUADRON)
        self.fields["parent"].required = False


class MemberForm(_Base):
    class Meta:
        model = Member
        fields = [
            "name",
            "id_number",
            "post",
            "unit",
            "mobile",
            "status",
            "joined_on",
            "experience_since",
        ]
        widgets = {"joined_on": DATE, "experience_since": DATE}

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = team.units.all()


class TrainingForm(_Base):
    class Meta:
        model = Training
        fields = ["kind", "course", "started_on", "hours", "provider", "passed"]
        widgets = {"started_on": DATE}


class CertificateForm(_Base):
    class Meta:
        model = Certificate
        fields = ["name", "number", "issuer", "issued_on", "expires_on"]
        widgets = {"issued_on": DATE, "expires_on": DATE}


class ScoringRuleForm(_Base):
    items = forms.CharField(
        label=_("items"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One item a line: “item name = points”, e.g. “佩戴呼吸器 = 20”."),
    )

    class Meta:
        model = ScoringRule
        fields = ["name", "items", "pass_mark", "excellent_mark"]

    def clean_items(self):
        try:
            return parse_items(self.cleaned_data["items"])
        except forms.ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["items"]) from exc


class AssessmentForm(forms.Form):
    """The scoring rule's items become one whole-number field each (``score_0``, ``score_1``…)."""

    assessed_on = forms.DateField(label=_("assessed on"), widget=DATE)
    assessor = forms.CharField(label=_("assessor"), max_length=50, required=False)

    def __init__(self, *args, rule: ScoringRule, **kwargs):
        super().__init__(*args, **kwargs)
        self.rule = rule
        for index, item in enumerate(rule.items):
            self.fields[f"score_{index}"] = forms.IntegerField(
                label=f"{item['name']}（/{item['points']}）",
                min_value=0,
                max_value=item["points"],
            )
        _bootstrap(self)

    def scores(self) -> dict:
        return {
            item["name"]: self.cleaned_data[f"score_{i}"] for i, item in enumerate(self.rule.items)
        }
