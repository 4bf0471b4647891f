"""Excel import pages for a team's members and equipment: the template to fill in, and the
upload with its report of bad cells. Out-of-scope teams are a 404; those who may not manage the
team get a 403."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from anlan.core.downloads import xlsx_response

from . import import_equipment, import_members, imports
from . import services_equipment as equipment_services
from . import services_members as member_services
from .models import Team

KINDS = {
    "members": (member_services.may_manage, import_members.template, import_members.import_members),
    "equipment": (
        equipment_services.may_manage,
        import_equipment.template,
        import_equipment.import_items,
    ),
}


def _team(request, team_id: int, kind: str) -> Team:
    team = get_object_or_404(Team.objects.visible_to(request.user), pk=team_id)
    if not KINDS[kind][0](request.user, team):
        raise PermissionDenied(_("You may not change the records of this team."))
    return team


def _template(request, team_id: int, kind: str):
    team = _team(request, team_id, kind)
    return xlsx_response(KINDS[kind][1](team=team), f"rescue-{kind}-template-{team.pk}")


def _import(request, team_id: int, kind: str):
    team = _team(request, team_id, kind)
    form = imports.ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            imports.check_size(upload.size)
            report = KINDS[kind][2](
                upload.read(), user=request.user, team=team, partial=form.cleaned_data["partial"]
            )
        except imports.LedgerFileError as exc:
            form.add_error("file", str(exc))
        if report is not None and report.saved and not report.errors:
            messages.success(
                request,
                _(
                    "Imported %(rows)d rows: %(created)d new, %(updated)d updated, %(unchanged)d unchanged."
                )
                % report.as_dict(),
            )
    if kind == "members":
        title = _("Import members from Excel")
        back = reverse("rescue:member-list", args=[team.pk])
        template_url = reverse("rescue:member-import-template", args=[team.pk])
    else:
        title = _("Import equipment from Excel")
        back = reverse("rescue:equipment-list") + f"?team={team.pk}"
        template_url = reverse("rescue:equipment-import-template", args=[team.pk])
    return render(
        request,
        "rescue/import.html",
        {
            "form": form,
            "report": report,
            "team": team,
            "title": title,
            "back": back,
            "template_url": template_url,
            "kind": kind,
        },
        status=422 if form.errors or (report and not report.saved) else 200,
    )


@login_required
def member_template(request, team_id: int):
    return _template(request, team_id, "members")


@login_required
@require_http_methods(["GET", "POST"])
def member_import(request, team_id: int):
    return _import(request, team_id, "members")


@login_required
def equipment_template(request, team_id: int):
    return _template(request, team_id, "equipment")


@login_required
@require_http_methods(["GET", "POST"])
def equipment_import(request, team_id: int):
    return _import(request, team_id, "equipment")
