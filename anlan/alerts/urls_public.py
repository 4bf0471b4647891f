from django.urls import path

from . import views_public

app_name = "alerts_public"

urlpatterns = [
    path("", views_public.warning_list, name="list"),
    path("feed.atom", views_public.feed, name="feed"),
    path("<int:pk>/", views_public.warning_detail, name="detail"),
    path("<int:pk>/cap.xml", views_public.cap_xml, name="cap-xml"),
    path("<int:pk>/cap.json", views_public.cap_json, name="cap-json"),
]
