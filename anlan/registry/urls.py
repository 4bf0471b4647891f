from django.urls import path

from . import risk_views, views

app_name = "registry"
urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("new/", views.enterprise_edit, name="create"),
    path("export.xlsx", views.enterprise_export, name="export"),
    path("import/", views.enterprise_import, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="edit"),
    path("<int:pk>/persons/new/", views.person_edit, name="person_create"),
    path("<int:pk>/persons/<int:person_pk>/edit/", views.person_edit, name="person_edit"),
    path("<int:pk>/persons/<int:person_pk>/delete/", views.person_delete, name="person_delete"),
    path("<int:pk>/hazard-sources/new/", views.hazard_source_edit, name="source_create"),
    path(
        "<int:pk>/hazard-sources/<int:source_pk>/edit/",
        views.hazard_source_edit,
        name="source_edit",
    ),
    # Risk points (风险点), control measures and their checks
    path("risks/map/", risk_views.risk_map, name="risk_map"),
    path("risks/export.xlsx", risk_views.risk_export, name="risk_export"),
    path("risks/tasks/", risk_views.my_tasks, name="my_tasks"),
    path("<int:pk>/risk-points/new/", risk_views.risk_point_edit, name="risk_point_create"),
    path("<int:pk>/risk-points/<int:point_pk>/", risk_views.risk_point_detail, name="risk_point"),
    path(
        "<int:pk>/risk-points/<int:point_pk>/edit/",
        risk_views.risk_point_edit,
        name="risk_point_edit",
    ),
    path(
        "<int:pk>/risk-points/<int:point_pk>/delete/",
        risk_views.risk_point_delete,
        name="risk_point_delete",
    ),
    path(
        "<int:pk>/risk-points/<int:point_pk>/measures/new/",
        risk_views.measure_edit,
        name="measure_create",
    ),
    path(
        "<int:pk>/risk-points/<int:point_pk>/measures/<int:measure_pk>/edit/",
        risk_views.measure_edit,
        name="measure_edit",
    ),
    path(
        "<int:pk>/risk-points/<int:point_pk>/measures/<int:measure_pk>/delete/",
        risk_views.measure_delete,
        name="measure_delete",
    ),
    path("<int:pk>/measures/<int:measure_pk>/check/", risk_views.check_record, name="check_record"),
    path("<int:pk>/checks/<int:check_pk>/photo/", risk_views.check_photo, name="check_photo"),
    path("<int:pk>/<str:tab>/", views.enterprise_detail, name="detail_tab"),
]
