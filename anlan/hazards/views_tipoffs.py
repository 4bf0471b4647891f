"""Staff pages for tip-offs, rewards and exposed cases."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anlan.core.downloads import xlsx_response
from anlan.portal.guard import client_address
from anlan.registry.models import Enterprise

from . import exposure, rewards, tipoffs
from .choices import (
    AccidentLevel,
    HazardCategory,
    HazardLevel,
    RewardBasis,
    RewardKind,
    RewardStatus,
    TipOffStatus,
)
from .excel import export_rewards
from .forms import RewardPolicyForm
from .models import ExposureCase, Hazard, Reward, RewardPolicy, TipOff


def _messages_from(request, exc: Exception) -> None:
    if isinstance(exc, ValidationError):
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.error(request, str(exc) or _("You may not make this change."))


# ---------------------------------------------------------------- tip-offs


@login_required
def tipoff_list(request):
    qs = TipOff.objects.visible_to(request.user).select_related("region", "hazard")
    status = request.GET.get("status", "")
    if status in TipOffStatus.values:
        qs = qs.filter(status=status)
    if request.GET.get("overdue"):
        qs = qs.verification_overdue()
    page = Paginator(qs, settings.ANLAN_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "hazards/tipoff_list.html",
        {
            "page": page,
            "status": status,
            "overdue": bool(request.GET.get("overdue")),
            "statuses": TipOffStatus.choices,
        },
    )


@login_required
def tipoff_detail(request, pk):
    tip_off = get_object_or_404(TipOff.objects.visible_to(request.user), pk=pk)
    user = request.user
    reward = tip_off.rewards.select_related("proposed_by", "decided_by").first()
    return render(
        request,
        "hazards/tipoff_detail.html",
        {
            "tip_off": tip_off,
            "events": tip_off.events.all(),
            "photos": tip_off.photos.all(),
            "can_handle": tipoffs.can_handle(user, tip_off),
            "can_see_identity": tipoffs.can_see_identity(user),
            "viewings": tip_off.identity_viewings.select_related("viewer")[:20]
            if tipoffs.can_see_identity(user)
            else [],
            "enterprises": Enterprise.objects.visible_to(user)
            .filter(region__prefix__startswith=tip_off.region.prefix)
            .order_by("name")[:500],
            "categories": HazardCategory.choices,
            "levels": HazardLevel.choices,
            "reward": reward,
            "rewards": tip_off.rewards.all(),
            "can_decide": reward is not None and rewards.can_decide(user, reward),
            "bases": [
                (b, label) for b, label in RewardBasis.choices if b != RewardBasis.INTERNAL_TIER
            ],
            "accident_levels": AccidentLevel.choices,
            "policy": RewardPolicy.current(),
        },
    )


TIPOFF_ACTIONS = {"substantiate", "link", "unfounded", "recheck", "identity", "reward"}


@login_required
@require_POST
def tipoff_action(request, pk, action):
    if action not in TIPOFF_ACTIONS:
        raise Http404
    tip_off = get_object_or_404(TipOff.objects.visible_to(request.user), pk=pk)
    user, post = request.user, request.POST
    reply = post.get("reply", "")[:2000]
    try:
        if action == "identity":
            identity = tipoffs.reveal_identity(
                tip_off=tip_off,
                user=user,
                purpose=post.get("purpose", ""),
                client_address=client_address(request),
            )
            context = {"tip_off": tip_off, "identity": identity}
            return render(request, "hazards/tipoff_identity.html", context)
        if action == "substantiate":
            enterprise = None
            if post.get("enterprise"):
                enterprise = (
                    Enterprise.objects.visible_to(user).filter(pk=post["enterprise"]).first()
                )
                if enterprise is None:
                    raise ValidationError(
                        {"enterprise": _("No such enterprise in your jurisdiction.")}
                    )
            hazard = tipoffs.substantiate(
                tip_off=tip_off,
                user=user,
                hazard_data={
                    "enterprise": enterprise,
                    "place_name": post.get("place_name", "")[:200],
                    "category": post.get("category", ""),
                    "level": post.get("level", ""),
                },
                reply=reply,
            )
            messages.success(
                request,
                _("Substantiated: hazard %(code)s recorded and verified.") % {"code": hazard.code},
            )
            return redirect("hazards:tipoff_detail", pk=tip_off.pk)
        if action == "link":
            hazard = (
                Hazard.objects.visible_to(user).filter(code=post.get("hazard", "").strip()).first()
            )
            if hazard is None:
                raise ValidationError({"hazard": _("No such hazard in your jurisdiction.")})
            tipoffs.link_to_hazard(tip_off=tip_off, user=user, hazard=hazard, reply=reply)
        elif action == "unfounded":
            tipoffs.mark_unfounded(tip_off=tip_off, user=user, reply=reply)
        elif action == "recheck":
            tipoffs.resolve_recheck(
                tip_off=tip_off,
                user=user,
                still_present=post.get("still_present") == "1",
                reply=reply,
            )
        elif action == "reward":
            rewards.propose_tip_off_reward(
                tip_off=tip_off,
                user=user,
                basis=post.get("basis", ""),
                fine_amount=post.get("fine_amount") or None,
                accident_level=post.get("accident_level", ""),
                deaths=post.get("concealed_deaths") or None,
            )
    except (ValidationError, PermissionDenied) as exc:
        _messages_from(request, exc)
    else:
        messages.success(request, _("Saved."))
    return redirect("hazards:tipoff_detail", pk=tip_off.pk)


@login_required
def tipoff_photo(request, pk, photo_pk):
    tip_off = get_object_or_404(TipOff.objects.visible_to(request.user), pk=pk)
    photo = get_object_or_404(tip_off.photos, pk=photo_pk)
    return FileResponse(photo.file.open("rb"), content_type=photo.content_type)


# ---------------------------------------------------------------- rewards


def _rewards(request):
    qs = Reward.objects.visible_to(request.user).select_related(
        "tip_off", "hazard", "enterprise", "region"
    )
    kind, status = request.GET.get("kind", ""), request.GET.get("status", "")
    if kind in RewardKind.values:
        qs = qs.filter(kind=kind)
    if status in RewardStatus.values:
        qs = qs.filter(status=status)
    return qs, kind, status


@login_required
def reward_list(request):
    qs, kind, status = _rewards(request)
    page = Paginator(qs, settings.ANLAN_PAGE_SIZE).get_page(request.GET.get("page"))
    user = request.user
    return render(
        request,
        "hazards/reward_list.html",
        {
            "page": page,
            "rows": [(r, rewards.may_decide_visible(user, r)) for r in page],
            "kind": kind,
            "status": status,
            "kinds": RewardKind.choices,
            "statuses": RewardStatus.choices,
            "query": request.GET.urlencode(),
            "policy": RewardPolicy.current(),
            "can_edit_policy": rewards.can_edit_policy(user),
        },
    )


@login_required
def reward_export(request):
    qs, _kind, _status = _rewards(request)
    return xlsx_response(export_rewards(qs), "rewards")


REWARD_ACTIONS = {"approve", "refuse", "pay", "payee"}


@login_required
@require_POST
def reward_action(request, pk, action):
    if action not in REWARD_ACTIONS:
        raise Http404
    reward = get_object_or_404(Reward.objects.visible_to(request.user), pk=pk)
    user, post = request.user, request.POST
    try:
        if action in ("approve", "refuse"):
            rewards.decide_reward(
                reward=reward,
                user=user,
                approve=action == "approve",
                note=post.get("note", "")[:2000],
            )
        elif action == "pay":
            rewards.record_payout(reward=reward, user=user, reference=post.get("reference", ""))
        elif action == "payee":
            payee = rewards.reveal_payee(
                reward=reward,
                user=user,
                purpose=post.get("purpose", ""),
                client_address=client_address(request),
            )
            return render(request, "hazards/reward_payee.html", {"reward": reward, "payee": payee})
    except (ValidationError, PermissionDenied) as exc:
        _messages_from(request, exc)
    else:
        messages.success(request, _("Saved."))
    target = post.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "hazards:rewards"
    return redirect(target or "hazards:rewards")


@login_required
def reward_policy(request):
    if not rewards.can_edit_policy(request.user):
        raise PermissionDenied
    form = RewardPolicyForm(request.POST or None, instance=RewardPolicy.current())
    if request.method == "POST" and form.is_valid():
        rewards.save_policy(user=request.user, values=form.cleaned_data)
        messages.success(request, _("The reward rules were saved."))
        return redirect("hazards:rewards")
    return render(request, "hazards/reward_policy.html", {"form": form})


# ---------------------------------------------------------------- internal-report rewards


@login_required
def internal_scheme(request):
    user = request.user
    enterprise = getattr(user, "enterprise", None)
    if enterprise is None or not rewards.can_manage_internal(user, enterprise):
        raise PermissionDenied
    scheme = getattr(enterprise, "internal_reward_scheme", None)
    if request.method == "POST":
        try:
            rewards.set_internal_scheme(
                enterprise=enterprise,
                user=user,
                general_amount=request.POST.get("general_amount", ""),
                major_amount=request.POST.get("major_amount", ""),
            )
        except ValidationError as exc:
            _messages_from(request, exc)
        else:
            messages.success(request, _("The internal-report reward scheme was saved."))
            return redirect("hazards:rewards")
    return render(
        request, "hazards/internal_scheme.html", {"enterprise": enterprise, "scheme": scheme}
    )


@login_required
@require_POST
def internal_reward(request, pk):
    hazard = get_object_or_404(Hazard.objects.visible_to(request.user), pk=pk)
    try:
        rewards.propose_internal_reward(
            hazard=hazard, user=request.user, employee_name=request.POST.get("employee_name", "")
        )
    except (ValidationError, PermissionDenied) as exc:
        _messages_from(request, exc)
    else:
        messages.success(request, _("The internal-report reward was proposed."))
    return redirect("hazards:detail", pk=hazard.pk)


# ---------------------------------------------------------------- exposure


@login_required
def exposure_list(request):
    qs = ExposureCase.objects.visible_to(request.user).select_related("hazard", "published_by")
    page = Paginator(qs, settings.ANLAN_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "hazards/exposure_list.html", {"page": page})


@login_required
@require_POST
def exposure_publish(request, pk):
    hazard = get_object_or_404(Hazard.objects.visible_to(request.user), pk=pk)
    try:
        exposure.publish_case(
            hazard=hazard,
            user=request.user,
            title=request.POST.get("title", ""),
            facts=request.POST.get("facts", ""),
            outcome=request.POST.get("outcome", ""),
        )
    except (ValidationError, PermissionDenied) as exc:
        _messages_from(request, exc)
    else:
        messages.success(request, _("Published on the public portal."))
    return redirect("hazards:detail", pk=hazard.pk)


@login_required
@require_POST
def exposure_withdraw(request, pk):
    case = get_object_or_404(ExposureCase.objects.visible_to(request.user), pk=pk)
    try:
        exposure.withdraw_case(case=case, user=request.user)
    except (ValidationError, PermissionDenied) as exc:
        _messages_from(request, exc)
    else:
        messages.success(request, _("Withdrawn from the public portal."))
    return redirect("hazards:exposures")
