import io

import pytest
from django.urls import reverse
from openpyxl import Workbook

from anlan.registry.models import Enterprise

from ..factories import PersonFactory, make_id_number, make_uscc

pytestmark = pytest.mark.django_db


@pytest.fixture
def lingshi(client, lingshi_regulator):
    client.force_login(lingshi_regulator)
    return client


def form_data(**overrides):
    data = {
        "name": "灵石网页新增企业（演示）",
        "uscc": make_uscc("140729"),
        "industry": "metallurgy",
        "region": "",
        "size": "medium",
        "headcount": "150",
        "status": "operating",
        "risk_flags": ["dust_explosion"],
    }
    data.update(overrides)
    return data


def test_regulator_adds_an_enterprise_through_the_form(lingshi):
    from anlan.core.models import Region

    region = Region.objects.get(code="140729")
    response = lingshi.post(reverse("registry:create"), form_data(region=region.pk))
    enterprise = Enterprise.objects.get(name="灵石网页新增企业（演示）")
    assert response.status_code == 302 and response["Location"] == reverse(
        "registry:detail", args=[enterprise.pk]
    )
    assert list(enterprise.risk_flags.values_list("code", flat=True)) == ["dust_explosion"]


def test_wrong_credit_code_in_the_form_is_shown_on_that_field_and_nothing_saved(lingshi):
    from anlan.core.models import Region

    region = Region.objects.get(code="140729")
    code = make_uscc("140729")
    code = code[:-1] + ("0" if code[-1] != "0" else "1")
    response = lingshi.post(reverse("registry:create"), form_data(region=region.pk, uscc=code))
    assert response.status_code == 200
    assert response.context["form"].errors["uscc"]
    assert 'data-field="uscc"' in response.content.decode()
    assert not Enterprise.objects.exists()


def test_the_form_offers_only_regions_in_jurisdiction(lingshi):
    from anlan.core.models import Region

    other = Region.objects.get(code="140802")
    response = lingshi.post(reverse("registry:create"), form_data(region=other.pk))
    assert response.status_code == 200 and "region" in response.context["form"].errors
    assert not Enterprise.objects.exists()


def test_enterprise_users_cannot_add_enterprises(client, other_county_enterprise_manager):
    client.force_login(other_county_enterprise_manager)
    assert client.get(reverse("registry:create")).status_code == 403


def test_list_filters_by_flag_and_searches(lingshi, lingshi_mine):
    from anlan.registry.models import RiskFlag

    lingshi_mine.risk_flags.add(RiskFlag.objects.get(code="high_gas"))
    page = lingshi.get(reverse("registry:list"), {"flag": "high_gas"}).content.decode()
    assert lingshi_mine.name in page
    page = lingshi.get(reverse("registry:list"), {"flag": "confined_space"}).content.decode()
    assert lingshi_mine.name not in page and "没有符合条件的企业" in page
    partial = lingshi.get(reverse("registry:list"), {"q": "灵石测试"}, HTTP_HX_REQUEST="true")
    assert (
        lingshi_mine.name in partial.content.decode()
        and '<nav class="navbar' not in partial.content.decode()
    )


def test_bad_filter_values_are_ignored_not_errors(lingshi, lingshi_mine):
    response = lingshi.get(
        reverse("registry:list"), {"industry": "x", "sort": "';drop", "page": "abc"}
    )
    assert response.status_code == 200 and lingshi_mine.name in response.content.decode()


def test_detail_shows_masked_id_numbers_and_history(lingshi, lingshi_mine, lingshi_regulator):
    person = PersonFactory(enterprise=lingshi_mine, id_number=make_id_number(seq=7))
    page = lingshi.get(
        reverse("registry:detail_tab", args=[lingshi_mine.pk, "persons"])
    ).content.decode()
    assert person.name in page and person.id_number not in page and person.id_number_masked in page
    lingshi.post(
        reverse("registry:edit", args=[lingshi_mine.pk]),
        form_data(
            name=lingshi_mine.name,
            uscc=lingshi_mine.uscc,
            region=lingshi_mine.region.pk,
            headcount="777",
        ),
    )
    history = lingshi.get(
        reverse("registry:detail_tab", args=[lingshi_mine.pk, "history"])
    ).content.decode()
    assert "从业人数" in history and "777" in history and lingshi_regulator.username in history


def test_person_form_rejects_bad_id_and_mobile(lingshi, lingshi_mine):
    response = lingshi.post(
        reverse("registry:person_create", args=[lingshi_mine.pk]),
        {"name": "赵六", "post": "principal", "id_number": "140729198001010010", "mobile": "1234"},
    )
    errors = response.context["form"].errors
    assert "id_number" in errors and "mobile" in errors
    assert not lingshi_mine.responsible_persons.exists()


def test_hazard_source_needs_guarantors_of_the_same_enterprise(
    lingshi, lingshi_mine, yuncheng_plant
):
    ours = PersonFactory(enterprise=lingshi_mine)
    theirs = PersonFactory(enterprise=yuncheng_plant)
    response = lingshi.post(
        reverse("registry:source_create", args=[lingshi_mine.pk]),
        {
            "name": "液氨储罐区",
            "level": "2",
            "principal": ours.pk,
            "technical_lead": theirs.pk,
            "operations_lead": ours.pk,
        },
    )
    assert response.status_code == 200 and "technical_lead" in response.context["form"].errors
    response = lingshi.post(
        reverse("registry:source_create", args=[lingshi_mine.pk]),
        {
            "name": "液氨储罐区",
            "level": "2",
            "principal": ours.pk,
            "technical_lead": ours.pk,
            "operations_lead": ours.pk,
        },
    )
    assert response.status_code == 302
    assert lingshi_mine.risk_flags.filter(code="major_hazard_source").exists()


def test_web_import_reports_bad_rows_and_saves_nothing(lingshi):
    wb = Workbook()
    wb.active.append(["企业名称", "统一社会信用代码", "行业类别", "所属区划代码"])
    wb.active.append(["好企业（演示）", make_uscc("140729"), "煤矿", "140729"])
    wb.active.append(["坏企业（演示）", "123", "煤矿", "140729"])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "ledger.xlsx"
    response = lingshi.post(reverse("registry:import"), {"file": buf})
    page = response.content.decode()
    assert "未导入任何数据" in page and "统一社会信用代码" in page
    assert not Enterprise.objects.exists()


def test_web_import_refuses_a_file_that_is_not_excel(lingshi):
    buf = io.BytesIO(b"%PDF-1.4 not a workbook")
    buf.name = "ledger.xlsx"
    response = lingshi.post(reverse("registry:import"), {"file": buf})
    assert response.status_code == 200 and "不是 Excel" in response.content.decode()


def test_export_download_is_an_xlsx_file(lingshi, lingshi_mine):
    response = lingshi.get(reverse("registry:export"), {"columns": ["name", "uscc"]})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.content[:2] == b"PK"


def test_the_interface_is_chinese_by_default_and_english_on_request(lingshi):
    assert "企业台账" in lingshi.get(reverse("registry:list")).content.decode()
    lingshi.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Enterprise ledger" in lingshi.get(reverse("registry:list")).content.decode()


def test_login_page_and_failed_login_message(client, lingshi_regulator):
    response = client.post(reverse("login"), {"username": "lingshi-regulator", "password": "wrong"})
    assert response.status_code == 200 and "alert-danger" in response.content.decode()
    response = client.post(
        reverse("login"), {"username": "lingshi-regulator", "password": "pw-lingshi-regulator"}
    )
    assert response.status_code == 302


def test_dashboard_shows_counts_and_chart_data(lingshi, lingshi_mine):
    response = lingshi.get(reverse("reports:dashboard"))
    stats = response.context["stats"]
    assert stats["total"] == 1 and stats["by_county"][0]["name"] == "灵石县"
    assert 'id="stats-data"' in response.content.decode()


def test_history_shows_risk_flag_changes_by_name(lingshi, lingshi_mine):
    lingshi.post(
        reverse("registry:edit", args=[lingshi_mine.pk]),
        form_data(
            name=lingshi_mine.name,
            uscc=lingshi_mine.uscc,
            region=lingshi_mine.region.pk,
            risk_flags=["high_gas", "rock_burst"],
        ),
    )
    history = lingshi.get(reverse("registry:detail_tab", args=[lingshi_mine.pk, "history"]))
    page = history.content.decode()
    assert "风险标签" in page and "高瓦斯矿井" in page and "冲击地压" in page


def test_list_queries_do_not_grow_with_rows(lingshi, django_assert_max_num_queries):
    from anlan.core.models import Region
    from anlan.registry.models import RiskFlag

    from ..factories import EnterpriseFactory, township

    town = township()
    village = Region.objects.create(
        code=town.code + "201", name="测试村", level="village", parent=town
    )
    flag = RiskFlag.objects.get(code="high_gas")
    for enterprise in EnterpriseFactory.create_batch(25, region=village):
        enterprise.risk_flags.add(flag)
    with django_assert_max_num_queries(12):
        page = lingshi.get(reverse("registry:list"))
    assert "晋中市灵石县测试镇测试村" in page.content.decode()
    with django_assert_max_num_queries(12):
        assert lingshi.get("/api/enterprises?limit=25").json()["count"] == 25


def test_template_download_is_for_those_who_may_import(
    lingshi, client, other_county_enterprise_manager
):
    response = lingshi.get(reverse("registry:import_template"))
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert "enterprise-ledger-template" in response["Content-Disposition"]
    client.force_login(other_county_enterprise_manager)
    assert client.get(reverse("registry:import_template")).status_code == 403


def test_an_english_browser_still_gets_the_chinese_interface_until_it_asks(lingshi):
    page = lingshi.get(reverse("registry:list"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "企业台账" in page.content.decode()
    lingshi.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Enterprise ledger" in lingshi.get(reverse("registry:list")).content.decode()
