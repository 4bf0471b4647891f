"""The job ledger's rules, in-process (the fault tests around them run real processes): what
the queue refused is kept once per periodic job, a message a live worker runs is not run twice,
and the records of a dead worker are given back."""

import datetime as dt

import pytest
from django.utils import timezone
from huey import crontab
from huey.exceptions import CancelExecution

from anlan.core import queue
from anlan.core.models import JobMessage
from anlan.core.tasks import deliver_sms
from anlan.monitoring.broker import free_port

pytestmark = pytest.mark.django_db


def test_jobs_enqueued_while_redis_is_down_are_kept_and_a_missed_periodic_job_only_once():
    down = queue.RedisHuey("ledger-test", url=f"redis://127.0.0.1:{free_port()}/0")

    def one_off(n):
        return n

    def sweep():
        return None

    one_off = down.task()(one_off)
    sweep = down.periodic_task(crontab(minute="*"))(sweep)

    one_off(1)
    one_off(2)
    for _ in range(3):  # three minutes of outage
        down.enqueue(sweep.s())

    kept = JobMessage.objects.filter(state=JobMessage.State.WAITING)
    assert kept.count() == 3
    assert sorted(kept.values_list("key", flat=True))[-1].startswith("task:")
    assert kept.filter(key__startswith="periodic:").count() == 1


def test_a_copy_of_a_job_that_a_live_worker_runs_is_not_run_again():
    task = deliver_sms.s(1, "13800000000", "text")
    JobMessage.objects.create(
        key=f"task:{task.id}",
        name=task.name,
        data=b"",
        state=JobMessage.State.RUNNING,
        worker="another-host:123:abcd",
        lease_until=timezone.now() + dt.timedelta(minutes=1),
    )
    with pytest.raises(CancelExecution):
        queue.job_started(task)


def test_the_jobs_of_a_dead_worker_are_given_back_to_the_queue():
    from huey.contrib.djhuey import HUEY

    task = deliver_sms.s(2, "13800000000", "text")
    JobMessage.objects.create(
        key=f"task:{task.id}",
        name=task.name,
        data=HUEY.serialize_task(task),
        state=JobMessage.State.RUNNING,
        worker=f"{queue.HOST}:999999999:dead",  # no such process here
        lease_until=timezone.now() + dt.timedelta(minutes=5),
    )
    JobMessage.objects.create(
        key="task:stale",
        name=task.name,
        data=HUEY.serialize_task(deliver_sms.s(3, "13800000000", "text")),
        state=JobMessage.State.RUNNING,
        worker="elsewhere:1:x",
        lease_until=timezone.now() - dt.timedelta(seconds=1),
    )

    HUEY.storage.flush_queue()
    try:
        result = queue.recover(HUEY)
        assert result == {"given_back": 2, "handed": 2}
        assert HUEY.storage.queue_size() == 2
    finally:
        HUEY.storage.flush_queue()
    assert not JobMessage.objects.exists()
