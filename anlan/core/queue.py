"""The background-job queue (huey) made to survive its two faults: the queue down, the worker
killed. See docs/operations.md, "Faults and recovery".

**Queue down** (Redis stopped, unreachable, out of memory). ``RedisHuey`` and ``SqliteHuey``
below are huey's classes whose ``enqueue`` and ``add_schedule`` never fail because of the
queue: a message the queue refuses is kept in the database (``JobMessage``, state *waiting*)
and a warning is logged. A web request that enqueued a job therefore still succeeds. Every
worker hands the waiting messages over to the queue as soon as it accepts them again (every
ANLAN_JOB_KEEPER_SECONDS). A periodic job missed while the queue was down is kept once (not
once per missed minute).

**Worker killed** (SIGKILL, out-of-memory killer, power cut). Huey takes a message off the
queue before running it, so a job that dies with its worker would be lost. Here every job a
worker starts is recorded (state *running*, with the worker's id and a lease of
ANLAN_JOB_LEASE_SECONDS that the worker renews while the job runs) and the record is deleted
when the job ends. A record whose lease ran out belongs to a dead worker: the next keeper pass
of any worker queues the message again. A restarted worker on the same machine does not wait
for the lease: it recognises the records of a process that no longer exists at once.

So jobs run *at least once*, and every job must be safe to run again: Anlan's periodic jobs
are sweeps that skip what is already done (notifications carry a ``dedup_key``), and a
delivery that was already sent is recorded as sent. The one window left is a delivery killed
after the e-mail/SMS/webhook went out and before that was recorded: it is sent again.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from datetime import timedelta

import huey
from huey import signals
from huey.api import PeriodicTask, Result
from huey.exceptions import CancelExecution

logger = logging.getLogger("anlan.queue")

HOST = socket.gethostname()
_worker_id: tuple[int, str] | None = None


def worker_id() -> str:
    """``host:pid:token`` of this process (the token tells a restarted process that got the
    same pid — usual in containers — from its dead predecessor)."""
    global _worker_id
    if _worker_id is None or _worker_id[0] != os.getpid():
        _worker_id = (os.getpid(), f"{HOST}:{os.getpid()}:{secrets.token_hex(4)}")
    return _worker_id[1]


def _settings():
    from django.conf import settings

    return settings


def _lease() -> timedelta:
    return timedelta(seconds=max(1, _settings().ANLAN_JOB_LEASE_SECONDS))


def _waiting_key(task) -> str:
    # A periodic job is kept once, however many of its runs the outage swallowed.
    return f"periodic:{task.name}" if isinstance(task, PeriodicTask) else f"task:{task.id}"


def keep_waiting(task, data: bytes, exc: BaseException) -> None:
    """Keep a message the queue refused, for a worker to hand over later."""
    from django.db import IntegrityError, transaction

    from .models import JobMessage

    try:
        with transaction.atomic():
            JobMessage.objects.create(
                key=_waiting_key(task),
                name=task.name,
                data=data,
                state=JobMessage.State.WAITING,
            )
    except IntegrityError:
        pass  # already kept
    logger.warning(
        "The job queue is unavailable (%s: %s); job %s is kept in the database and will be "
        "queued when the queue is back.",
        type(exc).__name__,
        exc,
        task.name,
    )


class ResilientQueueMixin:
    """``enqueue``/``add_schedule`` that keep the message in the database when the queue
    storage fails, instead of raising into the caller."""

    def enqueue(self, task):
        if self._immediate:
            return super().enqueue(task)
        if task.expires:
            task.resolve_expires(self.utc)
        self._emit(signals.SIGNAL_ENQUEUED, task)
        data = self.serialize_task(task)
        try:
            self.storage.enqueue(data, task.priority)
        except Exception as exc:
            keep_waiting(task, data, exc)
        return Result(self, task) if self.results else None

    def add_schedule(self, task):
        if self._immediate:
            return super().add_schedule(task)
        try:
            return super().add_schedule(task)
        except Exception as exc:
            # The message carries its eta: the worker that takes it reschedules it.
            keep_waiting(task, self.serialize_task(task), exc)


def _redis_timeout() -> float:
    return float(getattr(_settings(), "ANLAN_REDIS_TIMEOUT", 3))


class RedisHuey(ResilientQueueMixin, huey.RedisHuey):
    """huey's RedisHuey with short connection timeouts (an unreachable Redis must not hang a
    request) and the resilient enqueue above."""

    def __init__(self, name="huey", url=None, **kwargs):
        if url:
            from redis import ConnectionPool

            timeout = _redis_timeout()
            kwargs["connection_pool"] = ConnectionPool.from_url(
                url,
                socket_connect_timeout=timeout,
                # Longer than the consumer's blocking read (1 s).
                socket_timeout=max(timeout, 5.0),
                health_check_interval=30,
            )
        super().__init__(name, **kwargs)


class SqliteHuey(ResilientQueueMixin, huey.SqliteHuey):
    pass


# ---------------------------------------------------------------- the running-job ledger

_in_flight: set[str] = set()
_in_flight_lock = threading.Lock()


def job_started(task) -> None:
    """pre_execute hook: record the job as running in this worker, or skip it when another
    live worker already runs the same message (a duplicate from a recovery)."""
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    from .models import JobMessage

    key = f"task:{task.id}"
    now = timezone.now()
    fields = {
        "name": task.name,
        "data": task_huey(task).serialize_task(task),
        "state": JobMessage.State.RUNNING,
        "worker": worker_id(),
        "lease_until": now + _lease(),
    }
    try:
        with transaction.atomic():
            row = JobMessage.objects.select_for_update().filter(key=key).first()
            if row is None:
                JobMessage.objects.create(key=key, attempts=1, **fields)
            elif (
                row.state == JobMessage.State.RUNNING
                and row.worker != worker_id()
                and row.lease_until
                and row.lease_until > now
            ):
                raise CancelExecution(retry=False)
            else:
                JobMessage.objects.filter(pk=row.pk).update(attempts=row.attempts + 1, **fields)
                if row.attempts:
                    logger.warning("Resuming job %s (started %d times before)", key, row.attempts)
    except IntegrityError as exc:  # another worker recorded it a moment ago
        raise CancelExecution(retry=False) from exc
    with _in_flight_lock:
        _in_flight.add(key)


def job_finished(task, value, exc) -> None:
    """post_execute hook: the job ended (a failure is retried by huey as usual)."""
    from .models import JobMessage

    key = f"task:{task.id}"
    with _in_flight_lock:
        _in_flight.discard(key)
    JobMessage.objects.filter(key=key, state=JobMessage.State.RUNNING, worker=worker_id()).delete()


def task_huey(task):
    from huey.contrib.djhuey import HUEY

    return HUEY


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def dead_here(worker: str) -> bool:
    """A worker of this machine whose process is gone (or whose pid a new process has)."""
    host, _, rest = worker.partition(":")
    pid, _, token = rest.partition(":")
    if host != HOST or not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return worker != worker_id()
    return not _pid_alive(int(pid))


def recover(huey_instance=None) -> dict[str, int]:
    """One keeper pass: renew this worker's leases, give back the jobs of dead workers, and
    hand the waiting messages to the queue. Returns counts (for logs and tests)."""
    from django.db import transaction
    from django.utils import timezone

    from .models import JobMessage

    huey_instance = huey_instance or task_huey(None)
    now = timezone.now()
    running = JobMessage.objects.filter(state=JobMessage.State.RUNNING)
    with _in_flight_lock:
        mine = list(_in_flight)
    if mine:
        running.filter(worker=worker_id(), key__in=mine).update(lease_until=now + _lease())
    orphans = [
        pk
        for pk, worker in running.exclude(worker=worker_id())
        .filter(lease_until__gte=now)
        .values_list("pk", "worker")
        if dead_here(worker)
    ]
    given_back = running.filter(pk__in=orphans).update(state=JobMessage.State.WAITING, worker="")
    given_back += (
        running.filter(lease_until__lt=now)
        .exclude(worker=worker_id(), key__in=mine)
        .update(state=JobMessage.State.WAITING, worker="")
    )
    if given_back:
        logger.warning("Queued again %d job(s) whose worker died", given_back)
    handed = 0
    waiting = JobMessage.objects.filter(state=JobMessage.State.WAITING)
    for pk in list(waiting.order_by("pk").values_list("pk", flat=True)[:500]):
        with transaction.atomic():
            row = waiting.select_for_update().filter(pk=pk).first()
            if row is None:
                continue
            huey_instance.storage.enqueue(bytes(row.data), None)  # raises while still down
            row.delete()
        handed += 1
    if handed:
        logger.info("Handed %d waiting job(s) to the queue", handed)
    return {"given_back": given_back, "handed": handed}


_keeper_started = False
_keeper_lock = threading.Lock()


def start_keeper() -> None:
    """on_startup hook (runs in each worker thread): start this process's keeper once."""
    global _keeper_started
    with _keeper_lock:
        if _keeper_started:
            return
        _keeper_started = True
    thread = threading.Thread(target=_keep, name="anlan-job-keeper", daemon=True)
    thread.start()


def _keep() -> None:
    from django.db import close_old_connections, connection

    interval = max(0.1, float(_settings().ANLAN_JOB_KEEPER_SECONDS))
    stop = threading.Event()
    while True:
        try:
            recover()
        except Exception as exc:  # the database or the queue is down: try again next time
            logger.warning("Job keeper pass failed (%s: %s)", type(exc).__name__, exc)
            connection.close()
        close_old_connections()
        stop.wait(interval)


def install(huey_instance) -> None:
    """Register the hooks on the project's huey (called from anlan.core.tasks, which the
    worker imports)."""
    huey_instance.pre_execute("anlan_job_started")(_unless_immediate(huey_instance, job_started))
    huey_instance.post_execute("anlan_job_finished")(_unless_immediate(huey_instance, job_finished))
    huey_instance.on_startup("anlan_job_keeper")(start_keeper)


def _unless_immediate(huey_instance, hook):
    def run(*args):
        if not huey_instance.immediate:
            hook(*args)

    run.__name__ = hook.__name__
    return run
