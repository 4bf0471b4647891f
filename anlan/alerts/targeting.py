"""Targets of a warning (being written)."""


def schedule_after_publish(alert) -> None:
    return None
