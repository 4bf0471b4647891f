from django.db import migrations

FLAGS = [
    "high_gas",
    "outburst",
    "rock_burst",
    "dust_explosion",
    "ammonia_refrigeration",
    "confined_space",
    "deep_well_casting",
    "major_hazard_source",
]


def forwards(apps, schema_editor):
    RiskFlag = apps.get_model("registry", "RiskFlag")
    for code in FLAGS:
        RiskFlag.objects.get_or_create(code=code)


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
