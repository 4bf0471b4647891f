from django.urls import path, re_path

from . import views_issue

urlpatterns = [
    path("issue/", views_issue.issue_list, name="issue-list"),
    path("issue/new/", views_issue.issue_new, name="issue-new"),
    path("issue/<int:pk>/", views_issue.issue_detail, name="issue-detail"),
    path("issue/<int:pk>/edit/", views_issue.issue_edit, name="issue-edit"),
    re_path(
        r"^issue/(?P<pk>[0-9]{1,18})/(?P<action>submit|send-back|publish|update|cancel)/$",
        views_issue.issue_action,
        name="issue-action",
    ),
]
