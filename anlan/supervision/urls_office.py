"""Pages of member units, duty lists and 督办 tasks (in the ``supervision`` namespace)."""

from django.urls import path

from . import views_office as v

urlpatterns = [
    path("units/", v.unit_list, name="units"),
    path("units/export.xlsx", v.unit_export, name="units-export"),
    path("units/new/", v.unit_edit, name="unit-new"),
    path("units/import/", v.unit_import, name="units-import"),
    path("units/<int:pk>/", v.unit_detail, name="unit"),
    path("units/<int:pk>/edit/", v.unit_edit, name="unit-edit"),
    path("tasks/", v.task_list, name="tasks"),
    path("tasks/export.xlsx", v.task_export, name="tasks-export"),
    path("tasks/new/", v.task_issue, name="task-issue"),
    path("tasks/<int:pk>/", v.task_detail, name="task"),
    path("tasks/<int:pk>/close/", v.task_close, name="task-close"),
    path(
        "tasks/<int:pk>/units/<int:assignment_pk>/feedback/", v.task_feedback, name="task-feedback"
    ),
    path("tasks/<int:pk>/units/<int:assignment_pk>/review/", v.task_review, name="task-review"),
    path("tasks/evidence/<int:pk>/", v.evidence_file, name="task-evidence"),
]
