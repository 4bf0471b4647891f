import io
import os

import pytest
from django.core.management import CommandError, call_command

from anlan.cli import translate
from anlan.core.models import ApiToken, User
from anlan.registry.models import Enterprise

from ..factories import make_uscc

pytestmark = pytest.mark.django_db


def test_friendly_command_names_map_to_management_commands():
    assert translate(["import", "enterprises", "f.xlsx", "--partial"]) == [
        "import_enterprises",
        "f.xlsx",
        "--partial",
    ]
    assert translate(["export", "enterprises", "f.xlsx"]) == ["export_enterprises", "f.xlsx"]
    assert translate(["token", "create", "bob"]) == ["token_create", "bob"]
    assert translate(["serve"]) == ["runserver"]
    assert translate(["frobnicate"]) is None


def test_createadmin_makes_a_system_administrator(monkeypatch):
    monkeypatch.setenv("ADMIN_PW", "a-long-enough-password-2026")
    call_command("createadmin", "boss", "--password-env", "ADMIN_PW", stdout=io.StringIO())
    user = User.objects.get(username="boss")
    assert user.is_superuser and user.role == "system_admin"
    assert user.check_password("a-long-enough-password-2026")


def test_createadmin_refuses_a_weak_password(monkeypatch):
    monkeypatch.setenv("ADMIN_PW", "123")
    with pytest.raises(CommandError, match="Password refused"):
        call_command("createadmin", "boss", "--password-env", "ADMIN_PW", stdout=io.StringIO())
    assert not User.objects.filter(username="boss").exists()


def test_token_create_prints_a_working_token(client, lingshi_regulator):
    out = io.StringIO()
    call_command("token_create", "lingshi-regulator", stdout=out, stderr=io.StringIO())
    raw = out.getvalue().strip()
    assert ApiToken.objects.filter(user=lingshi_regulator).count() == 1
    assert (
        client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {raw}").json()["username"]
        == "lingshi-regulator"
    )


def test_export_then_import_round_trip_through_the_cli(tmp_path, system_admin, lingshi_mine):
    path = tmp_path / "ledger.xlsx"
    call_command("export_enterprises", str(path), stdout=io.StringIO())
    assert path.stat().st_size > 0
    out = io.StringIO()
    call_command("import_enterprises", str(path), stdout=out)
    assert "1 unchanged" in out.getvalue()


def test_cli_import_with_bad_rows_fails_and_lists_them(tmp_path, system_admin):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["企业名称", "统一社会信用代码", "行业类别", "所属区划代码"])
    wb.active.append(["好企业（演示）", make_uscc("140729"), "煤矿", "140729"])
    wb.active.append(["坏企业（演示）", "BAD", "煤矿", "140729"])
    path = tmp_path / "bad.xlsx"
    wb.save(path)
    out = io.StringIO()
    with pytest.raises(CommandError, match="Nothing imported"):
        call_command("import_enterprises", str(path), stdout=out)
    assert "统一社会信用代码" in out.getvalue()
    assert not Enterprise.objects.exists()
    call_command("import_enterprises", str(path), "--partial", stdout=out)
    assert Enterprise.objects.count() == 1


def test_cli_import_of_a_missing_file_is_a_clear_error(system_admin):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_enterprises", "/nonexistent.xlsx", stdout=io.StringIO())


def test_production_mode_refuses_the_default_secret_key(tmp_path):
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("ANLAN_")}
    env["DJANGO_SETTINGS_MODULE"] = "anlan.settings"
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0 and "ANLAN_SECRET_KEY" in result.stderr
    env["ANLAN_SECRET_KEY"] = "x" * 50
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
    )
    # The reporters' identity key is required too, so that identities are not sealed with a
    # key derived from the secret key.
    assert result.returncode != 0 and "ANLAN_IDENTITY_KEYS" in result.stderr
    from anlan.core.crypto import new_key

    env["ANLAN_IDENTITY_KEYS"] = new_key()
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_cli_export_refuses_unknown_filter_values(tmp_path, system_admin):
    with pytest.raises(CommandError, match="industry"):
        call_command("export_enterprises", str(tmp_path / "x.xlsx"), "--industry", "spaceships")
    with pytest.raises(CommandError, match="region"):
        call_command("export_enterprises", str(tmp_path / "x.xlsx"), "--region", "999999")
    assert not (tmp_path / "x.xlsx").exists()


def test_demo_loads_into_a_fresh_var_folder(tmp_path):
    """`make demo` on a fresh clone: no var/ folder, no database yet."""
    import subprocess
    import sys
    from pathlib import Path

    var = tmp_path / "var-does-not-exist-yet"
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update({"ANLAN_VAR_DIR": str(var), "ANLAN_DEBUG": "1"})
    anlan = Path(sys.executable).with_name("anlan")
    result = subprocess.run(
        [str(anlan), "demo", "--no-serve"], env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert (var / "anlan.sqlite3").exists()
    assert "lingshi" in result.stdout and "anlan-demo-2026" in result.stdout
