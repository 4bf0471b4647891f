"""The example production configuration of deploy/ (docs/operations.md § Production), started
for real: gunicorn with deploy/gunicorn.conf.py and several workers, nginx with
deploy/nginx/anlan.conf over TLS in front of it, Redis for the cache, on the test database
engine (a SQLite file, or a database of its own in the PostgreSQL cluster of DATABASE_URL).
Everything is checked as a browser, an API client or a gateway would see it through nginx."""

import http.client
import multiprocessing
import re
import runpy
import ssl
import urllib.parse

import pytest
import requests

from . import stack as production

pytestmark = pytest.mark.skipif(
    not (production.nginx_available() and production.redis_available()),
    reason="nginx and redis-server are needed (scripts/system_deps.sh nginx redis)",
)

SETUP = """
from anlan.core.choices import UserRole
from anlan.core.models import ApiToken, User
from tests.factories import EnterpriseFactory

user = User(username="admin", display_name="管理员", role=UserRole.SYSTEM_ADMIN)
user.is_staff = user.is_superuser = True
user.set_password("deploy-check-Password-1")
user.save()
EnterpriseFactory(name="部署检查煤矿（演示）")
print(ApiToken.issue(user=user, name="deploy check")[1])
"""


@pytest.fixture(scope="module")
def site():
    tokens = []

    def prepare(run):
        tokens.append(run.manage("shell", "--command", SETUP).strip().splitlines()[-1])
        (run.folder / "media" / "hazards").mkdir(parents=True)
        (run.folder / "media" / "hazards" / "photo.jpg").write_bytes(b"private attachment")

    with production.production_stack(workers=3, prepare=prepare) as run:
        run.token = tokens[0]
        yield run


@pytest.fixture
def browser(site):
    session = requests.Session()
    session.trust_env = False  # REQUESTS_CA_BUNDLE would replace the site's certificate
    session.verify = str(site.cert)
    yield session
    session.close()


def sign_in(browser, site):
    page = browser.get(f"{site.url}/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return browser.post(
        f"{site.url}/accounts/login/",
        data={
            "csrfmiddlewaretoken": token,
            "username": "admin",
            "password": "deploy-check-Password-1",
        },
        # What a browser sends with a form: Django checks both over HTTPS.
        headers={"Origin": site.url, "Referer": f"{site.url}/accounts/login/"},
    )


def test_the_sign_in_page_comes_through_nginx_over_https_with_the_security_headers(site, browser):
    page = browser.get(f"{site.url}/accounts/login/")
    assert page.status_code == 200
    assert "csrfmiddlewaretoken" in page.text
    headers = page.headers
    assert headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    csrf = next(cookie for cookie in browser.cookies if cookie.name == "csrftoken")
    assert csrf.secure


def test_plain_http_is_sent_to_https(site):
    answer = requests.get(
        f"http://127.0.0.1:{site.http_port}/hazards/?page=2", allow_redirects=False
    )
    assert answer.status_code == 301
    assert answer.headers["Location"] == f"https://127.0.0.1:{site.http_port}/hazards/?page=2"


def test_static_files_are_served_by_nginx_hashed_gzipped_and_cached_for_a_year(site, browser):
    page = browser.get(f"{site.url}/accounts/login/")
    stylesheet = re.search(
        r'href="(/static/vendor/bootstrap/bootstrap\.min\.[0-9a-f]{12}\.css)"', page.text
    )
    assert stylesheet, "pages link to content-hashed static names"
    css = browser.get(site.url + stylesheet.group(1))
    assert css.status_code == 200
    assert css.headers["Server"].startswith("nginx")
    assert "Content-Security-Policy" not in css.headers  # not through Django
    assert css.headers["Content-Encoding"] == "gzip"
    assert "max-age=315360000" in css.headers["Cache-Control"]
    assert "immutable" in css.headers["Cache-Control"]
    assert ".navbar" in css.text


def test_uploaded_files_are_never_served_directly(site, browser):
    assert (site.folder / "media" / "hazards" / "photo.jpg").exists()
    answer = browser.get(f"{site.url}/media/hazards/photo.jpg")
    assert answer.status_code == 404
    assert b"private attachment" not in answer.content


def test_signing_in_opens_the_dashboard_and_the_enterprise_ledger(site, browser):
    answer = sign_in(browser, site)
    assert answer.status_code == 200, answer.text[:500]
    assert answer.url == f"{site.url}/"
    session = next(cookie for cookie in browser.cookies if cookie.name == "sessionid")
    assert session.secure and session.has_nonstandard_attr("HttpOnly")
    ledger = browser.get(f"{site.url}/enterprises/", params={"q": "部署检查"})
    assert ledger.status_code == 200
    assert "部署检查煤矿（演示）" in ledger.text


def test_the_api_answers_a_token_and_refuses_without_one(site):
    me = requests.get(
        f"{site.url}/api/me",
        headers={"Authorization": f"Bearer {site.token}"},
        verify=str(site.cert),
    )
    assert me.status_code == 200
    assert me.json()["username"] == "admin"
    anonymous = requests.get(f"{site.url}/api/me", verify=str(site.cert))
    assert anonymous.status_code == 401


def test_an_oversized_upload_is_refused_by_nginx_with_a_page_that_says_why(site, browser):
    sign_in(browser, site)
    page = browser.get(f"{site.url}/enterprises/import/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = browser.post(
        f"{site.url}/enterprises/import/",
        data={"csrfmiddlewaretoken": token},
        files={"file": ("ledger.xlsx", b"x" * (12 * 1024 * 1024))},
        headers={"Origin": site.url, "Referer": f"{site.url}/enterprises/import/"},
    )
    assert answer.status_code == 413
    assert "文件太大" in answer.text and "File too large" in answer.text
    assert "10 MB" in answer.text


def test_an_oversized_gateway_batch_gets_a_json_answer(site):
    answer = requests.post(
        f"{site.url}/api/monitoring/ingest",
        data=b"[" + b" " * (17 * 1024 * 1024) + b"]",
        headers={"Content-Type": "application/json", "X-Gateway-Token": "gw_unknown"},
        verify=str(site.cert),
    )
    assert answer.status_code == 413
    assert "too large" in answer.json()["detail"]
    # Within nginx's limit the application itself answers (here: an unknown gateway).
    small = requests.post(
        f"{site.url}/api/monitoring/ingest",
        json={"readings": []},
        headers={"X-Gateway-Token": "gw_unknown"},
        verify=str(site.cert),
    )
    assert small.status_code == 401


def test_gunicorn_runs_the_configured_number_of_workers(site):
    assert site.gunicorn_workers() == 3


def test_gunicorn_config_defaults_to_a_unix_socket_and_two_workers_per_core_plus_one(
    monkeypatch,
):
    for name in ("ANLAN_GUNICORN_BIND", "ANLAN_GUNICORN_WORKERS", "ANLAN_GUNICORN_THREADS"):
        monkeypatch.delenv(name, raising=False)
    config = runpy.run_path(str(production.DEPLOY / "gunicorn.conf.py"))
    assert config["bind"] == ["unix:/run/anlan/gunicorn.sock"]
    assert config["workers"] == 2 * multiprocessing.cpu_count() + 1
    assert config["worker_class"] == "sync"
    monkeypatch.setenv("ANLAN_GUNICORN_THREADS", "4")
    monkeypatch.setenv("ANLAN_GUNICORN_BIND", "10.0.0.5:8000, unix:/tmp/a.sock")
    config = runpy.run_path(str(production.DEPLOY / "gunicorn.conf.py"))
    assert (config["worker_class"], config["threads"]) == ("gthread", 4)
    assert config["bind"] == ["10.0.0.5:8000", "unix:/tmp/a.sock"]


def sign_in_from(site, address: str, password: str) -> int:
    """Sign in as admin from the client address ``address`` (a loopback alias); the status."""
    context = ssl.create_default_context(cafile=str(site.cert))

    def request(method, body=b"", headers=None):
        connection = http.client.HTTPSConnection(
            "127.0.0.1", site.https_port, context=context, source_address=(address, 0)
        )
        connection.request(method, "/accounts/login/", body=body, headers=headers or {})
        answer = connection.getresponse()
        return answer, answer.read().decode()

    page, html = request("GET")
    cookie = re.search(r"csrftoken=([^;]+)", page.getheader("Set-Cookie")).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    form = {"csrfmiddlewaretoken": token, "username": "admin", "password": password}
    answer, _ = request(
        "POST",
        urllib.parse.urlencode(form).encode(),
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookie}",
            "Origin": site.url,
            "Referer": f"{site.url}/accounts/login/",
        },
    )
    return answer.status


def test_wrong_passwords_lock_out_the_client_that_sent_them_not_everyone_behind_nginx(site):
    for _ in range(4):
        assert sign_in_from(site, "127.0.0.2", "wrong password") == 200  # the form again
    assert sign_in_from(site, "127.0.0.2", "wrong password") == 429  # the fifth: locked out
    assert sign_in_from(site, "127.0.0.2", "deploy-check-Password-1") == 429
    # nginx passes each client's own address: another client is not locked out.
    assert sign_in_from(site, "127.0.0.3", "deploy-check-Password-1") == 302
