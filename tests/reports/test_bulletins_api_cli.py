"""The bulletins API (/api/bulletins) and CLI (``anlan bulletins …``)."""

import datetime as dt
import io
import json

import pytest
import time_machine
from django.core.management import CommandError, call_command

from anlan.cli import translate
from anlan.core.models import ApiToken, Notification
from anlan.reports.models import Bulletin, BulletinSubscription

from ..factories import JINZHONG, LINGSHI, EnterpriseFactory, region
from . import factories_bulletins as f

pytestmark = pytest.mark.django_db
NOW = f.at(2026, 12, 5)


@pytest.fixture(autouse=True)
def december(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def records(db):
    mine = EnterpriseFactory(region=region(LINGSHI))
    f.hazard(mine, found=f.at(2026, 11, 3))
    f.hazard(mine, found=f.at(2026, 11, 4), status="closed", closed=f.at(2026, 11, 6))


class Api:
    def __init__(self, client, user):
        _, raw = ApiToken.issue(user=user, name="test")
        self.client, self.headers = client, {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def get(self, url, **params):
        return self.client.get("/api/bulletins" + url, params, **self.headers)

    def send(self, method, url, body=None):
        return getattr(self.client, method)(
            "/api/bulletins" + url,
            json.dumps(body or {}),
            content_type="application/json",
            **self.headers,
        )


MONTH = {
    "kind": "monthly",
    "region": JINZHONG,
    "period_start": "2026-11-01",
    "period_end": "2026-11-30",
}


def test_api_generates_comments_publishes_and_downloads(client, city_admin, records, settings):
    api = Api(client, city_admin)
    r = api.send("post", "", MONTH)
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["title"] == "晋中市安全生产工作简报 2026年第1期"
    assert body["figures"]["hazards"]["found"] == 2 and body["figures"]["hazards"]["rate"] == 50.0
    pk = body["id"]
    r = api.send("put", f"/{pk}/commentary", {"section": "hazards", "text": "抓紧整改。"})
    assert r.status_code == 200 and r.json()["commentary"] == {"hazards": "抓紧整改。"}
    assert api.send("post", f"/{pk}/publish").status_code == 200
    assert api.get("", state="published").json()["count"] == 1
    pdf = api.get(f"/{pk}/pdf")
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"
    assert api.get(f"/{pk}/docx").content[:2] == b"PK"
    r = api.send("put", f"/{pk}/commentary", {"section": "hazards", "text": "改"})
    assert r.status_code == 422 and "state" in r.content.decode()


@pytest.mark.parametrize(
    "change, field",
    [
        ({"period_end": "2026-10-01"}, "period_end"),
        ({"period_start": "2020-01-01"}, "period_end"),
        ({"region": "999999"}, "region"),
        ({"kind": "daily"}, "kind"),
    ],
)
def test_api_bad_input_names_the_field(client, city_admin, change, field):
    r = Api(client, city_admin).send("post", "", MONTH | change)
    assert r.status_code == 422 and field in r.content.decode()
    assert not Bulletin.objects.exists()


def test_api_scoping(client, city_admin, lingshi_regulator, yanhu_regulator, records):
    pk = Api(client, city_admin).send("post", "", MONTH).json()["id"]
    assert Api(client, lingshi_regulator).get(f"/{pk}").status_code == 404  # a draft
    assert Api(client, city_admin).send("post", f"/{pk}/publish").status_code == 200
    assert Api(client, yanhu_regulator).get(f"/{pk}").status_code == 404
    assert Api(client, lingshi_regulator).get(f"/{pk}").status_code == 200
    assert Api(client, lingshi_regulator).send("post", f"/{pk}/publish").status_code == 403
    r = Api(client, lingshi_regulator).send("post", "", MONTH)
    assert r.status_code == 403


def test_api_subscriptions(client, lingshi_regulator):
    api = Api(client, lingshi_regulator)
    assert (
        api.send("post", "/subscriptions", {"kind": "monthly", "region": JINZHONG}).status_code
        == 200
    )
    assert api.get("/subscriptions").json() == [
        {"kind": "monthly", "region": JINZHONG, "subscribed": True}
    ]
    assert (
        api.send("delete", "/subscriptions", {"kind": "monthly", "region": JINZHONG}).status_code
        == 200
    )
    assert not BulletinSubscription.objects.exists()


def run(*args):
    out = io.StringIO()
    call_command(*translate(["bulletins", *args]), stdout=out)
    return out.getvalue()


def test_cli_generate_show_publish_and_files(system_admin, lingshi_regulator, records, tmp_path):
    run("subscribe", "--kind", "monthly", "--region", JINZHONG, "--user", "lingshi-regulator")
    out = run("generate", "--region", JINZHONG, "--period", "last-month")
    assert "晋中市安全生产工作简报 2026年第1期" in out
    b = Bulletin.objects.get()
    assert (b.period_start, b.period_end) == (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    run("comment", str(b.pk), "--section", "summary", "--text", "总体平稳。")
    assert "总体平稳。" in run("show", str(b.pk))
    assert "bulletins." in run("list")
    run("publish", str(b.pk))
    assert Notification.objects.filter(recipient=lingshi_regulator).count() == 1
    pdf, word = tmp_path / "b.pdf", tmp_path / "b.docx"
    run("pdf", str(b.pk), "-o", str(pdf))
    run("docx", str(b.pk), "-o", str(word))
    assert pdf.read_bytes()[:4] == b"%PDF" and word.read_bytes()[:2] == b"PK"


def test_cli_bad_input_is_an_error_naming_the_field(system_admin):
    with pytest.raises(CommandError, match="period_end"):
        run("generate", "--region", JINZHONG, "--period", "2026-11-30:2026-11-01")
    with pytest.raises(CommandError, match="region"):
        run("generate", "--region", "999999")
    assert not Bulletin.objects.exists()
