import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.http import HttpRequest

from anlan.core.choices import RegionLevel, UserRole
from anlan.core.demo import DEMO_PASSWORD, ENTERPRISES, STEPS, build_demo
from anlan.core.models import Region, User
from anlan.core.validators import validate_id_number, validate_mobile, validate_uscc
from anlan.registry.choices import EnterpriseRiskFlag
from anlan.registry.models import Enterprise, HazardSource, ResponsiblePerson
from anlan.rescue.models import Member, Team

pytestmark = pytest.mark.django_db

DEMO_COUNTIES = ("140729", "140724", "140781", "141181", "140802", "140882", "140728", "140725")


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    # The demo sets ten passwords per build; the default hasher would make each build slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo():
    return build_demo()


def _snapshot():
    """Row counts of everything the demo writes, history tables included."""
    models = [Region, Enterprise, ResponsiblePerson, HazardSource, Team, User]
    counts = {m.__name__: m.objects.count() for m in models}
    for m in (Enterprise, ResponsiblePerson, HazardSource, Team, User):
        counts["history:" + m.__name__] = m.history.count()
    counts["risk flags"] = Enterprise.risk_flags.through.objects.count()
    return counts


def test_demo_builds_a_realistic_data_set(demo):
    assert demo["enterprises"] == len(ENTERPRISES) >= 35
    assert Enterprise.objects.filter(is_demo=True).count() == demo["enterprises"]
    assert demo["persons"] == ResponsiblePerson.objects.count() >= 2 * demo["enterprises"]
    assert demo["hazard_sources"] == HazardSource.objects.count() > 0
    assert demo["teams"] == Team.objects.filter(is_demo=True).count() == 14
    assert demo["users"] == User.objects.filter(is_demo=True).count() == 13
    for county in DEMO_COUNTIES:
        assert Enterprise.objects.filter(region__prefix__startswith=county).exists(), county


def test_every_demo_code_passes_the_validators(demo):
    for enterprise in Enterprise.objects.filter(is_demo=True):
        validate_uscc(enterprise.uscc)
        assert enterprise.uscc[2:8] == enterprise.region.code[:6]
    for person in ResponsiblePerson.objects.all():
        validate_id_number(person.id_number)
        validate_mobile(person.mobile)
    assert len(set(ResponsiblePerson.objects.values_list("id_number", flat=True))) == (
        ResponsiblePerson.objects.count()
    )


def test_running_the_demo_twice_adds_and_changes_nothing(demo):
    before = _snapshot()
    again = build_demo()
    assert _snapshot() == before
    assert sum(again["created"].values()) == 0
    # The demo tip-off's secret is shown only by the run that created it.
    assert demo["tip_off"] and again["tip_off"] is None
    assert {k: v for k, v in again.items() if k not in ("created", "tip_off")} == {
        k: v for k, v in demo.items() if k not in ("created", "tip_off")
    }


def test_every_role_has_exactly_one_demo_login(demo):
    roles = Counter(User.objects.filter(is_demo=True).values_list("role", flat=True))
    expected = dict.fromkeys(UserRole.values, 1)
    expected[UserRole.COUNTY_REGULATOR] = 2
    # The coal mine's safety manager, and the gas company's, whom the demo cold wave reaches.
    expected[UserRole.ENTERPRISE_SAFETY] = 2
    assert roles == expected


def test_every_demo_login_is_valid_and_signs_in(client, demo):
    for user in User.objects.filter(is_demo=True):
        user.full_clean()
        assert user.check_password(DEMO_PASSWORD)
        assert (user.is_staff, user.is_superuser) == ((user.username == "admin",) * 2)
    guarantor = User.objects.get(username="guarantor")
    assert guarantor.enterprise.hazard_sources.exists()
    enterprise = User.objects.get(username="enterprise").enterprise
    assert enterprise.region.prefix.startswith("140729")
    assert enterprise.risk_flags.filter(code=EnterpriseRiskFlag.HIGH_GAS).exists()
    assert User.objects.get(username="rescue").team.name == "灵石县矿山救援中队"
    assert client.login(request=HttpRequest(), username="lingshi", password=DEMO_PASSWORD)
    assert [login[0] for login in demo["logins"]].count("lingshi") == 1


def test_rerunning_does_not_reset_a_changed_password(demo):
    user = User.objects.get(username="city")
    user.set_password("changed-by-the-user-2026")
    user.save()
    build_demo()
    user.refresh_from_db()
    assert user.check_password("changed-by-the-user-2026")


def test_lingshi_and_xiyang_squads_have_44_members(demo):
    squads = Team.objects.filter(name__in=["灵石县矿山救援中队", "昔阳县矿山救援中队"])
    assert sum(squads.values_list("headcount", flat=True)) == 44
    assert Member.objects.filter(team__in=squads).count() == 44
    assert Team.objects.filter(region__code="141181", is_demo=True).count() == 9


def test_the_demo_rescue_forces_answer_the_done_when_of_the_rescue_issue(demo):
    from anlan.core.models import User
    from anlan.rescue import coverage
    from anlan.rescue.models import EquipmentItem, Incident

    bg4 = EquipmentItem.objects.filter(team__name="孝义市矿山救援大队", equipment_type__model="BG4")
    assert bg4.count() == 14
    incident = Incident.objects.get(is_demo=True)
    assert incident.kind == "gas_explosion"
    assert [d.team.name for d in incident.dispatches.order_by("notified_at")] == [
        "灵石县矿山救援中队",
        "孝义市矿山救援大队",
    ]
    assert incident.events.filter(stage="arrived").count() == 2
    city = User.objects.get(username="city")
    assert coverage.analyse(user=city).summary()["gaps"] > 0
    planned = list(Team.objects.filter(status="planned"))
    assert {t.name[:2] for t in planned} == {"平遥", "寿阳"}
    assert coverage.analyse(user=city, planned=planned).summary()["gaps"] == 0


def test_demo_townships_and_villages_are_fictional(demo):
    demo_regions = Region.objects.filter(
        level__in=[RegionLevel.TOWNSHIP, RegionLevel.VILLAGE],
        prefix__regex=r"^(" + "|".join(DEMO_COUNTIES) + ")",
    )
    assert demo_regions.count() == demo["regions"] > 0
    assert not demo_regions.filter(is_fictional=False).exists()
    for region in demo_regions:
        region.full_clean()


def test_demo_enterprise_names_are_marked(demo):
    names = Enterprise.objects.filter(is_demo=True).values_list("name", flat=True)
    assert all(name.endswith("（演示）") for name in names)


def test_demo_reports_each_step(db):
    steps = []
    build_demo(progress=steps.append)
    assert steps == [str(s) for s in STEPS]


def test_demo_command_loads_and_lists_logins_without_serving():
    out = io.StringIO()
    call_command("demo", "--no-serve", stdout=out)
    text = out.getvalue()
    assert DEMO_PASSWORD in text and "lingshi" in text and "rescue" in text
    assert Enterprise.objects.filter(is_demo=True).count() == len(ENTERPRISES)


def test_demo_has_hazards_in_every_state_with_real_timelines(demo):
    from anlan.hazards.choices import HazardStatus
    from anlan.hazards.models import Hazard

    statuses = set(Hazard.objects.values_list("status", flat=True))
    assert statuses == set(HazardStatus.values)
    closed = Hazard.objects.filter(status="closed").first()
    assert [t.to_status for t in closed.transitions.all()][-1] == "closed"
    assert closed.attachments.filter(kind="evidence").exists()
    before = Hazard.objects.count()
    build_demo()
    assert Hazard.objects.count() == before


def test_the_demo_office_runs_a_month_from_two_tasks_to_the_bulletin(demo):
    """Issue #8's "done when": the county office assigned two tasks last month, one township
    missed one, the monthly assessment ranks that township last with the miss deducted, and the
    city's monthly bulletin came out as PDF and Word with figures equal to the ledgers."""
    import docx
    import pypdf
    from django.utils import timezone

    from anlan.hazards.models import Hazard
    from anlan.reports.bulletins import previous_month
    from anlan.reports.models import Bulletin
    from anlan.supervision.demo_assessment import MONTHLY
    from anlan.supervision.demo_office import MISSED_TOWNSHIP
    from anlan.supervision.models import Assessment, SupervisionTask, TaskAssignment

    start, end = previous_month(timezone.localdate())
    tasks = SupervisionTask.objects.filter(region__code="140729", deadline__range=(start, end))
    assert tasks.count() == 2
    late = TaskAssignment.objects.filter(task__in=tasks, on_time=False)
    assert [a.unit.name for a in late] == [MISSED_TOWNSHIP]

    ranking = list(
        Assessment.objects.filter(scheme__name=MONTHLY, period_start=start).order_by("rank")
    )
    assert len(ranking) == 3 and all(a.state == "signed" for a in ranking)
    assert [a.rank for a in ranking] == [1, 2, 3]
    assert [a.total for a in ranking] == sorted((a.total for a in ranking), reverse=True)
    deducted = {
        a.unit.name for a in ranking if a.scores.filter(indicator__code="2.2", points=-5).exists()
    }
    assert deducted == {MISSED_TOWNSHIP}

    bulletin = Bulletin.objects.get(kind="monthly", region__code="140700", period_start=start)
    assert bulletin.state == "published" and bulletin.pdf and bulletin.docx

    def local_day(t):
        return timezone.localtime(t).date()

    found = [
        h
        for h in Hazard.objects.select_related("region")
        if h.region.code.startswith("1407")
        and h.status not in ("rejected", "merged")
        and start <= local_day(h.found_at) <= end
    ]
    closed = [h for h in found if h.closed_at and local_day(h.closed_at) <= end]
    assert (bulletin.figures["hazards"]["found"], bulletin.figures["hazards"]["closed"]) == (
        len(found),
        len(closed),
    )
    due = TaskAssignment.objects.filter(
        task__region__code__startswith="1407", task__deadline__range=(start, end)
    ).exclude(task__state="cancelled")
    tasks_fig = bulletin.figures["tasks"]
    assert tasks_fig["due"] == due.count() and tasks_fig["late"] == late.count() == 1

    with bulletin.pdf.open("rb") as fh:
        text = "".join(p.extract_text() for p in pypdf.PdfReader(fh).pages)
    assert bulletin.title in text.replace("\n", "")
    with bulletin.docx.open("rb") as fh:
        paragraphs = "\n".join(p.text for p in docx.Document(fh).paragraphs)
    assert bulletin.title in paragraphs
    assert "对未按期反馈的督办事项" in paragraphs
