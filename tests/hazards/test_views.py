import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from anlan.hazards.models import Hazard

from .conftest import jpeg_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def lingshi(client, lingshi_regulator):
    client.force_login(lingshi_regulator)
    return client


def report_form(enterprise, **overrides):
    data = {
        "enterprise": enterprise.pk,
        "description": "有限空间作业未检测气体",
        "category": "special_operations",
        "level": "general",
        "channel": "law_enforcement",
        "found_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "photos": [SimpleUploadedFile("现场.jpg", jpeg_bytes(), content_type="image/jpeg")],
    }
    data.update(overrides)
    return data


def test_report_with_a_photo_then_work_it_through_to_closure_on_the_web(lingshi, lingshi_mine):
    response = lingshi.post(reverse("hazards:report"), report_form(lingshi_mine))
    hazard = Hazard.objects.get()
    assert response["Location"] == reverse("hazards:detail", args=[hazard.pk])
    detail = lingshi.get(response["Location"]).content.decode()
    assert hazard.code in detail and "现场.jpg" in detail

    def act(action, **data):
        return lingshi.post(reverse("hazards:action", args=[hazard.pk, action]), data, follow=True)

    act("verify", level="general")
    deadline = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    act(
        "plan",
        measures="配备气体检测仪",
        responsible_person="赵六",
        funds="3000",
        deadline=deadline,
        contingency="作业暂停",
    )
    act("start")
    evidence = SimpleUploadedFile("检测仪.jpg", jpeg_bytes((0, 120, 0)), content_type="image/jpeg")
    act("request_acceptance", evidence=[evidence], reason="已配备")
    page = act("accept", reason="合格").content.decode()
    hazard.refresh_from_db()
    assert hazard.status == "closed"
    assert "已销号" in page and "合格" in page


def test_form_errors_name_the_field_and_save_nothing(lingshi, lingshi_mine):
    bad_photo = SimpleUploadedFile("现场.jpg", b"not an image at all", content_type="image/jpeg")
    response = lingshi.post(
        reverse("hazards:report"), report_form(lingshi_mine, photos=[bad_photo])
    )
    assert response.status_code == 200 and "photos" in response.context["form"].errors
    response = lingshi.post(reverse("hazards:report"), report_form(lingshi_mine, description=""))
    assert "description" in response.context["form"].errors
    assert not Hazard.objects.exists()


def test_a_refused_step_is_explained_and_changes_nothing(lingshi, lingshi_mine):
    lingshi.post(reverse("hazards:report"), report_form(lingshi_mine))
    hazard = Hazard.objects.get()
    page = lingshi.post(
        reverse("hazards:action", args=[hazard.pk, "accept"]), follow=True
    ).content.decode()
    assert "不能变为" in page
    assert Hazard.objects.get().status == "reported"
    page = lingshi.post(
        reverse("hazards:action", args=[hazard.pk, "reject"]), {"reason": ""}, follow=True
    )
    assert "请填写说明" in page.content.decode()


def test_plan_form_errors_stay_on_the_page(lingshi, lingshi_mine):
    lingshi.post(reverse("hazards:report"), report_form(lingshi_mine))
    hazard = Hazard.objects.get()
    lingshi.post(reverse("hazards:action", args=[hazard.pk, "verify"]))
    response = lingshi.post(reverse("hazards:action", args=[hazard.pk, "plan"]), {"measures": ""})
    assert response.status_code == 200 and "measures" in response.context["plan_form"].errors
    assert Hazard.objects.get().status == "verified"


def test_ledger_counts_and_filters(lingshi, lingshi_mine):
    for level in ("general", "major"):
        lingshi.post(reverse("hazards:report"), report_form(lingshi_mine, level=level))
    page = lingshi.get(reverse("hazards:list")).content.decode()
    assert "已上报" in page and page.count("YH") >= 2
    response = lingshi.get(reverse("hazards:list"), {"level": "major"})
    assert response.context["page"].paginator.count == 1


def test_other_countys_hazards_and_their_photos_are_not_found(
    client, lingshi, yanhu_regulator, yuncheng_plant
):
    client_yanhu = client.__class__()
    client_yanhu.force_login(yanhu_regulator)
    client_yanhu.post(reverse("hazards:report"), report_form(yuncheng_plant))
    hazard = Hazard.objects.get()
    attachment = hazard.attachments.get()
    assert lingshi.get(reverse("hazards:detail", args=[hazard.pk])).status_code == 404
    assert (
        lingshi.get(reverse("hazards:attachment", args=[hazard.pk, attachment.pk])).status_code
        == 404
    )
    assert lingshi.post(reverse("hazards:action", args=[hazard.pk, "verify"])).status_code == 404
    assert (
        client_yanhu.get(reverse("hazards:attachment", args=[hazard.pk, attachment.pk])).status_code
        == 200
    )


def test_ledger_exports_to_excel_with_the_same_filters(lingshi, lingshi_mine):
    import io

    from openpyxl import load_workbook

    for level in ("general", "major"):
        lingshi.post(reverse("hazards:report"), report_form(lingshi_mine, level=level))
    response = lingshi.get(reverse("hazards:export"), {"level": "major"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("序号", "编号", "企业或场所")
    assert len(rows) == 2 and rows[1][6] == "重大隐患"


def test_listing_from_the_detail_page(lingshi, lingshi_mine):
    lingshi.post(reverse("hazards:report"), report_form(lingshi_mine, level="major"))
    hazard = Hazard.objects.get()
    lingshi.post(reverse("hazards:action", args=[hazard.pk, "verify"]))
    page = lingshi.get(reverse("hazards:detail", args=[hazard.pk])).content.decode()
    assert "挂牌督办" in page
    deadline = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    page = lingshi.post(
        reverse("hazards:action", args=[hazard.pk, "listing"]),
        {"authority": "140729", "deadline": deadline},
        follow=True,
    ).content.decode()
    assert 'data-testid="listing"' in page and "晋中市灵石县" in page
    page = lingshi.post(
        reverse("hazards:action", args=[hazard.pk, "listing"]),
        {"authority": "140729", "deadline": "2026-99-99"},
        follow=True,
    ).content.decode()
    assert "该隐患已挂牌督办" in page


def test_extension_asked_and_approved_on_the_web(client, lingshi, lingshi_mine):
    from anlan.core.choices import UserRole

    from ..factories import make_user

    lingshi.post(reverse("hazards:report"), report_form(lingshi_mine))
    hazard = Hazard.objects.get()
    lingshi.post(reverse("hazards:action", args=[hazard.pk, "verify"]))
    deadline = timezone.localdate() + dt.timedelta(days=7)
    plan = {
        "measures": "m",
        "responsible_person": "p",
        "funds": "1",
        "deadline": deadline.isoformat(),
        "contingency": "c",
    }
    lingshi.post(reverse("hazards:action", args=[hazard.pk, "plan"]), plan)
    manager = client.__class__()
    manager.force_login(make_user("mine-web", UserRole.ENTERPRISE_SAFETY, enterprise=lingshi_mine))
    later = (deadline + dt.timedelta(days=10)).isoformat()
    manager.post(
        reverse("hazards:action", args=[hazard.pk, "extension"]),
        {"new_deadline": later, "reason": "等待配件"},
    )
    page = lingshi.get(reverse("hazards:detail", args=[hazard.pk])).content.decode()
    assert 'data-testid="pending-extension"' in page and "等待配件" in page
    extension = hazard.extensions.get()
    lingshi.post(
        reverse("hazards:action", args=[hazard.pk, "decide_extension"]),
        {"extension": extension.pk, "approve": "1"},
    )
    hazard.refresh_from_db()
    assert hazard.deadline.isoformat() == later
