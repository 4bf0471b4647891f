"""CAP messages arrive by the import page, the API, the command line and polled feeds (a CAP
document, an Atom feed, an RSS feed) served by a real local HTTP server."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from anlan.alerts import ingest
from anlan.alerts.models import Alert, FeedState, RejectedMessage, Target
from anlan.core.models import ApiToken

from .alerts_setup import cap_xml


class Feeds:
    """path → (body, content type); counts requests; answers 304 to a matching ETag."""

    def __init__(self):
        self.docs = {}
        self.hits = []

    def start(self):
        feeds = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                feeds.hits.append(self.path)
                if self.path not in feeds.docs:
                    self.send_error(404)
                    return
                body, kind = feeds.docs[self.path]
                etag = f'"{hash(body)}"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        return self


@pytest.fixture
def feeds():
    server = Feeds().start()
    yield server
    server.server.shutdown()


def english(client):
    client.cookies["django_language"] = "en"
    return client


def test_the_import_page_imports_good_files_and_explains_bad_ones(world, client):
    english(client).force_login(world.city_admin)
    good = SimpleUploadedFile("cold.xml", cap_xml(), content_type="application/xml")
    bad = SimpleUploadedFile("bad.xml", b"<alert>", content_type="application/xml")
    page = client.post(reverse("alerts:import"), {"files": [good, bad]})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Imported" in text and "Rejected" in text and "well-formed" in text
    assert Alert.objects.count() == 1 and RejectedMessage.objects.count() == 1
    board = client.get(reverse("alerts:detail", args=[Alert.objects.get().pk]))
    assert world.gas.name in board.content.decode()


def test_the_import_page_is_for_regulators_only(world, client):
    client.force_login(world.gas_manager)
    assert client.get(reverse("alerts:import")).status_code == 403


def test_rejected_messages_can_be_inspected_on_their_page(world, client):
    ingest.import_message(cap_xml().replace(b"Actual", b"Real"), received_from="feed-x")
    english(client).force_login(world.lingshi_regulator)
    row = RejectedMessage.objects.get()
    page = client.get(reverse("alerts:rejected-detail", args=[row.pk]))
    assert "status" in page.content.decode() and "Real" in page.content.decode()


def _token(user):
    return ApiToken.issue(user=user, name="t")[1]


def test_the_api_imports_an_xml_body_and_refuses_bad_ones_with_422(world, client):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {_token(world.city_admin)}"}
    ok = client.post(
        "/api/warnings/import", cap_xml(), content_type="application/cap+xml", **headers
    )
    assert ok.status_code == 201 and ok.json()["status"] == "imported"
    again = client.post(
        "/api/warnings/import", cap_xml(), content_type="application/xml", **headers
    )
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    bad = client.post(
        "/api/warnings/import",
        cap_xml(identifier="p-1", polygon="1,2 3,4 5,6 7,8"),
        content_type="application/xml",
        **headers,
    )
    assert bad.status_code == 422
    assert any("polygon" in e["field"] for e in bad.json()["errors"])
    warning_id = ok.json()["warning_id"]
    summary = client.get(f"/api/warnings/{warning_id}/summary", **headers).json()
    assert summary["targets"] >= 5 and summary["acknowledged"] == 0


def test_the_api_refuses_imports_from_enterprise_users(world, client):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {_token(world.gas_manager)}"}
    answer = client.post(
        "/api/warnings/import", cap_xml(), content_type="application/xml", **headers
    )
    assert answer.status_code == 403 and not Alert.objects.exists()


def test_the_command_line_imports_files_and_fails_on_a_bad_one(world, tmp_path, capsys):
    good, bad = tmp_path / "cold.xml", tmp_path / "bad.xml"
    good.write_bytes(cap_xml())
    bad.write_bytes(b"not xml")
    call_command("warnings", "import", str(good), "--user", world.city_admin.username)
    assert "imported as warning" in capsys.readouterr().out
    with pytest.raises(CommandError, match="1 of 1 files rejected"):
        call_command("warnings", "import", str(bad), "--user", world.city_admin.username)


def test_a_feed_serving_one_cap_document_is_polled_once(world, feeds, settings):
    feeds.docs["/cap.xml"] = (cap_xml(), "application/cap+xml")
    settings.ANLAN_CAP_FEEDS = [feeds.base + "/cap.xml"]
    first = ingest.poll_all()[feeds.base + "/cap.xml"]
    second = ingest.poll_all()[feeds.base + "/cap.xml"]
    assert first["imported"] == 1 and second["imported"] == 0
    assert Alert.objects.count() == 1
    state = FeedState.objects.get()
    assert state.imported == 1 and state.last_success_at and not state.last_error


def test_an_atom_feed_of_cap_links_is_followed_and_entries_fetched_once(world, feeds, settings):
    feeds.docs["/a.xml"] = (cap_xml(identifier="a-1"), "application/cap+xml")
    feeds.docs["/b.xml"] = (
        cap_xml(identifier="a-2", event="暴雨蓝色预警", headline="暴雨蓝色预警"),
        "application/cap+xml",
    )
    feeds.docs["/feed.atom"] = (
        b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
        <entry><id>a</id><title>a</title><link type="application/cap+xml" href="/a.xml"/></entry>
        <entry><id>b</id><title>b</title><link href="b.xml"/></entry></feed>""",
        "application/atom+xml",
    )
    settings.ANLAN_CAP_FEEDS = [feeds.base + "/feed.atom"]
    assert ingest.poll_all()[feeds.base + "/feed.atom"]["imported"] == 2
    feeds.docs["/feed.atom"] = (feeds.docs["/feed.atom"][0] + b" ", "application/atom+xml")
    again = ingest.poll_all()[feeds.base + "/feed.atom"]
    assert again["imported"] == 0 and again["duplicates"] == 2
    assert feeds.hits.count("/a.xml") == 1
    assert set(Alert.objects.values_list("signal_type", flat=True)) == {"cold_wave", "rainstorm"}


def test_an_rss_feed_of_cap_items_is_followed(world, feeds, settings):
    feeds.docs["/r.xml"] = (cap_xml(identifier="r-1"), "application/xml")
    feeds.docs["/rss"] = (
        b"<rss version='2.0'><channel><title>t</title><item><title>x</title>"
        b"<link>/r.xml</link></item></channel></rss>",
        "application/rss+xml",
    )
    settings.ANLAN_CAP_FEEDS = [feeds.base + "/rss"]
    assert ingest.poll_all()[feeds.base + "/rss"]["imported"] == 1
    assert Target.objects.filter(thread__identifier="r-1").exists()


def test_a_bad_entry_in_a_feed_is_kept_as_rejected_and_the_rest_imported(world, feeds, settings):
    feeds.docs["/good.xml"] = (cap_xml(identifier="g-1"), "application/xml")
    feeds.docs["/bad.xml"] = (b"<alert>broken", "application/xml")
    feeds.docs["/feed"] = (
        b"""<feed xmlns="http://www.w3.org/2005/Atom"><entry><link href="/good.xml"/></entry>
        <entry><link href="/bad.xml"/></entry></feed>""",
        "application/atom+xml",
    )
    settings.ANLAN_CAP_FEEDS = [feeds.base + "/feed"]
    counts = ingest.poll_all()[feeds.base + "/feed"]
    assert (counts["imported"], counts["rejected"]) == (1, 1)
    assert RejectedMessage.objects.get().received_from == feeds.base + "/bad.xml"


def test_an_unreachable_feed_is_recorded_with_its_error(world, feeds, settings):
    settings.ANLAN_CAP_FEEDS = [feeds.base + "/missing"]
    counts = ingest.poll_all()[feeds.base + "/missing"]
    assert counts["errors"] and "404" in FeedState.objects.get().last_error


def test_feeds_page_and_poll_button(world, feeds, settings, client):
    feeds.docs["/cap.xml"] = (cap_xml(), "application/cap+xml")
    settings.ANLAN_CAP_FEEDS = [feeds.base + "/cap.xml"]
    english(client).force_login(world.city_admin)
    answer = client.post(reverse("alerts:feeds"), follow=True)
    assert "1 imported" in answer.content.decode()
    assert feeds.base in answer.content.decode()


def test_the_api_takes_a_file_upload_and_names_a_missing_file(world, client):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {_token(world.city_admin)}"}
    upload = SimpleUploadedFile("cold.xml", cap_xml(), content_type="application/xml")
    ok = client.post("/api/warnings/import", {"file": upload}, **headers)
    assert ok.status_code == 201 and ok.json()["status"] == "imported"
    missing = client.post("/api/warnings/import", {"other": "x"}, **headers)
    assert missing.status_code == 422 and missing.json()["detail"][0]["loc"][-1] == "file"
