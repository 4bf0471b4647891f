import atexit
import logging

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext_lazy as _
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn
from rich.table import Table

from anlan.core.demo import DEMO_PASSWORD, STEPS, build_demo


class _RawOutput:
    """Let rich write through Django's OutputWrapper without it appending a newline per write."""

    def __init__(self, wrapper):
        self._wrapper = wrapper

    def write(self, text: str) -> int:
        self._wrapper.write(text, ending="")
        return len(text)

    def flush(self) -> None:
        self._wrapper.flush()

    def isatty(self) -> bool:
        return self._wrapper.isatty()


class Command(BaseCommand):
    help = str(_("Apply migrations, load the fictional demo data, list the demo logins and serve."))

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-serve",
            action="store_true",
            help=str(_("Load the demo data only; do not start the server.")),
        )
        parser.add_argument(
            "--addrport",
            default="127.0.0.1:8000",
            help=str(_("Address and port to serve on (default 127.0.0.1:8000).")),
        )
        parser.add_argument(
            "--no-simulator",
            action="store_true",
            help=str(_("Do not feed the demo sensors with simulated live readings.")),
        )
        parser.add_argument(
            "--no-mqtt",
            action="store_true",
            help=str(
                _(
                    "Send the simulated readings over HTTP even when mosquitto is installed "
                    "(by default the demo starts a broker on loopback and an MQTT consumer)."
                )
            ),
        )

    def handle(
        self,
        *args,
        no_serve: bool,
        addrport: str,
        no_simulator: bool = False,
        no_mqtt: bool = False,
        **options,
    ):
        console = Console(file=_RawOutput(self.stdout))
        console.print(str(_("Applying database migrations…")))
        call_command("migrate", interactive=False, verbosity=0)

        with Progress(
            SpinnerColumn(),
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=console,
        ) as progress:
            task = progress.add_task(str(_("Loading demo data")), total=len(STEPS))

            def advance(description: str) -> None:
                progress.update(task, description=description, advance=1)

            result = build_demo(progress=advance)

        created = sum(result["created"].values())
        console.print(
            str(
                _(
                    "Demo data: %(enterprises)d enterprises, %(persons)d responsible persons, "
                    "%(hazard_sources)d major hazard sources, %(teams)d rescue teams, "
                    "%(regions)d fictional townships and villages (%(created)d records new)."
                )
            )
            % {**result, "created": created}
        )

        table = Table(title=str(_("Demo logins")))
        table.add_column(str(_("Username")), style="bold", no_wrap=True)
        table.add_column(str(_("Role")), no_wrap=True)
        table.add_column(str(_("Scope")), overflow="fold")
        table.add_column(str(_("Password")), no_wrap=True)
        for username, role, scope in result["logins"]:
            table.add_row(username, role, scope, DEMO_PASSWORD)
        console.print(table)
        if result.get("tip_off"):
            code, secret = result["tip_off"]
            console.print(
                str(
                    _(
                        "Public portal: http://%(addrport)s/portal/ — follow the demo tip-off "
                        "with code %(code)s and secret %(secret)s."
                    )
                )
                % {"addrport": addrport, "code": code, "secret": secret}
            )

        if no_serve:
            return
        if not no_simulator:
            self._start_simulator(console, addrport, mqtt=not no_mqtt)
        console.print(
            str(_("Serving on http://%(addrport)s/ — press Ctrl+C to stop."))
            % {"addrport": addrport}
        )
        # No autoreloader: it would re-run this whole command in a child process.
        call_command("runserver", addrport, use_reloader=False)

    def _start_simulator(self, console, addrport: str, *, mqtt: bool = True) -> None:
        """Live readings and the periodic monitoring jobs in daemon threads (they end with the
        server). With mosquitto installed (and ``mqtt``), a throwaway broker on loopback and an
        MQTT consumer carry the readings, as gateways in the field would; otherwise HTTP."""
        from anlan.monitoring import broker as mosquitto
        from anlan.monitoring.models import Sensor
        from anlan.monitoring.simulator import start_in_background

        def say(line):
            console.print(line, markup=False, highlight=False)

        host = addrport if ":" in addrport else f"127.0.0.1:{addrport}"
        if host.startswith("0.0.0.0:"):
            host = "127.0.0.1:" + host.split(":", 1)[1]
        address = None
        if mqtt and mosquitto.binary() is not None:
            try:
                running = mosquitto.Broker().start()
            except mosquitto.BrokerError as exc:
                say(str(_("mosquitto did not start (%(error)s); using HTTP.")) % {"error": exc})
            else:
                atexit.register(running.stop)
                address = f"{running.host}:{running.port}"
                say(
                    str(
                        _("MQTT: a mosquitto broker on %(address)s and a consumer in this process.")
                    )
                    % {"address": address}
                )
        elif mqtt:
            say(str(_("mosquitto is not installed: the simulator sends over HTTP.")))
        _stop, sim = start_in_background(
            f"http://{host}",
            log=say,
            jobs_every=settings.ANLAN_DEMO_JOBS_SECONDS,
            broker=address,
        )
        if not sim.gateways:
            return
        # A thousand "POST /api/monitoring/ingest 200" lines a minute would bury the log.
        logging.getLogger("django.server").addFilter(_QuietIngest())
        tank = "—"
        if sim.rising_tank:
            sensor = (
                Sensor.objects.filter(gateway__code=sim.rising_tank[0], tag=sim.rising_tank[1])
                .select_related("enterprise")
                .first()
            )
            if sensor is not None:
                tank = f"{sensor.enterprise.name} {sensor.tag} {sensor.name}"
        console.print(
            str(
                _(
                    "Simulator running: %(sensors)d sensors of %(gateways)d gateways read every "
                    "second; the tank %(tank)s rises through H and HH after %(first)d s and every "
                    "%(every)d s; gateway %(silent)s goes silent after %(after)d s. "
                    "Turn it off with --no-simulator."
                )
            )
            % {
                "sensors": sum(len(g.sensors) for g in sim.gateways),
                "gateways": len(sim.gateways),
                "tank": tank,
                "first": sim.first_rise,
                "every": sim.rise_every,
                "silent": sim.silent_gateway or "—",
                "after": sim.silent_after,
            },
            markup=False,
            highlight=False,
        )


class _QuietIngest(logging.Filter):
    """Drop the dev server's log lines of successful ingestion requests."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not ("/api/monitoring/ingest" in message and '" 200 ' in message)
