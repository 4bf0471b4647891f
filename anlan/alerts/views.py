"""Warning pages: the list, a warning's live board with the targets' actions, import of CAP
files, rejected messages, feeds, and the sensitivity matrix."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anlan.core.downloads import xlsx_response
from anlan.hazards.choices import HazardCategory, HazardLevel
from anlan.registry.choices import EnterpriseIndustry, EnterpriseRiskFlag

from . import excel, ingest, matrix, response
from .choices import CheckOutcome, Colour, SignalType, TargetKind
from .models import Alert, FeedState, RejectedMessage, SensitivityRule, Target
from .services import may_edit_matrix, may_import

MAX_FILES = 20


def _error_text(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(f"{m}" for msgs in exc.message_dict.values() for m in msgs)
    return "; ".join(exc.messages)


@login_required
def alert_list(request):
    now = timezone.now()
    show = request.GET.get("show", "active")
    alerts = Alert.objects.visible_to(request.user).filter(is_latest=True)
    if show == "active":
        alerts = alerts.current(now)
    elif show == "drafts":
        alerts = alerts.exclude(stage="published")
    signal = request.GET.get("signal", "")
    if signal in SignalType.values:
        alerts = alerts.filter(signal_type=signal)
    colour = request.GET.get("colour", "")
    if colour in Colour.values:
        alerts = alerts.filter(colour=colour)
    alerts = list(alerts.select_related("thread")[:200])
    counts = {
        row["thread"]: row
        for row in Target.objects.live()
        .filter(thread__in=[a.root.pk for a in alerts])
        .values("thread")
        .annotate(total=Count("pk"), acked=Count("pk", filter=Q(acknowledged_at__isnull=False)))
    }
    rows = [(a, counts.get(a.root.pk, {"total": 0, "acked": 0})) for a in alerts]
    mine = my_targets(request.user, now)
    return render(
        request,
        "alerts/list.html",
        {
            "rows": rows,
            "mine": mine,
            "show": show,
            "signal": signal,
            "colour": colour,
            "signals": SignalType.choices,
            "colours": Colour.choices,
            "may_import": may_import(request.user),
        },
    )


def my_targets(user, now):
    """Live targets of active warnings addressed to this user (waiting first)."""
    active = [a.root.pk for a in Alert.objects.current(now).only("pk", "thread_id")]
    targets = (
        Target.objects.live()
        .filter(thread_id__in=active)
        .select_related("thread", "region", "enterprise", "team")
    )
    return sorted(
        (t for t in targets.visible_to(user) if response.is_recipient(user, t)),
        key=lambda t: (t.acknowledged_at is not None, t.measures_at is not None, t.ack_due),
    )


def _thread(request, pk) -> tuple[Alert, Alert]:
    alert = get_object_or_404(Alert.objects.visible_to(request.user), pk=pk)
    root = alert.root
    return root, response.latest_of(root)


@login_required
def detail(request, pk):
    root, latest = _thread(request, pk)
    context = _board_context(request, root)
    context.update(
        {
            "root": root,
            "alert": latest,
            "messages_in_thread": Alert.objects.filter(Q(pk=root.pk) | Q(thread=root))
            .published()
            .order_by("sent", "pk"),
            "categories": HazardCategory.choices,
            "levels": HazardLevel.choices,
        }
    )
    return render(request, "alerts/detail.html", context)


@login_required
def board_rows(request, pk):
    root, _latest = _thread(request, pk)
    return render(request, "alerts/_board.html", _board_context(request, root))


def _board_context(request, root: Alert) -> dict:
    now = timezone.now()
    kind = request.GET.get("kind", "")
    state = request.GET.get("state", "")
    targets = (
        Target.objects.filter(thread=root)
        .visible_to(request.user)
        .select_related("region", "enterprise", "team", "acknowledged_by")
        .order_by("withdrawn_at", "kind", "acknowledged_at", "region__code", "pk")
    )
    if kind in TargetKind.values:
        targets = targets.filter(kind=kind)
    rows = []
    for target in targets:
        if state and target.state != state:
            continue
        rows.append(
            {
                "target": target,
                "overdue": target.is_overdue(now),
                "may_act": response.may_act(request.user, target),
            }
        )
    summary = response.summary(root, now)
    by_outcome = summary["households"]["by_outcome"]
    return {
        "summary": summary,
        "check_rows": [(o.label, by_outcome[o]) for o in CheckOutcome if by_outcome.get(o)],
        "rows": rows,
        "kind": kind,
        "state": state,
        "kinds": TargetKind.choices,
        "root": root,
        "chart": {
            "labels": [v["label"] for v in summary["by_kind"].values()],
            "measures": [v["measures"] for v in summary["by_kind"].values()],
            "acknowledged": [
                v["acknowledged"] - v["measures"] for v in summary["by_kind"].values()
            ],
            "waiting": [v["waiting"] for v in summary["by_kind"].values()],
        },
    }


@login_required
def board_export(request, pk):
    root, latest = _thread(request, pk)
    targets = (
        Target.objects.filter(thread=root)
        .visible_to(request.user)
        .select_related("region", "enterprise", "team", "acknowledged_by", "measures_by")
    )
    return xlsx_response(excel.board_workbook(latest, targets), f"warning-{root.pk}")


def _target(request, pk) -> Target:
    return get_object_or_404(Target.objects.visible_to(request.user), pk=pk)


def _act(request, pk, action):
    target = _target(request, pk)
    try:
        action(target)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You may not do this."))
    return redirect(f"{_back(target)}#target-{target.pk}")


def _back(target: Target) -> str:
    from django.urls import reverse

    return reverse("alerts:detail", args=[target.thread_id])


@login_required
@require_POST
def target_ack(request, pk):
    def action(target):
        response.acknowledge(user=request.user, target=target)
        messages.success(request, _("Acknowledged."))

    return _act(request, pk, action)


@login_required
@require_POST
def target_measures(request, pk):
    def action(target):
        response.report_measures(
            user=request.user, target=target, measures=request.POST.get("measures", "")
        )
        messages.success(request, _("Measures recorded."))

    return _act(request, pk, action)


@login_required
@require_POST
def target_hazard(request, pk):
    def action(target):
        hazard = response.report_hazard(
            user=request.user,
            target=target,
            description=request.POST.get("description", ""),
            level=request.POST.get("level") or HazardLevel.GENERAL,
            category=request.POST.get("category") or HazardCategory.OTHER,
            place_name=request.POST.get("place_name", ""),
        )
        messages.success(request, _("Hazard %(code)s reported.") % {"code": hazard.code})

    return _act(request, pk, action)


# --------------------------------------------------------------------------- import


@login_required
def import_view(request):
    if not may_import(request.user):
        raise PermissionDenied
    results = []
    if request.method == "POST":
        files = request.FILES.getlist("files")
        if not files:
            messages.error(request, _("Choose one or more CAP XML files."))
        elif len(files) > MAX_FILES:
            messages.error(request, _("At most %(n)d files at a time.") % {"n": MAX_FILES})
        else:
            # One byte over the limit is enough for the parser to refuse an oversized file.
            pairs = [(f.name, f.read(settings.ANLAN_CAP_MAX_BYTES + 1)) for f in files]
            results = ingest.import_files(pairs, user=request.user)
    return render(request, "alerts/import.html", {"results": results})


@login_required
def rejected_list(request):
    if not may_import(request.user):
        raise PermissionDenied
    rows = RejectedMessage.objects.all()[:200]
    return render(request, "alerts/rejected_list.html", {"rows": rows})


@login_required
def rejected_detail(request, pk):
    if not may_import(request.user):
        raise PermissionDenied
    row = get_object_or_404(RejectedMessage, pk=pk)
    return render(request, "alerts/rejected_detail.html", {"row": row})


@login_required
def feeds(request):
    if not may_import(request.user):
        raise PermissionDenied
    if request.method == "POST":
        result = ingest.poll_all()
        total = {
            k: sum(r[k] for r in result.values()) for k in ("imported", "duplicates", "rejected")
        }
        messages.success(
            request,
            _(
                "Polled %(n)d feeds: %(imported)d imported, %(duplicates)d duplicates, %(rejected)d rejected."
            )
            % {"n": len(result), **total},
        )
        return redirect("alerts:feeds")
    states = {s.url: s for s in FeedState.objects.all()}
    rows = [(url, states.get(url)) for url in settings.ANLAN_CAP_FEEDS]
    return render(
        request,
        "alerts/feeds.html",
        {"rows": rows, "minutes": settings.ANLAN_CAP_POLL_MINUTES},
    )


# --------------------------------------------------------------------------- matrix


@login_required
def matrix_view(request):
    may_edit = may_edit_matrix(request.user)
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        try:
            matrix.save_rule(
                user=request.user,
                signal_type=request.POST.get("signal_type", ""),
                industries=request.POST.getlist("industries"),
                risk_flags=request.POST.getlist("risk_flags"),
                min_colour=request.POST.get("min_colour", "blue"),
                note=request.POST.get("note", ""),
            )
            messages.success(request, _("Saved."))
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        return redirect("alerts:matrix")
    rules = {r.signal_type: r for r in SensitivityRule.objects.all()}
    rows = [(value, label, rules.get(value)) for value, label in SignalType.choices]
    return render(
        request,
        "alerts/matrix.html",
        {
            "rows": rows,
            "may_edit": may_edit,
            "industries": EnterpriseIndustry.choices,
            "flags": EnterpriseRiskFlag.choices,
            "colours": Colour.choices,
            "industry_labels": dict(EnterpriseIndustry.choices),
            "flag_labels": dict(EnterpriseRiskFlag.choices),
        },
    )
