from django.conf import settings

from .permissions import can_manage_users


def anlan(request):
    user = getattr(request, "user", None)
    return {
        "ANLAN_CITY_NAME": settings.ANLAN_CITY_NAME,
        "ANLAN_MAP_TILE_URL": settings.ANLAN_MAP_TILE_URL,
        "ANLAN_MAP_TILE_ATTRIBUTION": settings.ANLAN_MAP_TILE_ATTRIBUTION,
        "can_manage_users": bool(user and can_manage_users(user)),
    }
