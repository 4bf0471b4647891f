"""Equipment, loan, stock-take and drill pages (included by urls.py, namespace rescue)."""

from django.urls import path

from . import views_drills as drills
from . import views_equipment as equipment
from . import views_import

urlpatterns: list = [
    path("equipment/", equipment.item_list, name="equipment-list"),
    path("equipment/export.xlsx", equipment.item_export, name="equipment-export"),
    path("equipment/new/", equipment.item_new, name="equipment-new"),
    path(
        "teams/<int:team_id>/equipment/import/",
        views_import.equipment_import,
        name="equipment-import",
    ),
    path(
        "teams/<int:team_id>/equipment/import/template.xlsx",
        views_import.equipment_template,
        name="equipment-import-template",
    ),
    path("equipment/types/", equipment.type_list, name="equipment-types"),
    path("equipment/types/<int:pk>/schedule/", equipment.schedule_edit, name="equipment-schedule"),
    path("equipment/due/", equipment.due_list, name="equipment-due"),
    path("equipment/due/export.xlsx", equipment.due_export, name="equipment-due-export"),
    path("equipment/loans/", equipment.loan_list, name="equipment-loans"),
    path("equipment/loans/<int:pk>/return/", equipment.loan_return, name="equipment-loan-return"),
    path("equipment/stocktakes/", equipment.stocktake_list, name="equipment-stocktakes"),
    path("equipment/stocktakes/<int:pk>/", equipment.stocktake_detail, name="equipment-stocktake"),
    path("equipment/<int:pk>/", equipment.item_detail, name="equipment-detail"),
    path("equipment/<int:pk>/edit/", equipment.item_edit, name="equipment-edit"),
    path("equipment/<int:pk>/retire/", equipment.item_retire, name="equipment-retire"),
    path("equipment/<int:pk>/check/", equipment.item_check, name="equipment-check"),
    path("equipment/<int:pk>/lend/", equipment.item_lend, name="equipment-lend"),
    path("drills/", drills.drill_list, name="drill-list"),
    path("drills/new/", drills.drill_new, name="drill-new"),
    path("drills/statistics/", drills.drill_stats, name="drill-stats"),
    path("drills/<int:pk>/", drills.drill_detail, name="drill-detail"),
    path("drills/<int:pk>/held/", drills.drill_held, name="drill-held"),
    path("drills/<int:pk>/findings/", drills.finding_new, name="drill-finding-new"),
    path("drills/findings/<int:pk>/done/", drills.finding_done, name="drill-finding-done"),
]
