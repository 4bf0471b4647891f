"""The REST API: django-ninja under /api/, OpenAPI at /api/docs.

Authentication: ``Authorization: Bearer <token>`` (tokens from the admin or
``anlan token create USER``) or the browser session (with CSRF for writes).
Errors: 422 with ``detail: [{loc, msg, type}]`` naming the field; 404 outside the user's scope.
"""

from __future__ import annotations

import pydantic_core
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.security import HttpBearer, django_auth

from anlan.core.faults import database_unavailable, is_database_unavailable
from anlan.core.models import ApiToken, hash_token


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        api_token = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if api_token is None:
            return None
        now = timezone.now()
        if api_token.last_used_at is None or (now - api_token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.user = api_token.user
        return api_token.user


api = NinjaAPI(
    title="Anlan API",
    version="1",
    description=__doc__,
    auth=[TokenAuth(), django_auth],
    urls_namespace="api",
)


def validation_detail(exc: ValidationError, prefix=("body", "payload")) -> list[dict]:
    if hasattr(exc, "error_dict"):
        return [
            {"loc": [*prefix, field], "msg": str(message), "type": "value_error"}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return [{"loc": list(prefix), "msg": str(m), "type": "value_error"} for m in exc.messages]


@api.exception_handler(ValidationError)
def on_validation_error(request, exc):
    return api.create_response(request, {"detail": validation_detail(exc)}, status=422)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc):
    return api.create_response(
        request, {"detail": str(exc) or _("You may not make this change.")}, status=403
    )


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def on_database_unavailable(request, exc):
    """503 "try again": the database could not be reached (anlan.core.faults)."""
    return database_unavailable(request, exc)


@api.exception_handler(pydantic_core.ValidationError)
def on_answer_not_built(request, exc):
    """An answer whose schema could not be filled: 503 when the database went away while it was
    read (anlan.core.faults), otherwise the bug it is (Django's 500)."""
    if is_database_unavailable(exc):
        return database_unavailable(request, exc)
    raise exc


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


from anlan.alerts.api import router as alerts_router  # noqa: E402
from anlan.alerts.api_households import router as alerts_households_router  # noqa: E402
from anlan.alerts.api_issue import router as alerts_issue_router  # noqa: E402
from anlan.commitments.api import router as commitments_router  # noqa: E402
from anlan.core.api import router as core_router  # noqa: E402
from anlan.hazards.api import router as hazards_router  # noqa: E402
from anlan.hazards.api_tipoffs import (  # noqa: E402
    exposure_router,
    portal_router,
    reward_router,
    tipoff_router,
)
from anlan.inspections.api import standards_router  # noqa: E402
from anlan.inspections.api_inspections import (  # noqa: E402
    checklist_router,
    inspection_router,
)
from anlan.monitoring.api import router as monitoring_router  # noqa: E402
from anlan.patrols.api import router as patrols_router  # noqa: E402
from anlan.registry.api import router as registry_router  # noqa: E402
from anlan.reports.api import quarterly_router  # noqa: E402
from anlan.reports.api import router as reports_router  # noqa: E402
from anlan.reports.api_bulletins import router as bulletins_router  # noqa: E402
from anlan.reports.api_exports import router as exports_router  # noqa: E402
from anlan.rescue.api import router as rescue_router  # noqa: E402
from anlan.rescue.api_equipment import router as rescue_equipment_router  # noqa: E402
from anlan.rescue.api_members import router as rescue_members_router  # noqa: E402
from anlan.supervision.api import router as supervision_router  # noqa: E402
from anlan.supervision.api_activities import router as activities_router  # noqa: E402
from anlan.supervision.api_assessment import router as assessment_router  # noqa: E402
from anlan.supervision.api_office import router as office_router  # noqa: E402

api.add_router("/", core_router)
api.add_router("/enterprises", registry_router)
api.add_router("/hazards", hazards_router)
api.add_router("/tipoffs", tipoff_router)
api.add_router("/rewards", reward_router)
api.add_router("/exposures", exposure_router)
api.add_router("/portal", portal_router)
api.add_router("/checklists", checklist_router)
api.add_router("/inspections", inspection_router)
api.add_router("/stats", reports_router)
api.add_router("/quarterly-reports", quarterly_router)
api.add_router("/standards", standards_router)
api.add_router("/monitoring", monitoring_router)
api.add_router("/supervision", supervision_router)
api.add_router("/office", office_router)
api.add_router("/office", activities_router)
api.add_router("/office", assessment_router)
api.add_router("/bulletins", bulletins_router)
api.add_router("/exports", exports_router)
api.add_router("/patrols", patrols_router)
api.add_router("/commitments", commitments_router)
api.add_router("/rescue", rescue_router)
api.add_router("/rescue", rescue_members_router)
api.add_router("/rescue", rescue_equipment_router)
api.add_router("/warnings", alerts_router)
api.add_router("/warnings", alerts_households_router)
api.add_router("/warnings", alerts_issue_router)
