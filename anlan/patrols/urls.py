from django.urls import path

from . import views

app_name = "patrols"

urlpatterns = [
    path("", views.patrol_list, name="list"),
    path("export.xlsx", views.patrol_export, name="export"),
    path("due/", views.due_list, name="due"),
    path("due/export.xlsx", views.due_export, name="due-export"),
    path("statistics/", views.statistics, name="stats"),
    path("new/<int:enterprise_id>/", views.patrol_new, name="new"),
    path("<int:pk>/", views.patrol_detail, name="detail"),
]
