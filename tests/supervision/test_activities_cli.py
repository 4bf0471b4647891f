"""``anlan office trainings|visits|campaigns`` (management command ``office_activities``)."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from anlan.supervision.models import CampaignItem, TrainingSession

from .factories_activities import LINGSHI, XIYANG, make_campaign, make_training

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def december_2026():
    with time_machine.travel(dt.datetime(2026, 12, 5, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


def run(*args) -> str:
    out = io.StringIO()
    call_command("office_activities", *args, stdout=out)
    return out.getvalue()


def test_list_and_totals_within_the_users_scope(lingshi_regulator):
    make_training(region_code=LINGSHI, title="灵石讲安全", participants=45, sessions=3)
    make_training(region_code=XIYANG, title="昔阳讲安全", participants=70)
    listing = run("trainings", "list", "--user", "lingshi-regulator")
    assert "灵石讲安全" in listing and "昔阳讲安全" not in listing
    totals = run("trainings", "totals", "--user", "lingshi-regulator", "--from", "2026-01-01")
    assert "45" in totals and "3" in totals


def test_add_a_training_and_a_bad_count(lingshi_regulator):
    out = run(
        "trainings",
        "add",
        "--user",
        "lingshi-regulator",
        "--region",
        LINGSHI,
        "--kind",
        "thematic",
        "--title",
        "专题",
        "--date",
        "2026-05-01",
        "--participants",
        "33",
    )
    assert "Recorded training" in out
    with pytest.raises(CommandError, match="participants"):
        run(
            "trainings",
            "add",
            "--user",
            "lingshi-regulator",
            "--region",
            LINGSHI,
            "--kind",
            "thematic",
            "--title",
            "专题",
            "--date",
            "2026-05-01",
            "--participants",
            "-3",
        )
    assert TrainingSession.objects.count() == 1


def test_import_and_export(lingshi_regulator, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["region code", "kind", "title", "date", "person-times"])
    ws.append([LINGSHI, "skills", "焊工培训", "2026-02-02", 18])
    ws.append([LINGSHI, "skills", "坏行", "2026-02-02", "many"])
    bad = tmp_path / "bad.xlsx"
    wb.save(bad)
    with pytest.raises(CommandError, match="nothing was imported"):
        run("trainings", "import", str(bad), "--user", "lingshi-regulator")
    assert not TrainingSession.objects.exists()
    ws.delete_rows(3)
    good = tmp_path / "good.xlsx"
    wb.save(good)
    assert "Imported 1" in run("trainings", "import", str(good), "--user", "lingshi-regulator")
    target = tmp_path / "out.xlsx"
    run("trainings", "export", str(target), "--user", "lingshi-regulator")
    rows = list(load_workbook(target).active.iter_rows(min_row=2, values_only=True))
    assert [r[4] for r in rows] == ["焊工培训"]


def test_campaign_show_and_progress(city_admin):
    campaign = make_campaign(title="安全生产月")
    item = CampaignItem.objects.create(campaign=campaign, number=1, title="咨询日")
    shown = run("campaigns", "show", str(campaign.pk), "--user", "city-admin")
    assert "咨询日" in shown
    out = run("campaigns", "progress", str(item.pk), "100", "--user", "city-admin")
    assert "100% (done)" in out
    with pytest.raises(CommandError, match="progress"):
        run("campaigns", "progress", str(item.pk), "120", "--user", "city-admin")
    assert "安全生产月" in run("campaigns", "list", "--user", "city-admin")


def test_visits_need_an_enterprise_in_scope(lingshi_regulator, lingshi_mine, yuncheng_plant):
    out = run(
        "visits",
        "add",
        "--user",
        "lingshi-regulator",
        "--enterprise",
        lingshi_mine.uscc,
        "--domain",
        "mining",
        "--date",
        "2026-04-04",
        "--experts",
        "专家组",
    )
    assert "Recorded expert visit" in out
    with pytest.raises(CommandError, match="jurisdiction"):
        run(
            "visits",
            "add",
            "--user",
            "lingshi-regulator",
            "--enterprise",
            yuncheng_plant.uscc,
            "--domain",
            "dust",
            "--date",
            "2026-04-04",
            "--experts",
            "专家组",
        )
    assert "mining" in run("visits", "list", "--user", "lingshi-regulator")
