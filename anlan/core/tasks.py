"""Background deliveries (huey). Each task is a thin wrapper around a function in ``notify``;
a failure raises, so huey retries it ANLAN_DELIVERY_RETRIES times, ANLAN_DELIVERY_RETRY_DELAY
seconds apart, and the last failure is recorded on the ``Delivery`` row."""

from django.conf import settings
from huey.contrib.djhuey import HUEY, db_task

from . import notify, queue

# Every worker records the jobs it runs and hands over the ones the queue refused (core.queue).
queue.install(HUEY)

RETRY = {
    "retries": settings.ANLAN_DELIVERY_RETRIES,
    "retry_delay": settings.ANLAN_DELIVERY_RETRY_DELAY,
    "context": True,
}


def _final(task) -> bool:
    return task is None or not task.retries


@db_task(**RETRY)
def deliver_email(delivery_id: int, address: str, subject: str, text: str, task=None):
    notify.attempt(
        delivery_id, lambda: notify.send_email(address, subject, text), final=_final(task)
    )


@db_task(**RETRY)
def deliver_sms(delivery_id: int, mobile: str, text: str, task=None):
    notify.attempt(delivery_id, lambda: notify.send_sms(mobile, text), final=_final(task))


@db_task(**RETRY)
def deliver_webhook(delivery_id: int, url: str, body: str, task=None):
    notify.attempt(
        delivery_id, lambda: notify.post_webhook(delivery_id, url, body), final=_final(task)
    )
