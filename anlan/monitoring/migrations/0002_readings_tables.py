"""The readings store (see anlan/monitoring/readings.py): raw SQL per database vendor."""

from django.db import migrations

SQLITE = [
    "CREATE TABLE monitoring_reading (sensor_id INTEGER NOT NULL, ts INTEGER NOT NULL, "
    "value REAL, PRIMARY KEY (sensor_id, ts)) WITHOUT ROWID",
    "CREATE TABLE monitoring_rollup (sensor_id INTEGER NOT NULL, minute INTEGER NOT NULL, "
    "vmin REAL, vmax REAL, vsum REAL, n INTEGER NOT NULL, PRIMARY KEY (sensor_id, minute)) "
    "WITHOUT ROWID",
]
POSTGRES = [
    "CREATE TABLE monitoring_reading (sensor_id bigint NOT NULL, ts bigint NOT NULL, "
    "value double precision, PRIMARY KEY (sensor_id, ts)) PARTITION BY RANGE (ts)",
    "CREATE TABLE monitoring_rollup (sensor_id bigint NOT NULL, minute bigint NOT NULL, "
    "vmin double precision, vmax double precision, vsum double precision, n integer NOT NULL, "
    "PRIMARY KEY (sensor_id, minute))",
]
DROP = ["DROP TABLE IF EXISTS monitoring_rollup", "DROP TABLE IF EXISTS monitoring_reading"]


def create(apps, schema_editor):
    statements = POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE
    for sql in statements:
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    for sql in DROP:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
