from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import notify, services
from .choices import UserRole
from .forms import UserForm, add_service_errors
from .models import Notification, User
from .permissions import can_manage, can_manage_users


def healthz(request):
    """Liveness for load balancers: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@login_required
def password_change(request):
    """Change one's own password; required after an administrator issued a temporary one."""
    form = PasswordChangeForm(request.user, request.POST or None)
    for field in form.fields.values():
        field.widget.attrs["class"] = "form-control"
    if request.method == "POST" and form.is_valid():
        user = form.save()
        services.password_changed(user=user)
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password was changed."))
        return redirect("reports:dashboard")
    return render(request, "core/password_change.html", {"form": form})


def _visible_users(request):
    return User.objects.visible_to(request.user).select_related(
        "region", "enterprise__region", "team__region"
    )


@login_required
def user_list(request):
    if not can_manage_users(request.user):
        raise PermissionDenied
    qs = _visible_users(request)
    q = (request.GET.get("q") or "").strip()[:50]
    role = request.GET.get("role") or ""
    if q:
        qs = qs.filter(
            Q(username__icontains=q) | Q(display_name__icontains=q) | Q(mobile__icontains=q)
        )
    if role in UserRole.values:
        qs = qs.filter(role=role)
    page = Paginator(qs.order_by("role", "username"), settings.ANLAN_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for user in page:
        user.manageable = can_manage(request.user, user)
    return render(
        request,
        "core/user_list.html",
        {"page": page, "q": q, "role": role, "roles": UserRole.choices},
    )


@login_required
def user_edit(request, pk=None):
    if not can_manage_users(request.user):
        raise PermissionDenied
    user = get_object_or_404(_visible_users(request), pk=pk) if pk else None
    if user is not None and not can_manage(request.user, user):
        raise PermissionDenied
    form = UserForm(request.POST or None, instance=user, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved, password = services.save_user(
                actor=request.user, data=form.cleaned_data, user=user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if password:
                return render(
                    request, "core/user_password.html", {"account": saved, "password": password}
                )
            messages.success(request, _("Saved %(name)s.") % {"name": saved})
            return redirect("user_list")
    return render(request, "core/user_form.html", {"form": form, "account": user})


@login_required
@require_POST
def user_reset_password(request, pk):
    user = get_object_or_404(_visible_users(request), pk=pk)
    password = services.reset_password(actor=request.user, user=user)
    return render(request, "core/user_password.html", {"account": user, "password": password})


@login_required
@require_POST
def user_set_active(request, pk):
    user = get_object_or_404(_visible_users(request), pk=pk)
    active = request.POST.get("active") == "1"
    services.set_active(actor=request.user, user=user, active=active)
    if active:
        messages.success(request, _("%(name)s can sign in again.") % {"name": user})
    else:
        messages.success(
            request,
            _("%(name)s can no longer sign in; their API tokens are revoked.") % {"name": user},
        )
    return redirect("user_list")


# ---------------------------------------------------------------- inbox


def _inbox_redirect(request):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("notifications:inbox")


@login_required
def inbox(request):
    """The signed-in user's own notifications, newest first; ``?unread=1`` for unread only."""
    qs = Notification.objects.for_user(request.user)
    unread_only = request.GET.get("unread") == "1"
    if unread_only:
        qs = qs.unread()
    page = Paginator(qs, settings.ANLAN_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "core/inbox.html", {"page": page, "unread_only": unread_only})


@login_required
@require_POST
def notification_read(request, pk):
    """Mark one notification read; with ``open`` set, go on to what it is about."""
    note = get_object_or_404(Notification.objects.for_user(request.user), pk=pk)
    notify.mark_read(user=request.user, notification=note)
    if request.POST.get("open") and note.link.startswith("/") and not note.link.startswith("//"):
        return redirect(note.link)
    return _inbox_redirect(request)


@login_required
@require_POST
def notification_read_all(request):
    count = notify.mark_all_read(user=request.user)
    messages.success(request, _("%(count)d notifications marked read.") % {"count": count})
    return _inbox_redirect(request)


def locked_out(request, response=None, credentials=None):
    """django-axes' answer to a sign-in from a locked-out username and address: 429 and a page
    saying for how long."""
    return render(
        request,
        "core/locked_out.html",
        {
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        },
        status=429,
    )
