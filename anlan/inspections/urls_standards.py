"""The standards browser; included by the project at ``inspections/standards/``."""

from django.urls import path

from . import views_standards

app_name = "standards"

urlpatterns = [
    path("", views_standards.standard_list, name="list"),
    path("<slug:key>/", views_standards.standard_detail, name="detail"),
]
