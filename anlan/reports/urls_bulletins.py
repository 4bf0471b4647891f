"""Pages of bulletins (in the ``reports`` namespace)."""

from django.urls import path

from . import views_bulletins as views

urlpatterns: list = [
    path("reports/bulletins/", views.bulletin_list, name="bulletins"),
    path("reports/bulletins/export.xlsx", views.bulletin_export, name="bulletins-export"),
    path("reports/bulletins/<int:pk>/", views.bulletin_detail, name="bulletin"),
    path("reports/bulletins/<int:pk>/bulletin.pdf", views.bulletin_pdf, name="bulletin-pdf"),
    path("reports/bulletins/<int:pk>/bulletin.docx", views.bulletin_docx, name="bulletin-docx"),
    path(
        "reports/bulletins/<int:pk>/commentary/",
        views.bulletin_commentary,
        name="bulletin-commentary",
    ),
    path(
        "reports/bulletins/<int:pk>/subscription/",
        views.bulletin_subscription,
        name="bulletin-subscription",
    ),
    path(
        "reports/bulletins/<int:pk>/<str:action>/",
        views.bulletin_action,
        name="bulletin-action",
    ),
]
