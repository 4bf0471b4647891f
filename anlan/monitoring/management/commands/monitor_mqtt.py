"""``anlan monitor mqtt``: run the MQTT consumer in the foreground until Ctrl-C or SIGTERM."""

import os
import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from anlan.monitoring import mqtt


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise CommandError(f"--port must be a whole number, not {text!r}.") from None
    if not 0 < port < 65536:
        raise CommandError(f"--port must be between 1 and 65535, not {port}.")
    return port


class Command(BaseCommand):
    help = (
        "Consume gateway batches from the MQTT broker (QoS 1, persistent session) and answer "
        "each on <prefix>/<gateway>/replies. Runs until Ctrl-C."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", help=f"broker host (default {settings.ANLAN_MQTT_HOST})")
        parser.add_argument("--port", help=f"broker port (default {settings.ANLAN_MQTT_PORT})")
        parser.add_argument(
            "--client-id", help=f"client id (default {settings.ANLAN_MQTT_CLIENT_ID})"
        )
        parser.add_argument(
            "--partition",
            help="i/n: store only the batches of enterprises in partition i of n (enterprise id "
            "modulo n, plus one); run one consumer per partition, each with its own --client-id",
        )
        parser.add_argument(
            "--report-seconds",
            type=int,
            default=60,
            help="print a summary this often (0: never); -v 2 prints every batch",
        )

    def handle(self, *args, host=None, port=None, client_id=None, report_seconds=60, **options):
        if report_seconds < 0:
            raise CommandError("--report-seconds must be 0 or more.")
        partition = None
        if options.get("partition"):
            try:
                partition = mqtt.parse_partition(options["partition"])
            except ValueError as exc:
                raise CommandError(f"--partition: {exc}") from None
            if partition[1] > 1 and client_id is None and "ANLAN_MQTT_CLIENT_ID" not in os.environ:
                # Each partition keeps its own persistent session on the broker.
                client_id = f"{settings.ANLAN_MQTT_CLIENT_ID}-{partition[0]}-{partition[1]}"
        stop = threading.Event()

        def finish(signum, frame):
            if not stop.is_set():
                self.stdout.write("Stopping…")
            stop.set()

        previous = {sig: signal.signal(sig, finish) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            consumer = mqtt.Consumer(
                host=host,
                port=_port(port) if port is not None else None,
                client_id=client_id,
                say=self.stdout.write,
                verbose=options.get("verbosity", 1) >= 2,
                report_seconds=report_seconds,
                partition=partition,
            )
            self.stdout.write("Press Ctrl-C to stop.")
            consumer.run(stop)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
