"""A first sensitivity matrix: which industries and risk flags each signal concerns. It is a
starting point drawn from the issue's examples and common practice, edited on the matrix page."""

from django.db import migrations

MATRIX = {
    "rainstorm": (
        ["coal_mine", "non_coal_mine", "hazardous_chemicals", "construction"],
        ["tailings_pond", "low_lying"],
    ),
    "flood": (
        ["coal_mine", "non_coal_mine", "hazardous_chemicals", "construction"],
        ["tailings_pond", "low_lying"],
    ),
    "typhoon": (
        ["coal_mine", "non_coal_mine", "hazardous_chemicals", "construction", "crowded_venue"],
        ["tailings_pond", "low_lying"],
    ),
    "geological": (["coal_mine", "non_coal_mine", "construction"], ["tailings_pond"]),
    "cold_wave": (["gas_supply", "heating", "construction", "aquaculture"], []),
    "blizzard": (["gas_supply", "heating", "construction", "crowded_venue"], []),
    "low_temperature": (["gas_supply", "heating", "construction", "aquaculture"], []),
    "road_icing": (["gas_supply", "hazardous_chemicals", "construction"], []),
    "frost": (["aquaculture", "construction"], []),
    "gale": (["construction", "crowded_venue"], []),
    "thunderstorm_gale": (["construction", "crowded_venue"], ["tailings_pond"]),
    "sandstorm": (["construction"], []),
    "hail": (["construction", "aquaculture"], []),
    "lightning": (["hazardous_chemicals", "fireworks"], ["major_hazard_source"]),
    "heat": (
        ["hazardous_chemicals", "fireworks", "construction", "metallurgy"],
        ["confined_space", "major_hazard_source"],
    ),
    "forest_fire": (["fireworks"], []),
}


def forwards(apps, schema_editor):
    Rule = apps.get_model("alerts", "SensitivityRule")
    for signal, (industries, flags) in MATRIX.items():
        Rule.objects.get_or_create(
            signal_type=signal, defaults={"industries": industries, "risk_flags": flags}
        )


class Migration(migrations.Migration):
    dependencies = [("alerts", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
