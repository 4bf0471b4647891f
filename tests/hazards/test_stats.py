import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from anlan.hazards import services
from anlan.hazards.stats import hazard_stats

from .conftest import jpeg_bytes

pytestmark = pytest.mark.django_db


def _report(user, enterprise, **extra):
    data = {
        "enterprise": enterprise,
        "description": "隐患",
        "category": "other",
        "channel": "department_patrol",
        **extra,
    }
    return services.report_hazard(user=user, data=data)


def test_rectification_rate_overdue_and_open_major(
    lingshi_regulator, lingshi_mine, yuncheng_plant, yanhu_regulator
):
    from anlan.core.uploads import check_upload

    closed = _report(lingshi_regulator, lingshi_mine)
    services.verify_hazard(hazard=closed, user=lingshi_regulator)
    deadline = timezone.localdate() + dt.timedelta(days=3)
    plan = {
        "measures": "m",
        "responsible_person": "p",
        "funds": "0",
        "deadline": deadline,
        "contingency": "c",
    }
    services.assign_plan(hazard=closed, user=lingshi_regulator, plan=plan)
    services.start_rectifying(hazard=closed, user=lingshi_regulator)
    services.request_acceptance(
        hazard=closed, user=lingshi_regulator, evidence=[check_upload(jpeg_bytes(), "e.jpg")]
    )
    services.accept_hazard(hazard=closed, user=lingshi_regulator)
    _report(lingshi_regulator, lingshi_mine, level="major")
    rejected = _report(lingshi_regulator, lingshi_mine)
    services.reject_hazard(hazard=rejected, user=lingshi_regulator, reason="不属实")
    _report(yanhu_regulator, yuncheng_plant)  # another county: not counted for Lingshi

    stats = hazard_stats(lingshi_regulator)
    assert (stats["found"], stats["closed"], stats["rectification_rate"]) == (2, 1, 50.0)
    assert stats["open_major"] == 1 and stats["overdue"] == 0
    assert stats["by_county"] == [{"code": "140729", "name": "灵石县", "found": 2, "closed": 1}]
    month = timezone.localdate().strftime("%Y-%m")
    assert stats["by_month"] == [{"month": month, "found": 2, "closed": 1}]


def test_dashboard_and_api_show_the_hazard_figures(client, lingshi_regulator, lingshi_mine):
    _report(lingshi_regulator, lingshi_mine)
    client.force_login(lingshi_regulator)
    page = client.get(reverse("reports:dashboard")).content.decode()
    assert 'data-testid="fig-hazards_found">1<' in page and 'id="hazard-data"' in page
    assert client.get("/api/stats/hazards").json()["found"] == 1


def test_no_hazards_means_no_rate_rather_than_zero(lingshi_regulator):
    assert hazard_stats(lingshi_regulator)["rectification_rate"] is None
