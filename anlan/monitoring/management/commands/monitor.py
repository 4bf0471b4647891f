"""``anlan monitor …``: ingest a CSV file as a gateway, create a gateway, purge, roll up,
simulate the demo sensors."""

import threading
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from anlan.monitoring import ingest as ingestion
from anlan.monitoring import offline, readings, services
from anlan.monitoring.models import Gateway
from anlan.registry.models import Enterprise


class Command(BaseCommand):
    help = "Monitoring: ingest a CSV file, create a gateway, purge old readings, roll up."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        ing = sub.add_parser("ingest", help="ingest tag,ts,value lines as a gateway")
        ing.add_argument("file")
        ing.add_argument("--gateway", required=True, help="gateway code")
        gw = sub.add_parser("gateway", help="gateways")
        gw_sub = gw.add_subparsers(dest="gateway_action", required=True)
        create = gw_sub.add_parser("create", help="create a gateway and print its token once")
        create.add_argument("enterprise", help="enterprise id or credit code")
        create.add_argument("name")
        create.add_argument("--code", help="gateway code (default: from the name)")
        sub.add_parser("purge", help="delete readings and rollups past their retention")
        sub.add_parser("rollup", help="compute the per-minute rollups due now")
        sub.add_parser("check", help="alarm deadlines: overdue notices, candidate hazards")
        sub.add_parser("offline", help="open offline episodes for silent sensors and gateways")
        quality = sub.add_parser(
            "quality", help="data quality and offline now, by county (and by enterprise)"
        )
        quality.add_argument("--day", help="local date YYYY-MM-DD (default today)")
        quality.add_argument("--enterprises", action="store_true", help="also per enterprise")
        quality.add_argument("--xlsx", help="also write the Excel workbook to this file")
        sim = sub.add_parser(
            "simulate", help="feed the demo sensors live (rotates the demo gateways' tokens)"
        )
        sim.add_argument("--url", default="http://127.0.0.1:8000", help="the server (HTTP)")
        sim.add_argument("--via", choices=["http", "mqtt"], default="http")
        sim.add_argument("--broker", default="127.0.0.1:1883", help="MQTT broker host:port")
        sim.add_argument("--interval", type=float, default=1.0, help="seconds between readings")
        sim.add_argument("--silent-gateway", help="code of the gateway that goes silent")
        sim.add_argument("--silent-after", type=float, help="seconds before it goes silent")
        sim.add_argument("--rise-every", type=float, help="seconds between tank rises")
        sim.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **options):
        action = options["action"]
        if action == "simulate":
            return self.simulate(options)
        if action == "ingest":
            gateway = Gateway.objects.filter(code=options["gateway"]).first()
            if gateway is None:
                raise CommandError(f"No gateway with code {options['gateway']!r}.")
            path = Path(options["file"])
            if not path.is_file():
                raise CommandError(f"No such file: {path}")
            try:
                columns = ingestion.parse_csv(path.read_bytes())
                result = ingestion.ingest(gateway=gateway, columns=columns)
            except ingestion.PayloadError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(
                f"received {result.received}, accepted {result.accepted}, duplicates "
                f"{result.duplicates}, rejected {result.rejected}, alarms raised "
                f"{result.alarms_raised}, cleared {result.alarms_cleared}"
            )
            for reject in result.rejects:
                self.stdout.write(
                    f"  line {reject['index'] + 1}: {reject['tag']} {reject['reason']}"
                )
        elif action == "gateway":
            key = options["enterprise"]
            enterprise = (
                Enterprise.objects.filter(pk=int(key)).first()
                if key.isdigit() and len(key) < 18
                else Enterprise.objects.filter(uscc=key).first()
            )
            if enterprise is None:
                raise CommandError(f"No enterprise {key!r}.")
            code = options["code"] or f"gw-{enterprise.pk}-{Gateway.objects.count() + 1}"
            gateway, token = services.create_gateway(
                user=None, enterprise=enterprise, name=options["name"], code=code
            )
            self.stdout.write(f"gateway {gateway.code} for {enterprise.name}")
            self.stdout.write(f"token (shown once): {token}")
        elif action == "purge":
            done = readings.purge()
            self.stdout.write(
                f"deleted {done['readings']} readings, {done['rollups']} rollups, "
                f"dropped {done['partitions_dropped']} partitions"
            )
        elif action == "rollup":
            self.stdout.write(f"rollup rows written: {readings.rollup_pending()}")
        elif action == "check":
            run = services.check_alarm_deadlines()
            self.stdout.write(
                f"unhandled-alarm notices for {len(run.notified)} alarms, "
                f"{len(run.escalated)} escalated a level; candidate hazards: "
                f"{', '.join(run.hazards) or 'none'}"
            )
        elif action == "offline":
            run = offline.check_offline()
            self.stdout.write(
                f"offline episodes opened: {len(run.gateways)} gateways, {len(run.sensors)} sensors"
            )
        elif action == "quality":
            self._quality(options)

    def _quality(self, options):
        import datetime as dt

        from django.utils import timezone
        from rich.console import Console
        from rich.table import Table

        from anlan.monitoring.models import OfflineEpisode, Sensor

        try:
            day = dt.date.fromisoformat(options["day"]) if options["day"] else None
        except ValueError:
            raise CommandError("--day: use the form YYYY-MM-DD.") from None
        day = day or timezone.localdate()
        rates = offline.daily_quality(day=day, sensors=Sensor.objects.all())
        counties = offline.by_county(rates, OfflineEpisode.objects.open())

        def pct(value):
            return "—" if value is None else f"{value * 100:.1f}%"

        console = Console(file=self.stdout, width=120)
        table = Table(title=f"Data quality by county, {day}")
        for header in (
            "county",
            "enterprises",
            "points",
            "connection",
            "online",
            "completeness",
            "timeliness",
            "gateways offline",
            "points offline",
        ):
            table.add_column(header)
        for c in counties:
            table.add_row(
                c.enterprise_name,
                str(c.enterprises),
                str(c.sensors),
                pct(c.connection_rate),
                pct(c.online_rate),
                pct(c.completeness),
                pct(c.timeliness),
                str(c.gateways_offline),
                str(c.sensors_offline),
            )
        console.print(table)
        if options["enterprises"]:
            table = Table(title=f"Data quality by enterprise, {day}")
            for header in ("enterprise", "points", "connection", "online", "complete", "timely"):
                table.add_column(header)
            for q in rates:
                table.add_row(
                    q.enterprise_name,
                    str(q.sensors),
                    pct(q.connection_rate),
                    pct(q.online_rate),
                    pct(q.completeness),
                    pct(q.timeliness),
                )
            console.print(table)
        if options["xlsx"]:
            Path(options["xlsx"]).write_bytes(offline.quality_workbook(day, counties, rates))
            self.stdout.write(f"written {options['xlsx']}")

    def simulate(self, options):
        from anlan.monitoring import simulator

        if options["interval"] <= 0:
            raise CommandError("--interval must be a positive number of seconds.")
        given = {
            "silent_gateway": options["silent_gateway"],
            "silent_after": options["silent_after"],
            "rise_every": options["rise_every"],
        }
        if (
            given["silent_gateway"]
            and not simulator.demo_gateways().filter(code=given["silent_gateway"]).exists()
        ):
            raise CommandError(f"--silent-gateway: no demo gateway {given['silent_gateway']!r}.")
        for name in ("silent_after", "rise_every"):
            if given[name] is not None and given[name] <= 0:
                raise CommandError(f"--{name.replace('_', '-')} must be a positive number.")
        sim = simulator.prepare(
            seed=options["seed"], **{k: v for k, v in given.items() if v is not None}
        )
        if not sim.gateways:
            raise CommandError("No demo gateways with sensors: run `anlan demo --no-serve` first.")
        stop = threading.Event()
        log = self.stdout.write
        if options["via"] == "mqtt":
            transport = simulator.MqttTransport(options["broker"], log=log)
            target = f"MQTT broker {options['broker']}"
        else:
            transport = simulator.HttpTransport(options["url"], stop=stop, log=log)
            target = transport.endpoint
        log(simulator.describe(sim) + f"; sending to {target}. Ctrl+C stops.")
        try:
            simulator.run(sim, transport, stop=stop, interval=options["interval"], log=log)
        except KeyboardInterrupt:
            stop.set()
            log("simulator stopped")
