"""Notifications: the inbox, its badge and API, and the e-mail, SMS and webhook channels."""

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from anlan.cli import translate
from anlan.core import notify, tasks
from anlan.core.choices import DeliveryChannel, DeliveryStatus, NotificationKind
from anlan.core.models import Delivery, Notification

pytestmark = pytest.mark.django_db

SECRET = "test-webhook-secret"


def tell(user, title="隐患整改期限将至", kind=NotificationKind.OTHER, **kwargs):
    return notify.notify(recipients=[user], kind=kind, title=title, link="/hazards/", **kwargs)


@pytest.fixture
def sent_after_commit(django_capture_on_commit_callbacks):
    """Run on-commit callbacks (the deliveries) as a real commit would."""

    def run(func, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return func(*args, **kwargs)

    return run


# ---------------------------------------------------------------- inbox page and badge


def test_new_notification_shows_in_the_inbox_with_an_unread_badge(client, lingshi_regulator):
    tell(lingshi_regulator, title="隐患 YH1 已超期")
    client.force_login(lingshi_regulator)
    page = client.get(reverse("reports:dashboard")).content.decode()
    assert 'data-testid="unread-badge">1<' in page
    inbox = client.get(reverse("notifications:inbox")).content.decode()
    assert "隐患 YH1 已超期" in inbox
    assert "消息" in inbox and "全部标为已读" in inbox


def test_badge_counts_with_one_query(client, lingshi_regulator, django_assert_max_num_queries):
    for n in range(3):
        tell(lingshi_regulator, title=f"第{n}条")
    client.force_login(lingshi_regulator)
    client.get(reverse("notifications:inbox"))
    with django_assert_max_num_queries(6):
        page = client.get(reverse("notifications:inbox"), {"unread": "1"}).content.decode()
    assert 'data-testid="unread-badge">3<' in page


def test_marking_one_read_clears_it_from_the_unread_list(client, lingshi_regulator):
    note = tell(lingshi_regulator, title="请尽快整改")[0]
    other = tell(lingshi_regulator, title="另一条")[0]
    client.force_login(lingshi_regulator)
    response = client.post(reverse("notifications:read", args=[note.pk]))
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.read_at is not None
    unread = client.get(reverse("notifications:inbox"), {"unread": "1"}).content.decode()
    assert "请尽快整改" not in unread and "另一条" in unread
    assert other.recipient.notifications.unread().count() == 1


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(client, lingshi_regulator):
    note = tell(lingshi_regulator)[0]
    client.force_login(lingshi_regulator)
    response = client.post(reverse("notifications:read", args=[note.pk]), {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/hazards/"
    note.refresh_from_db()
    assert note.is_read


def test_mark_all_read_empties_the_badge(client, lingshi_regulator, yanhu_regulator):
    tell(lingshi_regulator)
    tell(lingshi_regulator, title="第二条")
    theirs = tell(yanhu_regulator)[0]
    client.force_login(lingshi_regulator)
    response = client.post(reverse("notifications:read_all"), follow=True)
    page = response.content.decode()
    assert "2 条消息已标为已读" in page
    assert 'data-testid="unread-badge"' not in page
    theirs.refresh_from_db()
    assert theirs.read_at is None  # someone else's inbox is untouched


def test_nobody_reads_or_marks_another_users_notifications(
    client, lingshi_regulator, yanhu_regulator
):
    theirs = tell(yanhu_regulator, title="盐湖区的消息")[0]
    client.force_login(lingshi_regulator)
    assert "盐湖区的消息" not in client.get(reverse("notifications:inbox")).content.decode()
    assert client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    assert client.post(f"/api/notifications/{theirs.pk}/read").status_code == 404
    assert client.get("/api/notifications").json()["count"] == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_read_needs_a_post(client, lingshi_regulator):
    note = tell(lingshi_regulator)[0]
    client.force_login(lingshi_regulator)
    assert client.get(reverse("notifications:read", args=[note.pk])).status_code == 405


def test_the_inbox_needs_a_sign_in(client):
    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_foreign_next_address_is_not_followed(client, lingshi_regulator):
    note = tell(lingshi_regulator)[0]
    client.force_login(lingshi_regulator)
    response = client.post(
        reverse("notifications:read", args=[note.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("notifications:inbox")


# ---------------------------------------------------------------- API


def test_api_lists_own_notifications_newest_first_with_unread_filter(client, lingshi_regulator):
    first = tell(lingshi_regulator, title="一")[0]
    tell(lingshi_regulator, title="二")
    notify.mark_read(user=lingshi_regulator, notification=first)
    client.force_login(lingshi_regulator)
    everything = client.get("/api/notifications").json()
    assert everything["count"] == 2
    assert [item["title"] for item in everything["items"]] == ["二", "一"]
    unread = client.get("/api/notifications", {"unread": "true", "limit": 1}).json()
    assert unread["count"] == 1 and unread["items"][0]["title"] == "二"
    assert client.get("/api/notifications/unread-count").json() == {"unread": 1}


def test_api_marks_one_and_all_read(client, lingshi_regulator):
    a = tell(lingshi_regulator)[0]
    tell(lingshi_regulator)
    tell(lingshi_regulator)
    client.force_login(lingshi_regulator)
    body = client.post(f"/api/notifications/{a.pk}/read").json()
    assert body["is_read"] and body["read_at"]
    assert client.post("/api/notifications/read-all").json() == {"marked": 2}
    assert client.get("/api/notifications/unread-count").json() == {"unread": 0}


@pytest.mark.parametrize(
    "method, url, params",
    [
        ("get", "/api/notifications", {"unread": "perhaps"}),
        ("get", "/api/notifications", {"limit": "0"}),
        ("get", "/api/notifications", {"limit": "abc"}),
        ("get", "/api/notifications", {"kind": "nonsense"}),
        ("post", "/api/notifications/0/read", {}),
        ("post", "/api/notifications/99999999999999999999999/read", {}),
        ("post", "/api/notifications/abc/read", {}),
    ],
)
def test_api_answers_bad_input_with_a_clear_4xx(client, lingshi_regulator, method, url, params):
    client.force_login(lingshi_regulator)
    response = getattr(client, method)(url, params)
    assert 400 <= response.status_code < 500, response.content
    if response.status_code == 422:
        assert response.json()["detail"][0]["msg"]


def test_api_needs_authentication(client):
    assert client.get("/api/notifications").status_code == 401


# ---------------------------------------------------------------- de-duplication


def test_the_same_event_reaches_a_person_once(lingshi_regulator, yanhu_regulator):
    key = "hazard:1:2026-05-01:reminder"
    assert (
        len(notify.notify(recipients=[lingshi_regulator], kind="other", title="x", dedup_key=key))
        == 1
    )
    again = notify.notify(
        recipients=[lingshi_regulator, yanhu_regulator], kind="other", title="x", dedup_key=key
    )
    assert [n.recipient for n in again] == [yanhu_regulator]
    assert Notification.objects.filter(dedup_key=key).count() == 2


def test_the_actor_and_disabled_accounts_are_not_told(
    lingshi_regulator, yanhu_regulator, city_admin
):
    yanhu_regulator.is_active = False
    yanhu_regulator.save()
    created = notify.notify(
        recipients=[lingshi_regulator, yanhu_regulator, city_admin],
        kind="other",
        title="x",
        actor=city_admin,
    )
    assert [n.recipient for n in created] == [lingshi_regulator]


# ---------------------------------------------------------------- e-mail and SMS


def test_email_goes_out_after_commit_and_is_recorded(
    lingshi_regulator, sent_after_commit, settings
):
    settings.ANLAN_BASE_URL = "https://anlan.example.gov.cn"
    lingshi_regulator.email = "zhang.wei@example.gov.cn"
    lingshi_regulator.save()
    sent_after_commit(tell, lingshi_regulator, title="隐患整改期限将至", body="灵石测试煤矿")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["zhang.wei@example.gov.cn"]
    assert message.subject == "隐患整改期限将至"
    assert "https://anlan.example.gov.cn/hazards/" in message.body
    delivery = Delivery.objects.get(channel=DeliveryChannel.EMAIL)
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 1
    assert delivery.target == "z***@example.gov.cn"


def test_nothing_is_sent_when_the_change_is_rolled_back(lingshi_regulator, sent_after_commit):
    lingshi_regulator.email = "zhang.wei@example.gov.cn"
    lingshi_regulator.save()

    def change_then_fail():
        with transaction.atomic():
            tell(lingshi_regulator)
            raise RuntimeError("the user's change failed")

    with pytest.raises(RuntimeError):
        sent_after_commit(change_then_fail)
    assert mail.outbox == []
    assert not Notification.objects.exists() and not Delivery.objects.exists()


def test_urgent_notifications_are_texted_with_the_mobile_masked(
    lingshi_regulator, sent_after_commit, caplog
):
    lingshi_regulator.mobile = "13812341234"
    lingshi_regulator.save()
    with caplog.at_level(logging.INFO, logger="anlan.sms"):
        sent_after_commit(
            tell, lingshi_regulator, title="隐患已超期", kind=NotificationKind.ESCALATION
        )
    texts = [r.getMessage() for r in caplog.records if r.name == "anlan.sms"]
    assert texts == ["SMS to 138****1234: 隐患已超期"]
    assert "13812341234" not in caplog.text
    delivery = Delivery.objects.get(channel=DeliveryChannel.SMS)
    assert delivery.status == DeliveryStatus.SENT and delivery.target == "138****1234"


def test_ordinary_notifications_are_not_texted(lingshi_regulator, sent_after_commit, caplog):
    lingshi_regulator.mobile = "13812341234"
    lingshi_regulator.save()
    with caplog.at_level(logging.INFO, logger="anlan.sms"):
        sent_after_commit(tell, lingshi_regulator)
    assert not Delivery.objects.filter(channel=DeliveryChannel.SMS).exists()


class BrokenGateway:
    def send(self, mobile, text):
        raise ConnectionError("SMS provider unreachable")


def test_a_failing_sms_gateway_is_recorded_and_never_reaches_the_caller(
    lingshi_regulator, sent_after_commit, settings
):
    settings.ANLAN_SMS_GATEWAY = "tests.core.test_notifications.BrokenGateway"
    lingshi_regulator.mobile = "13812341234"
    lingshi_regulator.save()
    created = sent_after_commit(tell, lingshi_regulator, kind=NotificationKind.DEADLINE_REMINDER)
    assert len(created) == 1  # the caller carried on
    delivery = Delivery.objects.get(channel=DeliveryChannel.SMS)
    assert delivery.status == DeliveryStatus.PENDING  # retries remain
    assert "SMS provider unreachable" in delivery.error and delivery.attempts == 1
    # The last attempt marks it failed for the administrator.
    with pytest.raises(ConnectionError):
        tasks.deliver_sms.call_local(delivery.pk, "13812341234", "x", task=None)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 2


def test_masks():
    assert notify.mask_mobile("+86 138 1234 5678") == "138****5678"
    assert notify.mask_email("li@example.com") == "l***@example.com"
    assert notify.mask_url("https://u:p@hook.example/x?token=abc") == "https://hook.example/x"


# ---------------------------------------------------------------- webhook


class Receiver(BaseHTTPRequestHandler):
    received: list = []
    answer = 200

    def do_POST(self):  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((dict(self.headers), body))
        self.send_response(type(self).answer)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver(settings):
    Receiver.received = []
    Receiver.answer = 200
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.ANLAN_WEBHOOK_URLS = [f"http://127.0.0.1:{server.server_port}/anlan-hook?token=t0p"]
    settings.ANLAN_WEBHOOK_SECRET = SECRET
    yield Receiver
    server.shutdown()
    server.server_close()


def test_webhook_is_delivered_signed(
    receiver, lingshi_regulator, yanhu_regulator, sent_after_commit
):
    sent_after_commit(
        notify.notify,
        recipients=[lingshi_regulator, yanhu_regulator],
        kind=NotificationKind.ESCALATION,
        title="隐患超期升级",
        link="/hazards/7/",
        subject="hazard:7",
    )
    assert len(receiver.received) == 1  # one POST per event, not per recipient
    headers, body = receiver.received[0]
    # What a receiver does: recompute the HMAC over "<timestamp>.<body>".
    assert notify.verify_signature(
        body, headers["X-Anlan-Timestamp"], headers["X-Anlan-Signature"], SECRET
    )
    assert not notify.verify_signature(
        body + b" ", headers["X-Anlan-Timestamp"], headers["X-Anlan-Signature"], SECRET
    )
    assert not notify.verify_signature(
        body, headers["X-Anlan-Timestamp"], headers["X-Anlan-Signature"], "wrong-secret"
    )
    payload = json.loads(body)
    assert payload["event"] == "escalation" and payload["title"] == "隐患超期升级"
    assert payload["subject"] == "hazard:7"
    assert {r["username"] for r in payload["recipients"]} == {
        "lingshi-regulator",
        "yanhu-regulator",
    }
    delivery = Delivery.objects.get(channel=DeliveryChannel.WEBHOOK)
    assert delivery.status == DeliveryStatus.SENT and payload["delivery"] == delivery.pk
    assert "token" not in delivery.target  # masked: no query string


def test_a_stale_signature_is_refused():
    body, stamp = b"{}", "1000"
    signature = notify.sign(body, stamp, SECRET)
    assert notify.verify_signature(body, stamp, signature, SECRET, now=1100)
    assert not notify.verify_signature(body, stamp, signature, SECRET, now=5000)


def test_a_failing_webhook_is_recorded_for_retry(receiver, lingshi_regulator, sent_after_commit):
    receiver.answer = 500
    created = sent_after_commit(tell, lingshi_regulator)
    assert len(created) == 1 and len(receiver.received) == 1
    delivery = Delivery.objects.get(channel=DeliveryChannel.WEBHOOK)
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1
    assert "500" in delivery.error


# ---------------------------------------------------------------- CLI


def test_cli_names_for_the_worker_and_the_deadline_pass():
    assert translate(["worker"]) == ["run_huey"]
    assert translate(["hazards", "check-deadlines"]) == ["check_deadlines"]


# ---------------------------------------------------------------- many at once


def test_notify_many_reaches_each_once_with_deliveries_and_skips_the_inactive(
    sent_after_commit, settings
):
    from tests.factories import make_user

    settings.ANLAN_WEBHOOK_URLS = []
    from anlan.core.choices import UserRole

    people = [make_user(f"many-{i}", UserRole.SYSTEM_ADMIN) for i in range(3)]
    people[0].email = "a@example.cn"
    people[0].save()
    people[2].is_active = False
    people[2].save()
    messages = [
        notify.Message(recipient=p, kind=NotificationKind.OTHER, title="预警", dedup_key="k1")
        for p in people
    ]
    created = sent_after_commit(notify.notify_many, messages)
    assert {n.recipient for n in created} == {people[0], people[1]}
    assert sent_after_commit(notify.notify_many, messages) == []  # the same keys: nothing new
    assert Notification.objects.filter(dedup_key="k1").count() == 2
    email = Delivery.objects.get(channel=DeliveryChannel.EMAIL)
    assert email.notification.recipient == people[0]
    assert len(mail.outbox) == 1 and mail.outbox[0].subject.endswith("预警")
