from django.urls import path

from . import views

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
    path("<int:pk>/<str:tab>/", views.enterprise_detail, name="detail_tab"),
]
