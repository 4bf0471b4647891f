"""Every demo login opens every page it can reach, and sees only its own jurisdiction."""

import pytest
from django.urls import reverse

from anlan.alerts import services as alert_services
from anlan.alerts.models import Alert
from anlan.commitments import services as commitments
from anlan.core.demo import build_demo
from anlan.core.models import User
from anlan.core.permissions import can_edit_enterprise, can_edit_registry
from anlan.hazards.models import Hazard, TipOff
from anlan.inspections.models import Inspection
from anlan.patrols.models import OnlinePatrol
from anlan.registry.models import Enterprise
from anlan.reports import bulletins
from anlan.rescue.models import Incident, Team
from anlan.supervision.models import (
    Assessment,
    AssessmentScheme,
    Campaign,
    ExpertVisit,
    MemberUnit,
    SupervisionTask,
    TrainingSession,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo_users():
    build_demo()
    return list(User.objects.filter(is_demo=True).order_by("username"))


def test_each_demo_login_browses_its_pages_without_error(client, demo_users):
    everyone = set(Enterprise.objects.values_list("pk", flat=True))
    for user in demo_users:
        client.force_login(user)
        visible = Enterprise.objects.visible_to(user)
        assert client.get(reverse("reports:dashboard")).status_code == 200, user
        listing = client.get(reverse("registry:list"), {"page": 1})
        assert listing.status_code == 200
        assert listing.context["page"].paginator.count == visible.count(), user.username
        for enterprise in visible[:3]:
            for tab in ("overview", "persons", "hazard_sources", "risk_points", "history"):
                url = reverse("registry:detail_tab", args=[enterprise.pk, tab])
                assert client.get(url).status_code == 200, (user.username, url)
            edit = client.get(reverse("registry:edit", args=[enterprise.pk]))
            assert edit.status_code == (200 if can_edit_enterprise(user, enterprise) else 403)
        for pk in list(everyone - set(visible.values_list("pk", flat=True)))[:3]:
            assert client.get(reverse("registry:detail", args=[pk])).status_code == 404
        assert client.get(reverse("registry:import")).status_code == (
            200 if can_edit_registry(user) else 403
        )
        assert client.get(reverse("registry:export")).status_code == 200
        for name in (
            "hazards:list",
            "hazards:tipoffs",
            "hazards:rewards",
            "hazards:exposures",
            "notifications:inbox",
            "hazards:reward_export",
            "inspections:list",
            "inspections:new",
            "inspections:checklists",
            "inspections:coverage",
            "inspections:plans",
            "standards:list",
            "registry:risk_map",
            "registry:risk_export",
            "registry:my_tasks",
            "monitoring:board",
            "monitoring:board-rows",
            "monitoring:sensors",
            "supervision:checks",
            "supervision:checks-export",
            "supervision:strict-list",
            "supervision:strict-export",
            "patrols:list",
            "patrols:export",
            "patrols:due",
            "patrols:due-export",
            "patrols:stats",
            "commitments:list",
            "commitments:permits",
            "rescue:board",
            "rescue:board-export",
            "rescue:incidents",
            "rescue:coverage",
            "rescue:coverage-export",
            "rescue:history",
            "rescue:equipment-list",
            "rescue:equipment-due",
            "rescue:equipment-loans",
            "rescue:equipment-stocktakes",
            "rescue:equipment-types",
            "rescue:drill-list",
            "rescue:drill-stats",
            "rescue:certificates-due",
            "alerts:list",
            "alerts:matrix",
            "alerts:household-list",
            "alerts:check-list",
            "alerts:issue-list",
            "supervision:units",
            "supervision:units-export",
            "supervision:tasks",
            "supervision:tasks-export",
            "supervision:trainings",
            "supervision:trainings-export",
            "supervision:visits",
            "supervision:visits-export",
            "supervision:campaigns",
            "supervision:activities",
            "supervision:activities-export",
            "supervision:schemes",
            "supervision:assessments",
            "reports:bulletins",
            "reports:bulletins-export",
            "reports:exports",
        ):
            assert client.get(reverse(name)).status_code == 200, (user.username, name)
        assert client.get(reverse("commitments:overview")).status_code == (
            200 if commitments.can_see_overview(user) else 403
        ), user.username
        fill = client.get(reverse("commitments:fill")).status_code
        assert fill in ((200, 302) if user.enterprise_id else (403,)), (user.username, fill)
        for enterprise in commitments.required(visible)[:2]:
            url = reverse("commitments:enterprise", args=[enterprise.pk])
            assert client.get(url).status_code == 200, (user.username, url)
        for tip_off in TipOff.objects.visible_to(user)[:3]:
            url = reverse("hazards:tipoff_detail", args=[tip_off.pk])
            assert client.get(url).status_code == 200, (user.username, url)
        for inspection in Inspection.objects.visible_to(user)[:2]:
            url = reverse("inspections:detail", args=[inspection.pk])
            assert client.get(url).status_code == 200, (user.username, url)
        for patrol in OnlinePatrol.objects.visible_to(user)[:2]:
            url = reverse("patrols:detail", args=[patrol.pk])
            assert client.get(url).status_code == 200, (user.username, url)
        for team in Team.objects.visible_to(user)[:3]:
            for name in ("rescue:team", "rescue:member-list", "rescue:training-summary"):
                url = reverse(name, args=[team.pk])
                assert client.get(url).status_code == 200, (user.username, url)
        for incident in Incident.objects.visible_to(user)[:2]:
            url = reverse("rescue:incident", args=[incident.pk])
            assert client.get(url).status_code == 200, (user.username, url)
        for alert in Alert.objects.visible_to(user)[:3]:
            for name in ("alerts:detail", "alerts:board-export"):
                url = reverse(name, args=[alert.pk])
                assert client.get(url).status_code == 200, (user.username, url)
        for name in ("alerts:import", "alerts:rejected", "alerts:feeds"):
            assert client.get(reverse(name)).status_code == (
                200 if alert_services.may_import(user) else 403
            ), (user.username, name)
        office_records = (
            ("supervision:unit", MemberUnit.objects.visible_to(user)),
            ("supervision:task", SupervisionTask.objects.visible_to(user)),
            ("supervision:training", TrainingSession.objects.visible_to(user)),
            ("supervision:visit", ExpertVisit.objects.visible_to(user)),
            ("supervision:campaign", Campaign.objects.visible_to(user)),
            ("supervision:scheme", AssessmentScheme.objects.visible_to(user)),
            ("supervision:assessment", Assessment.objects.visible_to(user)),
            ("reports:bulletin", bulletins.visible(user)),
        )
        for name, records in office_records:
            for record in records[:2]:
                url = reverse(name, args=[record.pk])
                assert client.get(url).status_code == 200, (user.username, url)
        for hazard in Hazard.objects.visible_to(user)[:3]:
            url = reverse("hazards:detail", args=[hazard.pk])
            assert client.get(url).status_code == 200, (user.username, url)
        me = client.get("/api/me").json()
        assert me["username"] == user.username
        assert client.get("/api/enterprises").json()["count"] == visible.count()
        client.logout()


def test_the_public_portal_opens_without_an_account(client, demo_users):
    for name in (
        "portal:home",
        "portal:tipoff_new",
        "portal:track",
        "portal:exposures",
        "portal:delistings",
        "commitments_portal:board",
        "alerts_public:list",
        "alerts_public:feed",
    ):
        assert client.get(reverse(name)).status_code == 200, name
    for enterprise in commitments.required(Enterprise.objects.all())[:3]:
        url = reverse("commitments_portal:detail", args=[enterprise.pk])
        assert client.get(url).status_code == 200, url
    assert "（演示）" in client.get(reverse("portal:exposures")).content.decode()


def test_scopes_nest_from_city_to_village(demo_users):
    by_name = {u.username: u for u in demo_users}
    counts = {name: Enterprise.objects.visible_to(by_name[name]).count() for name in by_name}
    assert counts["admin"] == Enterprise.objects.count()
    assert (
        counts["admin"] > counts["city"] > counts["lingshi"] > counts["township"] >= counts["grid"]
    )
    assert counts["enterprise"] == counts["guarantor"] == 1
    assert counts["yanhu"] > 0
    lingshi = set(Enterprise.objects.visible_to(by_name["lingshi"]).values_list("pk", flat=True))
    yanhu = set(Enterprise.objects.visible_to(by_name["yanhu"]).values_list("pk", flat=True))
    assert not lingshi & yanhu
