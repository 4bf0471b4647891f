"""The systemd units of deploy/systemd pass systemd's own check (``systemd-analyze verify``:
known keys, valid values, executable commands), with /srv/anlan pointing at this checkout."""

import shutil
import subprocess

import pytest

from anlan.monitoring import mqtt

from . import stack as production

pytestmark = pytest.mark.skipif(
    shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed"
)


@pytest.mark.parametrize(
    ("unit", "as_name"),
    [
        ("anlan-web.service", "anlan-web.service"),
        ("anlan-worker.service", "anlan-worker.service"),
        ("anlan-ingest@.service", "anlan-ingest@2-4.service"),
    ],
)
def test_the_unit_passes_systemd_analyze_verify(unit, as_name, tmp_path):
    environment = tmp_path / "anlan.env"
    environment.write_text((production.DEPLOY / "anlan.env").read_text())
    text = (production.DEPLOY / "systemd" / unit).read_text()
    assert "/srv/anlan" in text and "/etc/anlan/anlan.env" in text
    text = text.replace("/etc/anlan/anlan.env", str(environment)).replace(
        "/srv/anlan", str(production.ROOT)
    )
    (tmp_path / as_name).write_text(text)
    checked = subprocess.run(
        ["systemd-analyze", "verify", str(tmp_path / as_name)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert checked.returncode == 0, checked.stderr
    assert as_name not in checked.stderr, checked.stderr  # no warning about the unit itself


def test_an_ingestion_instance_name_is_the_partition_it_consumes():
    # anlan-ingest@2-4: systemd's %I unescapes "2-4" to "2/4", which --partition reads.
    unescaped = subprocess.run(
        ["systemd-escape", "--unescape", "2-4"], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert mqtt.parse_partition(unescaped) == (2, 4)
