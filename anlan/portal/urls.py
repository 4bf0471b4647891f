from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("tipoff/", views.tipoff_new, name="tipoff_new"),
    path("tipoff/received/", views.tipoff_created, name="tipoff_created"),
    path("track/", views.track, name="track"),
    path("exposure/", views.exposures, name="exposures"),
    path("exposure/<int:pk>/", views.exposure_detail, name="exposure_detail"),
    path("delisted/", views.delistings, name="delistings"),
]
