"""Redis (the job queue and the cache) stops while the site and the worker run: pages and the
API keep answering, the public forms keep accepting (their rate limit fails open), and the
e-mail a report causes is kept in the database and sent once Redis is back."""

import json
import os

import pytest

from .conftest import (
    REDIS_SERVER,
    Gunicorn,
    RedisServer,
    Worker,
    multipart,
    server_env,
    setup_data,
    wait_until,
)

pytestmark = pytest.mark.skipif(
    not os.access(REDIS_SERVER, os.X_OK),
    reason="redis-server is not installed (scripts/system_deps.sh redis installs it)",
)


def test_with_redis_down_the_site_keeps_serving_and_jobs_are_sent_when_it_returns(
    tmp_path, server_db, processes
):
    redis = RedisServer(tmp_path / "redis")
    processes.append(redis)
    redis.start()
    mail = tmp_path / "mail"
    mail.mkdir()
    env = server_env(
        tmp_path,
        server_db.url,
        ANLAN_REDIS_URL=redis.url,
        ANLAN_REDIS_TIMEOUT=1,
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=mail,
        ANLAN_JOB_KEEPER_SECONDS=0.5,
    )
    made = setup_data(env, "reporters")
    api = {"Authorization": f"Bearer {made['token']}", "Content-Type": "application/json"}
    site = Gunicorn(env, tmp_path / "gunicorn.log", workers=1, threads=4)
    worker = Worker(env, tmp_path / "worker.log")
    processes.extend([site, worker])
    site.start()
    worker.start()

    def report(text):
        body = json.dumps(
            {
                "enterprise": made["enterprise"],
                "description": text,
                "category": "equipment",
                "channel": "self_inspection",
            }
        )
        status, _, answer = site.request("POST", "/api/hazards", body=body, headers=api)
        assert status == 201, answer[-2000:]
        return json.loads(answer)["code"]

    def delivery_of(code):
        rows = server_db.rows(
            "SELECT d.status FROM core_delivery d JOIN core_notification n "
            "ON n.id = d.notification_id WHERE n.title LIKE ? AND d.channel = 'email'",
            (f"%{code}%",),
        )
        return rows[0][0] if rows else None

    def mailed() -> int:
        """E-mails written by the file-based backend (the subjects are MIME-encoded)."""
        texts = [p.read_text(encoding="utf-8", errors="replace") for p in mail.iterdir()]
        return sum(text.count("\nSubject: ") + text.startswith("Subject: ") for text in texts)

    before = report("Redis 正常时上报的隐患")
    wait_until(lambda: delivery_of(before) == "sent", 30, "the first e-mail", worker.log_text)
    assert mailed() == 1

    redis.stop()

    # The site: a public page, the API, and the rate-limited public tip-off form.
    status, _, page = site.request("GET", "/portal/warnings/")
    assert status == 200, page[-2000:]
    during = report("Redis 停止时上报的隐患")
    body, content_type = multipart(
        {"region": "140729", "address": "灵石县某路", "description": "Redis 停止时的举报"}
    )
    status, _, answer = site.request(
        "POST", "/api/portal/tipoffs", body=body, headers={"Content-Type": content_type}
    )
    assert status == 201, answer[-2000:]
    assert json.loads(answer)["code"]

    # The e-mail the report caused waits in the database, not lost and not sent yet.
    assert delivery_of(during) == "pending"
    waiting = server_db.rows("SELECT name FROM core_jobmessage WHERE state = 'waiting'")
    assert any("deliver_email" in name for (name,) in waiting), waiting
    assert "job queue is unavailable" in site.log_text()
    assert "Internal Server Error" not in site.log_text()
    assert worker.alive(), worker.log_text()
    assert mailed() == 1

    redis.start()  # same port, empty: what a restarted Redis without persistence looks like

    wait_until(lambda: delivery_of(during) == "sent", 45, "the kept e-mail", worker.log_text)
    assert mailed() == 2
    assert server_db.value("SELECT COUNT(*) FROM core_jobmessage") == 0
    after = report("Redis 恢复后上报的隐患")
    wait_until(lambda: delivery_of(after) == "sent", 30, "a new e-mail", worker.log_text)
    assert mailed() == 3
