"""The quarterly hazard statistics report (隐患排查治理情况季度统计报表, issue #3 point 12)."""

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from anlan.cli import translate
from anlan.core.choices import UserRole
from anlan.core.models import ApiToken
from anlan.hazards.models import Hazard, RectificationPlan, SupervisionListing
from anlan.registry.choices import EnterpriseStatus
from anlan.reports import services
from anlan.reports.models import QuarterlyHazardReport, due_date
from anlan.reports.quarterly import compute_figures, submission_summary

from ..factories import LINGSHI, YANHU, EnterpriseFactory, make_user, region, township

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Figures are for 2026 Q3 (July-September); reports are due by 15 October.
IN_Q3 = dt.datetime(2026, 8, 10, 9, 0, tzinfo=SHANGHAI)
AFTER_Q3 = dt.datetime(2026, 10, 8, 9, 0, tzinfo=SHANGHAI)  # before the due day
LATE = dt.datetime(2026, 10, 20, 9, 0, tzinfo=SHANGHAI)


def at(month, day, hour=9, year=2026):
    return dt.datetime(year, month, day, hour, tzinfo=SHANGHAI)


def hazard(enterprise, *, found, level="general", status="reported", closed=None, **extra):
    return Hazard.objects.create(
        enterprise=enterprise,
        region=enterprise.region,
        description="测试隐患",
        category=extra.pop("category", "equipment"),
        channel="self_inspection",
        level=level,
        status=status,
        found_at=found,
        closed_at=closed,
        **extra,
    )


def plan(h, funds):
    return RectificationPlan.objects.create(
        hazard=h,
        measures="整改",
        responsible_person="张三",
        funds=Decimal(funds),
        deadline=dt.date(2026, 9, 30),
        contingency="预案",
    )


@pytest.fixture
def mine_safety(lingshi_mine):
    return make_user("mine-safety", UserRole.ENTERPRISE_SAFETY, enterprise=lingshi_mine)


@pytest.fixture
def township_supervisor(db):
    return make_user(
        "town-supervisor", UserRole.TOWNSHIP_SUPERVISOR, region=township(LINGSHI, "101")
    )


@pytest.fixture
def q3_records(lingshi_mine, lingshi_regulator):
    """A quarter's hazards at the Lingshi mine, with what each should count as."""
    closed = hazard(lingshi_mine, found=at(7, 5), status="closed", closed=at(8, 1))
    plan(closed, "1200.50")
    hazard(lingshi_mine, found=at(8, 2), status="closed", closed=at(10, 3))  # closed after Q3
    late = hazard(lingshi_mine, found=at(9, 1), status="rectifying", deadline=dt.date(2026, 9, 20))
    plan(late, "300")
    major = hazard(
        lingshi_mine,
        found=at(9, 10),
        level="major",
        status="assigned",
        deadline=dt.date(2026, 12, 1),
        category="fire",
    )
    plan(major, "50000")
    SupervisionListing.objects.create(
        hazard=major,
        authority=region(LINGSHI),
        listed_at=dt.date(2026, 9, 12),
        deadline=dt.date(2026, 12, 1),
        listed_by=lingshi_regulator,
    )
    hazard(lingshi_mine, found=at(6, 20), status="verified")  # found in Q2, still open
    hazard(lingshi_mine, found=at(8, 5), status="rejected")  # not a hazard
    hazard(lingshi_mine, found=at(8, 6), status="merged")  # a duplicate
    hazard(lingshi_mine, found=at(10, 2))  # next quarter
    return lingshi_mine


def test_figures_match_the_hazard_records(q3_records):
    with time_machine.travel(AFTER_Q3):
        f = compute_figures(q3_records, 2026, 3)
    assert (f["found_general"], f["found_major"]) == (3, 1)
    assert (f["closed_general"], f["closed_major"]) == (1, 0)
    # Open at the end of September: the one closed in October, the rectifying one, the major
    # one and the Q2 one still being verified.
    assert f["open_at_end"] == 4
    assert f["overdue_at_end"] == 1 and f["open_major_at_end"] == 1
    assert f["listed"] == 1 and f["major_with_plan"] == 1
    assert f["planned_funds"] == Decimal("51500.50")
    assert f["by_category"] == {"equipment": 3, "fire": 1}


def test_the_report_page_shows_the_figures_in_chinese(client, q3_records, mine_safety):
    with time_machine.travel(AFTER_Q3):
        report = services.generate_report(
            enterprise=q3_records, year=2026, quarter=3, user=mine_safety
        )
        client.force_login(mine_safety)
        page = client.get(reverse("reports:quarterly_detail", args=[report.pk])).content.decode()
    assert report.rectification_rate == 25.0
    assert "隐患排查治理情况季度统计报表" in page and "2026年第3季度" in page
    assert "整改率" in page and "25.0%" in page and "草稿" in page


def test_submitted_figures_stay_frozen_when_hazards_change(q3_records, mine_safety):
    with time_machine.travel(AFTER_Q3):
        report = services.generate_report(
            enterprise=q3_records, year=2026, quarter=3, user=mine_safety
        )
        report = services.submit_report(report=report, user=mine_safety, remarks="无")
        hazard(q3_records, found=at(9, 15), level="major")  # reported afterwards, back-dated
        Hazard.objects.filter(status="rectifying").update(status="closed", closed_at=at(9, 25))
        with pytest.raises(services.AlreadySubmitted):
            services.generate_report(enterprise=q3_records, year=2026, quarter=3, user=mine_safety)
    report.refresh_from_db()
    assert (report.found_general, report.found_major, report.closed_general) == (3, 1, 1)
    assert report.status == "submitted" and report.submitted_by == mine_safety


def test_a_draft_is_regenerated_from_the_records(q3_records, mine_safety):
    with time_machine.travel(AFTER_Q3):
        report = services.generate_report(
            enterprise=q3_records, year=2026, quarter=3, user=mine_safety
        )
        hazard(q3_records, found=at(9, 15), level="major")
        again = services.generate_report(
            enterprise=q3_records, year=2026, quarter=3, user=mine_safety
        )
    assert again.pk == report.pk and again.found_major == 2
    assert QuarterlyHazardReport.objects.count() == 1


def test_submitting_a_stale_draft_refreshes_it_and_asks_for_review(q3_records, mine_safety):
    with time_machine.travel(AFTER_Q3):
        report = services.generate_report(
            enterprise=q3_records, year=2026, quarter=3, user=mine_safety
        )
        hazard(q3_records, found=at(9, 15))
        with pytest.raises(services.FiguresChanged):
            services.submit_report(report=report, user=mine_safety)
        report.refresh_from_db()
        assert report.status == "draft" and report.found_general == 4
        services.submit_report(report=report, user=mine_safety)
    report.refresh_from_db()
    assert report.status == "submitted"


def test_submitting_after_the_due_day_is_late(q3_records, mine_safety, settings):
    assert due_date(2026, 3) == dt.date(2026, 10, 15)
    with time_machine.travel(LATE):
        report = services.generate_report(
            enterprise=q3_records, year=2026, quarter=3, user=mine_safety
        )
        assert report.is_late  # not submitted and past the due day
        report = services.submit_report(report=report, user=mine_safety)
    assert report.submitted_late and report.is_late


def test_submitting_on_the_due_day_is_on_time(q3_records, mine_safety):
    with time_machine.travel(dt.datetime(2026, 10, 15, 23, 0, tzinfo=SHANGHAI)):
        report = services.generate_report(
            enterprise=q3_records, year=2026, quarter=3, user=mine_safety
        )
        report = services.submit_report(report=report, user=mine_safety)
    assert not report.submitted_late and not report.is_late


def test_the_due_day_is_a_setting(settings):
    settings.ANLAN_QUARTERLY_REPORT_DUE_DAY = 10
    assert due_date(2026, 4) == dt.date(2027, 1, 10)


def test_a_running_quarter_can_be_drafted_but_not_submitted(q3_records, mine_safety):
    with time_machine.travel(IN_Q3):
        report = services.generate_report(
            enterprise=q3_records, year=2026, quarter=3, user=mine_safety
        )
        assert report.found_general == 2  # up to 10 August
        with pytest.raises(services.ValidationError, match="尚未结束"):
            services.submit_report(report=report, user=mine_safety)


def test_regulators_cannot_prepare_an_enterprises_report(q3_records, lingshi_regulator):
    with time_machine.travel(AFTER_Q3), pytest.raises(services.PermissionDenied):
        services.generate_report(
            enterprise=q3_records, year=2026, quarter=3, user=lingshi_regulator
        )


# --------------------------------------------------------------------------------------------
# What regulators see
# --------------------------------------------------------------------------------------------


@pytest.fixture
def quarter_in_two_counties(lingshi_mine, yuncheng_plant, system_admin):
    """Lingshi: the mine on time, a plant late, a workshop with a draft, a quarry missing, one
    closed enterprise (not expected). Yanhu: one on time."""
    on_time = lingshi_mine
    late = EnterpriseFactory(name="灵石迟报厂（演示）")
    draft = EnterpriseFactory(name="灵石草稿厂（演示）", region=township(LINGSHI, "101"))
    EnterpriseFactory(name="灵石未报厂（演示）")
    EnterpriseFactory(name="灵石关闭厂（演示）", status=EnterpriseStatus.CLOSED)
    hazard(on_time, found=at(8, 1), status="closed", closed=at(8, 20))
    hazard(yuncheng_plant, found=at(8, 1))
    with time_machine.travel(AFTER_Q3):
        for enterprise in (on_time, yuncheng_plant):
            report = services.generate_report(
                enterprise=enterprise, year=2026, quarter=3, user=system_admin
            )
            services.submit_report(report=report, user=system_admin)
        services.generate_report(enterprise=draft, year=2026, quarter=3, user=system_admin)
    with time_machine.travel(LATE):
        report = services.generate_report(enterprise=late, year=2026, quarter=3, user=system_admin)
        services.submit_report(report=report, user=system_admin)


def test_county_regulator_sees_who_submitted_late_or_not_at_all(
    client, quarter_in_two_counties, lingshi_regulator
):
    summary = submission_summary(lingshi_regulator, 2026, 3)
    assert (summary["expected"], summary["on_time"], summary["late"]) == (4, 1, 1)
    assert (summary["draft"], summary["missing"], summary["not_submitted"]) == (1, 1, 2)
    assert summary["figures"]["found"] == 1 and summary["figures"]["rectification_rate"] == 100.0
    client.force_login(lingshi_regulator)
    url = reverse("reports:quarterly")
    page = client.get(url, {"year": 2026, "quarter": 3}).content.decode()
    assert "逾期报送" in page and "未报送" in page and "运城铝业" not in page
    assert 'data-testid="late">1<' in page
    missing = client.get(url, {"year": 2026, "quarter": 3, "state": "missing"})
    assert [e.name for e in missing.context["page"]] == ["灵石未报厂（演示）"]


@pytest.mark.parametrize(
    ("persona", "expected", "reports"),
    [
        ("system_admin", 5, 4),
        ("city_admin", 4, 3),
        ("lingshi_regulator", 4, 3),
        ("township_supervisor", 1, 1),
        ("yanhu_regulator", 1, 1),
        ("mine_safety", 1, 1),
        ("other_county_enterprise_manager", 1, 1),
    ],
)
def test_every_persona_sees_only_its_own_scope(
    request, quarter_in_two_counties, persona, expected, reports
):
    user = request.getfixturevalue(persona)
    assert QuarterlyHazardReport.objects.visible_to(user).count() == reports
    if not user.enterprise_id:
        assert submission_summary(user, 2026, 3)["expected"] == expected


def test_a_report_out_of_scope_is_not_found(client, quarter_in_two_counties, yanhu_regulator):
    lingshi = QuarterlyHazardReport.objects.get(enterprise__name="灵石测试煤矿（演示）")
    client.force_login(yanhu_regulator)
    assert client.get(reverse("reports:quarterly_detail", args=[lingshi.pk])).status_code == 404
    assert client.get(reverse("reports:quarterly_export", args=[lingshi.pk])).status_code == 404
    own = QuarterlyHazardReport.objects.get(enterprise__name__startswith="运城")
    assert client.get(reverse("reports:quarterly_detail", args=[own.pk])).status_code == 200


# --------------------------------------------------------------------------------------------
# Web workflow for the enterprise
# --------------------------------------------------------------------------------------------


def test_enterprise_prepares_and_submits_through_the_pages(client, q3_records, mine_safety):
    client.force_login(mine_safety)
    with time_machine.travel(AFTER_Q3):
        mine = client.get(reverse("reports:quarterly"))
        assert "准备报表" in mine.content.decode()
        response = client.post(reverse("reports:quarterly_generate"), {"year": 2026, "quarter": 3})
        report = QuarterlyHazardReport.objects.get()
        assert response.url == reverse("reports:quarterly_detail", args=[report.pk])
        action = reverse("reports:quarterly_action", args=[report.pk, "submit"])
        client.post(action, {"remarks": "本季度已全部排查"})
        page = client.get(reverse("reports:quarterly_detail", args=[report.pk]))
        assert "按时报送" in page.content.decode()
        again = client.post(action, {"remarks": "再次"}, follow=True).content.decode()
    assert "不能再更改" in again
    report.refresh_from_db()
    assert report.remarks == "本季度已全部排查"


def test_a_bad_quarter_in_the_address_shows_an_error_not_a_crash(client, lingshi_regulator):
    client.force_login(lingshi_regulator)
    response = client.get(reverse("reports:quarterly"), {"year": "abc", "quarter": 9}, follow=True)
    assert response.status_code == 200 and "季度必须是" in response.content.decode()


# --------------------------------------------------------------------------------------------
# Excel
# --------------------------------------------------------------------------------------------


def test_excel_of_one_report_has_the_figures(client, q3_records, mine_safety):
    with time_machine.travel(AFTER_Q3):
        report = services.generate_report(
            enterprise=q3_records, year=2026, quarter=3, user=mine_safety
        )
    client.force_login(mine_safety)
    response = client.get(reverse("reports:quarterly_export", args=[report.pk]))
    ws = load_workbook(io.BytesIO(response.content)).active
    cells = {row[0]: row[1] for row in ws.iter_rows(values_only=True) if row and row[0]}
    assert cells["企业"] == "灵石测试煤矿（演示）"
    assert cells["一般隐患数"] == 3 and cells["重大隐患数"] == 1
    assert cells["整改率"] == "25.0%" and cells["本季度末逾期未整改"] == 1


def test_excel_overview_lists_each_enterprise_and_totals(
    client, quarter_in_two_counties, lingshi_regulator
):
    client.force_login(lingshi_regulator)
    response = client.get(reverse("reports:quarterly_summary_export"), {"year": 2026, "quarter": 3})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    states = {row[1]: row[3] for row in rows[1:-1]}
    assert states == {
        "灵石测试煤矿（演示）": "按时报送",
        "灵石迟报厂（演示）": "逾期报送",
        "灵石草稿厂（演示）": "草稿未报送",
        "灵石未报厂（演示）": "未报送",
    }
    assert rows[-1][5] == 1 and rows[-1][6] == 1  # general found / rectified (the mine's)


# --------------------------------------------------------------------------------------------
# API
# --------------------------------------------------------------------------------------------


class Api:
    def __init__(self, client, user):
        _, raw = ApiToken.issue(user=user, name="test")
        self.client, self.headers = client, {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def get(self, url, **params):
        return self.client.get(url, params, **self.headers)

    def post(self, url, data=None):
        return self.client.post(url, data or {}, content_type="application/json", **self.headers)


def test_enterprise_generates_and_submits_through_the_api(client, q3_records, mine_safety):
    api = Api(client, mine_safety)
    with time_machine.travel(AFTER_Q3):
        created = api.post("/api/quarterly-reports", {"year": 2026, "quarter": 3})
        assert created.status_code == 201, created.content
        body = created.json()
        assert (body["found_general"], body["found_major"], body["status"]) == (3, 1, "draft")
        assert body["rectification_rate"] == 25.0 and body["due_date"] == "2026-10-15"
        again = api.post("/api/quarterly-reports", {"year": 2026, "quarter": 3})
        assert again.status_code == 200
        rid = body["id"]
        submitted = api.post(f"/api/quarterly-reports/{rid}/submit", {"remarks": "无"})
        assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
        twice = api.post(f"/api/quarterly-reports/{rid}/submit", {})
        assert twice.status_code == 409 and "不能再更改" in twice.json()["detail"]
        regenerate = api.post("/api/quarterly-reports", {"year": 2026, "quarter": 3})
        assert regenerate.status_code == 409
    xlsx = api.get(f"/api/quarterly-reports/{rid}/export.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"year": 2026, "quarter": 5}, "quarter"),
        ({"year": 2026, "quarter": 0}, "quarter"),
        ({"year": 1999, "quarter": 1}, "year"),
        ({"year": 2027, "quarter": 1}, "year"),
        ({"year": 2026, "quarter": 4}, "quarter"),  # not begun on 10 August 2026
        ({"year": "x", "quarter": 1}, "year"),
    ],
)
def test_bad_year_or_quarter_is_a_422_naming_the_field(
    client, mine_safety, lingshi_mine, payload, field
):
    with time_machine.travel(IN_Q3):
        response = Api(client, mine_safety).post("/api/quarterly-reports", payload)
    assert response.status_code == 422, response.content
    assert field in str(response.json()["detail"])


def test_api_scoping_and_errors(client, quarter_in_two_counties, yanhu_regulator, mine_safety):
    lingshi = QuarterlyHazardReport.objects.get(enterprise__name="灵石测试煤矿（演示）")
    yanhu = Api(client, yanhu_regulator)
    assert yanhu.get(f"/api/quarterly-reports/{lingshi.pk}").status_code == 404
    assert yanhu.get("/api/quarterly-reports", year=2026, quarter=3).json()["count"] == 1
    summary = yanhu.get("/api/quarterly-reports/summary", year=2026, quarter=3).json()
    assert summary["expected"] == 1 and summary["on_time"] == 1
    assert yanhu.get("/api/quarterly-reports/summary", year=2026, quarter=7).status_code == 422
    # A regulator may read but not submit an enterprise's report.
    own = QuarterlyHazardReport.objects.get(enterprise__name__startswith="运城")
    draft = QuarterlyHazardReport.objects.get(status="draft")
    lingshi_api = Api(client, make_user("ls2", UserRole.COUNTY_REGULATOR, region=region(LINGSHI)))
    assert lingshi_api.post(f"/api/quarterly-reports/{draft.pk}/submit").status_code == 403
    assert yanhu.post(f"/api/quarterly-reports/{draft.pk}/submit").status_code == 404
    assert own.enterprise.region == region(YANHU)
    # An enterprise user cannot name another enterprise.
    other = Api(client, mine_safety).post(
        "/api/quarterly-reports", {"year": 2026, "quarter": 3, "enterprise": own.enterprise_id}
    )
    assert other.status_code == 422
    rows = Api(client, mine_safety).get("/api/quarterly-reports/submissions", year=2026, quarter=3)
    assert rows.status_code == 200 and rows.json()["count"] == 1


# --------------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------------


def test_cli_lists_submission_status_and_generates_drafts(quarter_in_two_counties, system_admin):
    assert translate(["reports", "quarterly", "--year", "2026"]) == [
        "quarterly_report",
        "--year",
        "2026",
    ]
    out = io.StringIO()
    call_command(
        "quarterly_report", "--year", "2026", "--quarter", "3", "--region", LINGSHI, stdout=out
    )
    text = out.getvalue()
    assert "灵石迟报厂" in text and "late" in text and "missing" in text and "运城" not in text
    assert "Expected 4: on time 1, late 1, draft 1, missing 1." in text
    out = io.StringIO()
    with time_machine.travel(LATE):
        call_command(
            "quarterly_report", "--year", "2026", "--quarter", "3", "--generate", stdout=out
        )
    assert "Generated or refreshed 2 drafts" in out.getvalue()
    assert "missing 0." in out.getvalue()


def test_cli_refuses_a_bad_quarter_or_region(system_admin):
    with pytest.raises(CommandError, match="季度必须是"):
        call_command("quarterly_report", "--year", "2026", "--quarter", "5", stdout=io.StringIO())
    with pytest.raises(CommandError, match="region"):
        call_command(
            "quarterly_report",
            "--year",
            "2025",
            "--quarter",
            "1",
            "--region",
            "999999",
            stdout=io.StringIO(),
        )
