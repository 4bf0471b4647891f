"""Generating, rendering (PDF and Word read back), publishing (frozen, subscribers told once),
scoping, bad input and the scheduled jobs."""

import base64
import datetime as dt
import io

import docx
import pypdf
import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from anlan.core.choices import NotificationKind, UserRole
from anlan.core.models import Notification
from anlan.reports import bulletins, render
from anlan.reports.models import Bulletin, BulletinSubscription

from ..factories import JINZHONG, LINGSHI, YANHU, EnterpriseFactory, make_user, region
from . import factories_bulletins as f

pytestmark = pytest.mark.django_db

START, END = dt.date(2026, 11, 1), dt.date(2026, 11, 30)
NOW = f.at(2026, 12, 5)


@pytest.fixture(autouse=True)
def december(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def records(db):
    mine = EnterpriseFactory(region=region(LINGSHI))
    f.hazard(mine, found=f.at(2026, 11, 3), status="closed", closed=f.at(2026, 11, 9))
    f.hazard(mine, found=f.at(2026, 11, 4), level="major", status="rectifying", category="fire")
    f.hazard(mine, found=f.at(2026, 11, 5))
    f.training(
        region(LINGSHI),
        kind="principal_lecture",
        date=dt.date(2026, 11, 8),
        sessions=12,
        participants=845,
    )
    return mine


@pytest.fixture
def monthly(records, city_admin):
    b = bulletins.generate(
        kind="monthly", region=region(JINZHONG), start=START, end=END, user=city_admin
    )
    bulletins.set_commentary(
        bulletin=b, section="hazards", text="各县要加快重大隐患整改。", user=city_admin
    )
    return b


def test_title_is_numbered_per_kind_region_and_year(monthly, city_admin):
    assert monthly.title == "晋中市安全生产工作简报 2026年第1期"
    december = bulletins.generate(
        kind="monthly",
        region=region(JINZHONG),
        start=dt.date(2026, 12, 1),
        end=dt.date(2026, 12, 31),
        user=city_admin,
    )
    assert december.number == 2 and december.title.endswith("2026年第2期")
    again = bulletins.generate(
        kind="monthly", region=region(JINZHONG), start=START, end=END, user=city_admin
    )
    assert again.pk == monthly.pk and again.number == 1


def test_pdf_has_the_chinese_title_and_figures(monthly):
    reader = pypdf.PdfReader(io.BytesIO(render.pdf_bytes(monthly)))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "晋中市安全生产工作简报" in text
    assert "2026年第1期" in text
    assert "各县要加快重大隐患整改。" in text
    assert "灵石县" in text  # the by-county table
    assert "845" in text and "33.3" in text  # person-times and the rectification rate


def test_word_file_has_title_tables_and_commentary(monthly):
    document = docx.Document(io.BytesIO(render.docx_bytes(monthly)))
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    assert "晋中市安全生产工作简报 2026年第1期" in paragraphs
    assert "各县要加快重大隐患整改。" in paragraphs
    cells = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    assert ["灵石县", "3", "1", "33.3%", "2", "0", "1"] in cells
    assert any("845" in row for row in cells)
    assert document.inline_shapes  # the charts, as pictures


def test_publishing_freezes_the_figures_and_tells_subscribers_once(
    monthly, city_admin, lingshi_regulator, records
):
    BulletinSubscription.objects.create(
        user=lingshi_regulator, kind="monthly", region=region(JINZHONG)
    )
    BulletinSubscription.objects.create(user=city_admin, kind="weekly", region=region(JINZHONG))
    published = bulletins.publish(bulletin=monthly, user=city_admin)
    assert published.state == "published" and published.pdf and published.docx
    f.hazard(records, found=f.at(2026, 11, 20))
    again = bulletins.generate(
        kind="monthly", region=region(JINZHONG), start=START, end=END, user=city_admin
    )
    assert again.figures["hazards"]["found"] == 3
    with pytest.raises(ValidationError):
        bulletins.refresh(bulletin=again, user=city_admin)
    with pytest.raises(ValidationError):
        bulletins.set_commentary(bulletin=again, section="hazards", text="x", user=city_admin)
    bulletins.deliver(again)
    notes = Notification.objects.filter(kind=NotificationKind.BULLETIN)
    assert [n.recipient for n in notes] == [lingshi_regulator]
    assert notes[0].title == published.title
    assert notes[0].link == reverse("reports:bulletin", args=[published.pk])


def test_county_regulator_cannot_open_another_countys_bulletin(
    client, records, lingshi_regulator, yanhu_regulator
):
    b = bulletins.generate(
        kind="weekly",
        region=region(LINGSHI),
        start=dt.date(2026, 11, 23),
        end=dt.date(2026, 11, 29),
        user=lingshi_regulator,
    )
    client.force_login(yanhu_regulator)
    assert client.get(reverse("reports:bulletin", args=[b.pk])).status_code == 404
    assert client.get(reverse("reports:bulletin-pdf", args=[b.pk])).status_code == 404
    client.force_login(lingshi_regulator)
    assert client.get(reverse("reports:bulletin", args=[b.pk])).status_code == 200


def test_county_regulator_cannot_publish_the_citys_bulletin(
    client, monthly, city_admin, lingshi_regulator
):
    client.force_login(lingshi_regulator)
    url = reverse("reports:bulletin", args=[monthly.pk])
    assert client.get(url).status_code == 404  # the city's draft is the city's
    with pytest.raises(PermissionDenied):
        bulletins.publish(bulletin=monthly, user=lingshi_regulator)
    bulletins.publish(bulletin=monthly, user=city_admin)
    assert client.get(url).status_code == 200  # published: the county reads it
    action = reverse("reports:bulletin-action", args=[monthly.pk, "publish"])
    assert client.post(action).status_code == 403
    commentary = reverse("reports:bulletin-commentary", args=[monthly.pk])
    assert client.post(commentary, {"section": "summary", "text": "x"}).status_code == 403


def test_enterprise_users_read_only_published_bulletins(monthly, city_admin, lingshi_mine):
    manager = make_user("mine-safety", UserRole.ENTERPRISE_SAFETY, enterprise=lingshi_mine)
    assert not bulletins.visible(manager).exists()


@pytest.mark.parametrize(
    "data, field",
    [
        (
            {"period": "custom", "period_start": "2026-11-30", "period_end": "2026-11-01"},
            "period_end",
        ),
        (
            {"period": "custom", "period_start": "2024-01-01", "period_end": "2026-11-30"},
            "period_end",
        ),
        ({"period": "month", "day": "2026-11-10", "region": "999999"}, "region"),
        ({"period": "month", "day": "2027-03-01"}, "period_start"),
    ],
)
def test_bad_generate_input_names_the_field_and_saves_nothing(client, city_admin, data, field):
    client.force_login(city_admin)
    post = {"kind": "monthly", "region": JINZHONG} | data
    with translation.override("en"):
        response = client.post(reverse("reports:bulletins"), post)
    assert response.status_code == 400
    assert response.context["form"].errors.get(field)
    assert not Bulletin.objects.exists()


def test_generate_form_makes_a_months_bulletin(client, city_admin, records):
    client.force_login(city_admin)
    response = client.post(
        reverse("reports:bulletins"),
        {"kind": "monthly", "region": JINZHONG, "period": "month", "day": "2026-11-17"},
    )
    b = Bulletin.objects.get()
    assert response.status_code == 302 and (b.period_start, b.period_end) == (START, END)
    page = client.get(reverse("reports:bulletin", args=[b.pk]))
    assert "晋中市安全生产工作简报" in page.content.decode()


def test_commentary_is_edited_with_htmx_while_draft(client, monthly, city_admin):
    client.force_login(city_admin)
    url = reverse("reports:bulletin-commentary", args=[monthly.pk])
    response = client.post(url, {"section": "tasks", "text": "按期反馈。"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "按期反馈。" in response.content.decode()
    response = client.post(url, {"section": "tasks", "text": "x" * 4001}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    monthly.refresh_from_db()
    assert monthly.commentary["tasks"] == "按期反馈。"


def test_downloads_and_subscription_toggle(client, monthly, city_admin):
    client.force_login(city_admin)
    pdf = client.get(reverse("reports:bulletin-pdf", args=[monthly.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    word = client.get(reverse("reports:bulletin-docx", args=[monthly.pk]))
    assert word.status_code == 200 and b"PK" == word.content[:2]
    client.post(reverse("reports:bulletin-subscription", args=[monthly.pk]))
    assert bulletins.is_subscribed(city_admin, "monthly", region(JINZHONG))
    client.post(reverse("reports:bulletin-subscription", args=[monthly.pk]))
    assert not bulletins.is_subscribed(city_admin, "monthly", region(JINZHONG))
    export = client.get(reverse("reports:bulletins-export"))
    assert export.status_code == 200


@override_settings(ANLAN_BULLETIN_REGIONS=[JINZHONG], ANLAN_BULLETIN_AUTO_PUBLISH=True)
def test_scheduled_jobs_make_last_weeks_and_last_months_bulletins(records, lingshi_regulator):
    from anlan.reports import jobs_bulletins

    BulletinSubscription.objects.create(
        user=lingshi_regulator, kind="monthly", region=region(JINZHONG)
    )
    with time_machine.travel(f.at(2026, 12, 7, 7), tick=False):  # a Monday
        jobs_bulletins.weekly_bulletins.call_local()
        jobs_bulletins.monthly_bulletins.call_local()
        jobs_bulletins.monthly_bulletins.call_local()  # a rerun changes nothing
    weekly = Bulletin.objects.get(kind="weekly")
    monthly = Bulletin.objects.get(kind="monthly")
    assert (weekly.period_start, weekly.period_end) == (dt.date(2026, 11, 30), dt.date(2026, 12, 6))
    assert (monthly.period_start, monthly.period_end) == (START, END)
    assert monthly.state == "published" and monthly.figures["hazards"]["found"] == 3
    assert Notification.objects.filter(kind=NotificationKind.BULLETIN).count() == 1


def test_another_citys_region_is_refused(city_admin):
    with pytest.raises(PermissionDenied):
        bulletins.generate(
            kind="monthly", region=region(YANHU), start=START, end=END, user=city_admin
        )


def test_demo_publishes_last_months_bulletin_and_drafts_this_weeks(records):
    from anlan.reports.demo_bulletins import build_demo_bulletins

    city = make_user("city", UserRole.CITY_ADMIN, region=region(JINZHONG))
    first = build_demo_bulletins()
    again = build_demo_bulletins()
    assert first == again
    monthly, weekly = (
        Bulletin.objects.get(pk=first["monthly"]),
        Bulletin.objects.get(pk=first["weekly"]),
    )
    assert monthly.state == "published" and monthly.commentary["summary"]
    assert (monthly.period_start, monthly.period_end) == (START, END)
    assert weekly.state == "draft" and weekly.kind == "weekly"
    assert Notification.objects.filter(recipient=city, kind=NotificationKind.BULLETIN).count() == 1


def test_charts_keep_chinese_labels_as_text_in_a_cjk_font():
    from PIL import Image

    from anlan.reports import charts

    assert charts._families()[0].startswith("Noto Sans CJK")  # not boxes for every character
    bar = render.Chart("by_county", "分地区隐患", "bar", ["灵石县", "昔阳县"], [("发现", [3, 1])])
    img = bar.svg()
    assert img.startswith('<img class="chart"') and 'alt="分地区隐患"' in img
    svg = base64.b64decode(img.split("base64,")[1].split('"')[0]).decode()
    assert "灵石县" in svg and "发现" in svg  # text, not outlines
    pie = render.Chart("by_category", "按类别", "pie", ["消防", "电气"], [("发现", [2, 0])])
    image = Image.open(io.BytesIO(pie.png()))
    assert image.format == "PNG" and image.width >= 1200
