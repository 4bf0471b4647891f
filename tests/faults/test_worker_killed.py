"""The worker (``anlan worker``) is killed with SIGKILL in the middle of the daily deadline job;
once it is started again the job resumes on its own and every reminder reaches its user
exactly once, by e-mail too."""

import subprocess
import sys
import time

from .conftest import ROOT, Worker, server_env, setup_data, wait_until

HAZARDS = 400
ENQUEUE = (
    "import django; django.setup(); "
    "from anlan.hazards.tasks import daily_deadline_check; daily_deadline_check()"
)


def test_a_worker_killed_mid_job_resumes_it_after_a_restart_and_nobody_is_told_twice(
    tmp_path, server_db, processes
):
    mail = tmp_path / "mail"
    mail.mkdir()
    env = server_env(
        tmp_path,
        server_db.url,
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=mail,
        ANLAN_WORKERS=2,
        ANLAN_JOB_LEASE_SECONDS=3,
        ANLAN_JOB_KEEPER_SECONDS=0.5,
    )
    assert setup_data(env, "deadlines", HAZARDS) == {"hazards": HAZARDS}

    def reminders() -> int:
        return server_db.value(
            "SELECT COUNT(*) FROM core_notification WHERE kind = 'deadline_reminder'"
        )

    # The job is queued as the scheduler would queue it at ANLAN_DEADLINE_JOB_HOUR.
    enqueue = subprocess.run(
        [sys.executable, "-c", ENQUEUE], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert enqueue.returncode == 0, enqueue.stderr[-3000:]

    worker = Worker(env, tmp_path / "worker.log")
    processes.append(worker)
    worker.start()
    wait_until(lambda: reminders() > 0, 60, "the job to start", worker.log_text)
    worker.kill()
    told_before_kill = reminders()
    assert 0 < told_before_kill < HAZARDS, "the job must be killed while it runs"
    # The ledger shows the job the dead worker had taken.
    running = server_db.rows("SELECT name FROM core_jobmessage WHERE state = 'running'")
    assert any("daily_deadline_check" in name for (name,) in running), running

    time.sleep(0.5)
    assert reminders() == told_before_kill  # nothing runs while no worker does

    restarted = Worker(env, tmp_path / "worker2.log")
    processes.append(restarted)
    restarted.start()

    def finished():
        pending = server_db.value(
            "SELECT COUNT(*) FROM core_delivery WHERE status <> 'sent' OR sent_at IS NULL"
        )
        jobs = server_db.value("SELECT COUNT(*) FROM core_jobmessage")
        return reminders() == HAZARDS and pending == 0 and jobs == 0

    wait_until(finished, 60, "the job to resume and finish", restarted.log_text)

    # Every hazard's reminder exactly once, to its enterprise's user.
    per_hazard = server_db.rows(
        "SELECT dedup_key, COUNT(*) FROM core_notification "
        "WHERE kind = 'deadline_reminder' GROUP BY dedup_key"
    )
    assert len(per_hazard) == HAZARDS
    assert {count for _, count in per_hazard} == {1}
    # One e-mail delivery per reminder, each recorded as sent.
    assert (
        server_db.value(
            "SELECT COUNT(*) FROM core_delivery d JOIN core_notification n ON n.id = d.notification_id "
            "WHERE n.kind = 'deadline_reminder' AND d.channel = 'email' AND d.status = 'sent'"
        )
        == HAZARDS
    )
    # The e-mails themselves: one per reminder. A delivery killed after its e-mail left and
    # before that was recorded is sent again (at least once, never lost): at most one per
    # worker thread that was running a delivery at the kill.
    sent = [p.read_text(encoding="utf-8", errors="replace") for p in mail.iterdir()]
    messages = sum(text.count("\nSubject: ") + text.startswith("Subject: ") for text in sent)
    assert HAZARDS <= messages <= HAZARDS + 2, messages
