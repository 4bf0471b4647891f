from django.urls import path

from . import views
from .urls_equipment import urlpatterns as equipment_urls
from .urls_members import urlpatterns as member_urls

app_name = "rescue"

urlpatterns = [
    path("", views.board, name="board"),
    path("export.xlsx", views.board_export, name="board-export"),
    path("teams/new/", views.team_form, name="team-new"),
    path("teams/<int:pk>/", views.team_detail, name="team"),
    path("teams/<int:pk>/edit/", views.team_form, name="team-edit"),
    path("teams/<int:pk>/duty/", views.shift_add, name="shift-add"),
    path("incidents/", views.incident_list, name="incidents"),
    path("incidents/new/", views.incident_new, name="incident-new"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident"),
    path("incidents/<int:pk>/dispatch/", views.incident_dispatch, name="incident-dispatch"),
    path("incidents/<int:pk>/update/", views.incident_update, name="incident-update"),
    path("dispatches/<int:pk>/stage/", views.dispatch_stage, name="dispatch-stage"),
    path("coverage/", views.coverage, name="coverage"),
    path("coverage/export.xlsx", views.coverage_export, name="coverage-export"),
    path("history/", views.history, name="history"),
    *member_urls,
    *equipment_urls,
]
