"""Member pages: a team's members (with the structure check and an Excel export), a member's
record (training, certificates, assessments), the forms that add to them, the team's training
summary and assessments, and the certificates due across the teams a user sees. Every look-up
goes through ``visible_to``; out of scope is a 404, a change by someone who may not is a 403."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from anlan.core.downloads import xlsx_response

from . import services_members as services
from .choices import ASSESSMENT_COLOURS, MemberPost, MemberStatus
from .excel_members import export_certificates, export_members
from .forms_members import (
    AssessmentForm,
    CertificateForm,
    MemberForm,
    ScoringRuleForm,
    TrainingForm,
    UnitForm,
)
from .imports import ImportForm
from .models import Certificate, Member, Team

STATE_COLOURS = {"expired": "danger", "expiring": "warning", "valid": "success"}
STATE_LABELS = {
    "expired": gettext_lazy("Expired"),
    "expiring": gettext_lazy("Expiring"),
    "valid": gettext_lazy("Valid"),
}


def _team(request, team_id: int) -> Team:
    return get_object_or_404(Team.objects.visible_to(request.user), pk=team_id)


def _member(request, pk: int) -> Member:
    return get_object_or_404(
        Member.objects.visible_to(request.user).select_related("team", "unit"), pk=pk
    )


def _managed(request, team: Team) -> None:
    if not services.may_manage(request.user, team):
        raise PermissionDenied(_("You may not change the records of this team."))


def _errors_to_form(form, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _form_page(request, form, *, title, team, member=None, back):
    return render(
        request,
        "rescue/members/form.html",
        {"form": form, "title": title, "team": team, "member": member, "back": back},
    )


def _save(request, form, action, **kwargs):
    """Call the service with the form's values; its errors go onto the form. The saved object,
    or None."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return action(user=request.user, **kwargs)
    except ValidationError as exc:
        _errors_to_form(form, exc)
        return None


# ---------------------------------------------------------------- members


def _filtered(request, team):
    values = {k: request.GET.get(k, "").strip() for k in ("post", "status", "unit")}
    try:
        members = Member.objects.select_related("unit")
        return services.filter_members(members, team=team, **values), values
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            messages.error(request, f"{field}: {' '.join(errors)}")
        return Member.objects.none(), values


@login_required
def member_list(request, team_id: int):
    team = _team(request, team_id)
    members, values = _filtered(request, team)
    return render(
        request,
        "rescue/members/list.html",
        {
            "team": team,
            "members": members,
            "filters": values,
            "posts": MemberPost.choices,
            "statuses": MemberStatus.choices,
            "units": team.units.all(),
            "problems": services.structure_problems(team),
            "may_manage": services.may_manage(request.user, team),
            "query": request.GET.urlencode(),
            "import_form": ImportForm(),
        },
    )


@login_required
def member_export(request, team_id: int):
    team = _team(request, team_id)
    members, _values = _filtered(request, team)
    return xlsx_response(export_members(members), f"rescue-members-{team.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def unit_new(request, team_id: int):
    team = _team(request, team_id)
    _managed(request, team)
    form = UnitForm(request.POST or None, team=team)
    unit = _save(
        request, form, lambda **kw: services.add_unit(data=form.cleaned_data, **kw), team=team
    )
    if unit:
        messages.success(request, _("%(unit)s added.") % {"unit": unit.name})
        return redirect("rescue:member-list", team_id=team.pk)
    return _form_page(request, form, title=_("Add a squad or squadron"), team=team, back=team.name)


@login_required
@require_http_methods(["GET", "POST"])
def member_new(request, team_id: int):
    team = _team(request, team_id)
    _managed(request, team)
    form = MemberForm(request.POST or None, team=team)
    member = _save(
        request,
        form,
        lambda **kw: services.save_member(data=form.cleaned_data, **kw),
        team=team,
    )
    if member:
        messages.success(request, _("%(name)s added.") % {"name": member.name})
        return redirect("rescue:member-detail", pk=member.pk)
    return _form_page(request, form, title=_("Add a member"), team=team, back=team.name)


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request, pk: int):
    member = _member(request, pk)
    team = member.team
    _managed(request, team)
    form = MemberForm(request.POST or None, instance=member, team=team)
    saved = _save(
        request,
        form,
        lambda **kw: services.save_member(data=form.cleaned_data, **kw),
        team=team,
        member=member,
    )
    if saved:
        messages.success(request, _("%(name)s saved.") % {"name": saved.name})
        return redirect("rescue:member-detail", pk=saved.pk)
    return _form_page(
        request, form, title=_("Edit a member"), team=team, member=member, back=member.name
    )


@login_required
def member_detail(request, pk: int):
    member = _member(request, pk)
    today = timezone.localdate()
    certificates = [
        (c, STATE_COLOURS[c.state(today)], STATE_LABELS[c.state(today)])
        for c in member.certificates.all()
    ]
    return render(
        request,
        "rescue/members/detail.html",
        {
            "member": member,
            "team": member.team,
            "trainings": member.trainings.all(),
            "hours_by_year": services.hours_by_year(member),
            "certificates": certificates,
            "assessments": [
                (a, ASSESSMENT_COLOURS.get(a.result, "secondary"))
                for a in member.assessments.select_related("rule")
            ],
            "rule_errors": member.rule_errors(today) if member.status != MemberStatus.LEFT else {},
            "may_manage": services.may_manage(request.user, member.team),
        },
    )


# ---------------------------------------------------------------- training


@login_required
@require_http_methods(["GET", "POST"])
def training_new(request, pk: int):
    member = _member(request, pk)
    _managed(request, member.team)
    form = TrainingForm(request.POST or None)
    training = _save(
        request,
        form,
        lambda **kw: services.add_training(data=form.cleaned_data, **kw),
        member=member,
    )
    if training:
        messages.success(request, _("Training record added."))
        return redirect("rescue:member-detail", pk=member.pk)
    return _form_page(
        request,
        form,
        title=_("Add a training record"),
        team=member.team,
        member=member,
        back=member.name,
    )


@login_required
def training_summary(request, team_id: int):
    team = _team(request, team_id)
    rows = services.training_summary(team)
    return render(
        request,
        "rescue/members/training_summary.html",
        {
            "team": team,
            "rows": rows,
            "year": timezone.localdate().year,
            "untrained": sum(1 for r in rows if r.untrained),
        },
    )


# ---------------------------------------------------------------- certificates


@login_required
@require_http_methods(["GET", "POST"])
def certificate_new(request, pk: int):
    member = _member(request, pk)
    _managed(request, member.team)
    form = CertificateForm(request.POST or None)
    certificate = _save(
        request,
        form,
        lambda **kw: services.add_certificate(data=form.cleaned_data, **kw),
        member=member,
    )
    if certificate:
        messages.success(request, _("Certificate added."))
        return redirect("rescue:member-detail", pk=member.pk)
    return _form_page(
        request,
        form,
        title=_("Add a certificate"),
        team=member.team,
        member=member,
        back=member.name,
    )


def _due_rows(request):
    raw = request.GET.get("days", "").strip()
    days = None
    if raw:
        if raw.isdigit() and int(raw) <= 3650:
            days = int(raw)
        else:
            messages.error(request, _("days: give a whole number of days from 0 to 3650."))
    rows = services.certificates_due(Certificate.objects.visible_to(request.user), days=days)
    return rows, days


@login_required
def certificates_due(request):
    rows, days = _due_rows(request)
    return render(
        request,
        "rescue/members/certificates_due.html",
        {
            "rows": [(c, STATE_COLOURS[s], STATE_LABELS[s]) for c, s in rows],
            "days": days,
            "query": request.GET.urlencode(),
        },
    )


@login_required
def certificates_due_export(request):
    rows, _days = _due_rows(request)
    return xlsx_response(
        export_certificates([(c, STATE_LABELS[s]) for c, s in rows]), "rescue-certificates-due"
    )


# ---------------------------------------------------------------- scoring rules and assessments


@login_required
@require_http_methods(["GET", "POST"])
def scoring_rule_new(request, team_id: int):
    team = _team(request, team_id)
    _managed(request, team)
    form = ScoringRuleForm(request.POST or None)
    rule = _save(
        request,
        form,
        lambda **kw: services.save_scoring_rule(data=form.cleaned_data, **kw),
        team=team,
    )
    if rule:
        messages.success(request, _("Scoring rules %(name)s saved.") % {"name": rule.name})
        return redirect("rescue:assessment-list", team_id=team.pk)
    return _form_page(request, form, title=_("Define scoring rules"), team=team, back=team.name)


@login_required
@require_http_methods(["GET", "POST"])
def assessment_new(request, pk: int):
    member = _member(request, pk)
    team = member.team
    _managed(request, team)
    rules = list(team.scoring_rules.all())
    if not rules:
        messages.warning(request, _("Define the team's scoring rules first."))
        return redirect("rescue:scoring-rule-new", team_id=team.pk)
    chosen = request.POST.get("rule") or request.GET.get("rule") or str(rules[-1].pk)
    rule = next((r for r in rules if str(r.pk) == chosen), rules[-1])
    form = AssessmentForm(request.POST or None, rule=rule)
    assessment = _save(
        request,
        form,
        lambda **kw: services.record_assessment(
            data={
                "rule": rule,
                "assessed_on": form.cleaned_data["assessed_on"],
                "assessor": form.cleaned_data["assessor"],
                "scores": form.scores(),
            },
            **kw,
        ),
        member=member,
    )
    if assessment:
        messages.success(
            request,
            _("Assessment recorded: %(total)d points, %(result)s.")
            % {"total": assessment.total, "result": assessment.get_result_display()},
        )
        return redirect("rescue:member-detail", pk=member.pk)
    return render(
        request,
        "rescue/members/assessment_form.html",
        {"form": form, "member": member, "team": team, "rules": rules, "rule": rule},
    )


@login_required
def assessment_list(request, team_id: int):
    team = _team(request, team_id)
    assessments = services.team_assessments(team)
    return render(
        request,
        "rescue/members/assessments.html",
        {
            "team": team,
            "rows": [(a, ASSESSMENT_COLOURS.get(a.result, "secondary")) for a in assessments],
            "rules": team.scoring_rules.all(),
            "may_manage": services.may_manage(request.user, team),
        },
    )
