from django.urls import path

from . import views, views_tipoffs

app_name = "hazards"
urlpatterns = [
    path("", views.hazard_list, name="list"),
    path("new/", views.hazard_report, name="report"),
    path("export.xlsx", views.hazard_export, name="export"),
    path("tipoffs/", views_tipoffs.tipoff_list, name="tipoffs"),
    path("tipoffs/<int:pk>/", views_tipoffs.tipoff_detail, name="tipoff_detail"),
    path(
        "tipoffs/<int:pk>/photos/<int:photo_pk>/", views_tipoffs.tipoff_photo, name="tipoff_photo"
    ),
    path("tipoffs/<int:pk>/<str:action>/", views_tipoffs.tipoff_action, name="tipoff_action"),
    path("rewards/", views_tipoffs.reward_list, name="rewards"),
    path("rewards/export.xlsx", views_tipoffs.reward_export, name="reward_export"),
    path("rewards/rules/", views_tipoffs.reward_policy, name="reward_policy"),
    path("rewards/internal-scheme/", views_tipoffs.internal_scheme, name="internal_scheme"),
    path("rewards/<int:pk>/<str:action>/", views_tipoffs.reward_action, name="reward_action"),
    path("exposure/", views_tipoffs.exposure_list, name="exposures"),
    path("exposure/<int:pk>/withdraw/", views_tipoffs.exposure_withdraw, name="exposure_withdraw"),
    path("<int:pk>/", views.hazard_detail, name="detail"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download, name="attachment"),
    path("<int:pk>/internal-reward/", views_tipoffs.internal_reward, name="internal_reward"),
    path("<int:pk>/expose/", views_tipoffs.exposure_publish, name="expose"),
    path("<int:pk>/<str:action>/", views.hazard_action, name="action"),
]
