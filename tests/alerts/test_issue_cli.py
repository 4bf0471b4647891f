"""`anlan warnings issue …`: draft, sign off, update, cancel and export from the command line."""

# ruff: noqa: F811 -- fixtures are imported from test_issue_setup, then requested by name
import io
import json

import pytest
from django.core.management import CommandError, call_command

from anlan.alerts import cap
from anlan.alerts.models import Alert
from anlan.cli import translate

from .test_issue_setup import english, frozen_now, second_city_admin  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def run(*args) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("warnings_issue", *args, stdout=out, stderr=err)
    return out.getvalue().strip()


def draft(*extra) -> int:
    return int(
        run(
            "draft", "--signal", "cold_wave", "--colour", "yellow", "--regions", "140700",
            "--expires", "2026-12-06T08:00", "--instruction", "注意防寒保暖。",
            "--user", "city-admin", *extra,
        )
    )  # fmt: skip


def test_cli_words_map_to_the_issue_command():
    assert translate(["warnings", "issue", "publish", "3"]) == ["warnings_issue", "publish", "3"]


def test_draft_submit_publish_and_export_from_the_cli(city_admin, second_city_admin, tmp_path):
    pk = draft("--headline-en", "Cold wave warning")
    assert Alert.objects.get(pk=pk).stage == "draft"
    run("submit", str(pk), "--user", "city-admin")
    with pytest.raises(CommandError, match="--reviewer"):
        run("publish", str(pk), "--user", "city-admin")
    run("publish", str(pk), "--user", "city-admin-2")
    alert = Alert.objects.get(pk=pk)
    assert alert.stage == "published" and alert.published_by == second_city_admin
    assert cap.parse(run("export", str(pk), "--user", "city-admin")).identifier == alert.identifier
    out = tmp_path / "w.json"
    run("export", str(pk), "--format", "json", "--out", str(out), "--user", "city-admin")
    assert json.loads(out.read_text("utf-8"))["info"][1]["language"] == "en-US"


def test_bad_input_names_the_option_and_saves_nothing(city_admin):
    with pytest.raises(CommandError, match="--colour"):
        run("draft", "--signal", "hail", "--colour", "blue", "--regions", "140700",
            "--expires", "2026-12-06T08:00", "--user", "city-admin")  # fmt: skip
    with pytest.raises(CommandError, match="--expires"):
        run("draft", "--signal", "gale", "--colour", "blue", "--regions", "140700",
            "--expires", "tomorrow", "--user", "city-admin")  # fmt: skip
    with pytest.raises(CommandError, match="--polygon"):
        draft("--polygon", "37,112 38,112 38,113 37.5,112")
    assert not Alert.objects.exists()
    with pytest.raises(CommandError, match="ID"):
        run("submit", "999", "--user", "city-admin")


def test_update_cancel_and_send_back_from_the_cli(city_admin, second_city_admin):
    pk = draft()
    run("submit", str(pk), "--user", "city-admin")
    run("send-back", str(pk), "--note", "补充", "--user", "city-admin-2")
    assert Alert.objects.get(pk=pk).stage == "draft"
    run("submit", str(pk), "--user", "city-admin")
    run("publish", str(pk), "--user", "city-admin-2")
    update = int(run("update", str(pk), "--user", "city-admin"))
    assert Alert.objects.get(pk=update).msg_type == "Update"
    cancel = int(run("cancel", str(pk), "--note", "结束", "--user", "city-admin"))
    assert Alert.objects.get(pk=cancel).references.endswith(
        Alert.objects.get(pk=pk).reference_string()
    )
