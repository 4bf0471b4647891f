from django.db import migrations


def forwards(apps, schema_editor):
    from anlan.core.regions import load_regions, read_region_rows

    load_regions(apps.get_model("core", "Region"), read_region_rows())


class Migration(migrations.Migration):
    dependencies = [("core", "0002_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
