from django.urls import path

from . import views, views_import

app_name = "monitoring"

urlpatterns = [
    path("", views.board, name="board"),
    path("board/rows/", views.board_rows, name="board-rows"),
    path("alarms/<int:pk>/", views.alarm_detail, name="alarm"),
    path("alarms/<int:pk>/attachment/", views.alarm_attachment, name="alarm-attachment"),
    path("sensors/", views.sensor_list, name="sensors"),
    path("sensors/new/", views.sensor_edit, name="sensor-new"),
    path("sensors/import/", views_import.sensor_import, name="sensor-import"),
    path("sensors/template.xlsx", views_import.sensor_template, name="sensor-template"),
    path("sensors/<int:pk>/edit/", views.sensor_edit, name="sensor-edit"),
    path("enterprises/<int:pk>/", views.enterprise_page, name="enterprise"),
    path("offline/", views.offline_quality, name="offline"),
]
