from django.conf import settings


def anlan(request):
    return {
        "ANLAN_CITY_NAME": settings.ANLAN_CITY_NAME,
        "ANLAN_MAP_TILE_URL": settings.ANLAN_MAP_TILE_URL,
        "ANLAN_MAP_TILE_ATTRIBUTION": settings.ANLAN_MAP_TILE_ATTRIBUTION,
    }
