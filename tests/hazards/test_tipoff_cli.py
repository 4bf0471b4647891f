"""The tip-off and reward commands an officer runs from the shell."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from anlan.cli import translate
from anlan.core.crypto import new_key

from .test_tipoffs import NAME, submit

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_cli_names_map_to_the_commands():
    assert translate(["tipoffs", "list", "--overdue"]) == ["tipoffs_list", "--overdue"]
    assert translate(["rewards", "compute", "--fine", "1"]) == ["rewards", "compute", "--fine", "1"]
    assert translate(["keys", "new"]) == ["keys_new"]


def test_tipoffs_list_shows_codes_but_never_the_reporter():
    tip_off, _secret = submit()
    output = run("tipoffs_list")
    assert tip_off.code in output and NAME not in output
    assert "0 tip-offs" in run("tipoffs_list", "--overdue")


def test_tipoffs_list_refuses_an_unknown_region():
    with pytest.raises(CommandError, match="No region"):
        run("tipoffs_list", "--region", "999999")


def test_rewards_compute_explains_each_step():
    output = run("rewards", "compute", "--fine", "100000", "--employee")
    assert "15%" in output and "20%" in output and "18,000" in output
    output = run("rewards", "compute", "--accident-level", "major", "--deaths", "7")
    assert "300,000" in output


def test_rewards_compute_names_the_bad_field():
    with pytest.raises(CommandError, match="fine_amount"):
        run("rewards", "compute", "--fine", "abc")


def test_rewards_list_exports_to_excel(tmp_path):
    target = tmp_path / "rewards.xlsx"
    run("rewards", "list", "--export", str(target))
    sheet = load_workbook(target).active
    assert sheet.cell(row=1, column=2).value in ("类型", "Kind")


def test_keys_new_prints_a_usable_key():
    from cryptography.fernet import Fernet

    key = run("keys_new").strip()
    Fernet(key.encode())
    assert key != new_key()
