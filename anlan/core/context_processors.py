from django.conf import settings

from .notify import unread_count
from .permissions import can_manage_users
from .scoping import scope_of


def sees_tipoffs(user) -> bool:
    """Tip-offs are for the region's offices, never for enterprises or rescue teams."""
    scope = scope_of(user)
    return scope.sees_all or (
        bool(scope.region_prefix) and not scope.enterprise_id and not scope.team_id
    )


def _is_office(user) -> bool:
    from anlan.supervision.office import is_office

    return is_office(user)


def _once(func):
    """A callable the template evaluates at most once, and only if it uses it."""
    cache = []

    def value():
        if not cache:
            cache.append(func())
        return cache[0]

    return value


# Pages under the navbar's committee-office menu (by path, since they share apps with others).
OFFICE_PATHS = tuple(
    f"/supervision/{p}/"
    for p in (
        "units",
        "tasks",
        "trainings",
        "visits",
        "campaigns",
        "campaign-items",
        "activities",
        "schemes",
        "assessments",
    )
) + ("/reports/bulletins/", "/reports/exports/")


def anlan(request):
    user = getattr(request, "user", None)
    path = getattr(request, "path", "")
    return {
        "in_office_menu": path.startswith(OFFICE_PATHS),
        "ANLAN_CITY_NAME": settings.ANLAN_CITY_NAME,
        "ANLAN_MAP_TILE_URL": settings.ANLAN_MAP_TILE_URL,
        "ANLAN_MAP_TILE_ATTRIBUTION": settings.ANLAN_MAP_TILE_ATTRIBUTION,
        "can_manage_users": bool(user and can_manage_users(user)),
        "can_see_tipoffs": bool(user and sees_tipoffs(user)),
        # The committee office's "issue a 督办 task" buttons on hazards, warnings and campaigns.
        "may_issue_tasks": _once(lambda: bool(user) and _is_office(user)),
        # One indexed COUNT for the navbar badge, run only when a page shows the navbar.
        "unread_notifications": _once(lambda: unread_count(user) if user else 0),
    }
