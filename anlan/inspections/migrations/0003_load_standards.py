"""Load the determination standards shipped in anlan/inspections/data (issue #4)."""

from django.db import migrations


def load(apps, schema_editor):
    from anlan.inspections.standards import load_standards

    load_standards(
        apps.get_model("inspections", "Standard"), apps.get_model("inspections", "Clause")
    )


class Migration(migrations.Migration):
    dependencies = [("inspections", "0002_checklists_inspections_plans")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
