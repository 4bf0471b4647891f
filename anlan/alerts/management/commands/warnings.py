"""``anlan warnings …``: import CAP files, poll the feeds, list warnings, show a warning's board,
acknowledge and report measures as a target, run the reminder job, list rejected messages, show
or edit the sensitivity matrix — within a user's scope (``--user``; default a system
administrator)."""

import datetime as dt
import json
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from rich.console import Console
from rich.table import Table

from anlan.alerts import ingest, matrix, response
from anlan.alerts.models import Alert, RejectedMessage, SensitivityRule, Target
from anlan.alerts.services import may_import
from anlan.core.acting import acting_user


def _t(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "—"


class Command(BaseCommand):
    help = "Warnings: import, poll, list, board, ack, measures, remind, rejected, matrix."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Import CAP 1.2 XML files")
        imp.add_argument("files", nargs="+")
        sub.add_parser("poll", help="Poll every feed in ANLAN_CAP_FEEDS now")
        ls = sub.add_parser("list", help="Warnings in force (or --all)")
        ls.add_argument("--all", action="store_true")
        board = sub.add_parser("board", help="A warning's targets and what they did")
        board.add_argument("warning", type=int)
        board.add_argument("--json", action="store_true", help="The summary as JSON")
        sub.add_parser("mine", help="Warnings for me to act on")
        ack = sub.add_parser("ack", help="Acknowledge a warning (as a target)")
        ack.add_argument("target", type=int)
        mea = sub.add_parser("measures", help="Report the measures taken")
        mea.add_argument("target", type=int)
        mea.add_argument("--text", required=True)
        rem = sub.add_parser("remind", help="Remind and escalate the silent now")
        rem.add_argument("--at", default=None, help="As if at this time (ISO)")
        sub.add_parser("rejected", help="Rejected messages and why")
        mx = sub.add_parser("matrix", help="Show the sensitivity matrix, or set one signal")
        mx.add_argument("signal", nargs="?")
        mx.add_argument("--industries", default=None, help="comma-separated codes")
        mx.add_argument("--flags", default=None, help="comma-separated risk-flag codes")
        mx.add_argument("--from-level", default=None, choices=["blue", "yellow", "orange", "red"])
        for each in sub.choices.values():
            each.add_argument("--user", default=None, help="Act as this user")

    def handle(self, *args, **o):
        self.user = acting_user(o.get("user"))
        try:
            getattr(self, "_" + o["action"])(o)
        except ValidationError as exc:
            raise CommandError(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
                if hasattr(exc, "error_dict")
                else " ".join(exc.messages)
            ) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc) or "You may not do this.") from None

    def _console(self):
        return Console(file=self.stdout, width=160)

    def _import(self, o):
        if not may_import(self.user):
            raise CommandError("Only regulators import warnings; give --user.")
        failed = 0
        for name in o["files"]:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"No such file: {name}")
            outcome = ingest.import_message(
                path.read_bytes(), received_from=path.name, user=self.user
            )
            if outcome.status == "imported":
                alert = outcome.alert
                self.stdout.write(
                    f"{path.name}: imported as warning {alert.root.pk} "
                    f"({alert.headline or alert.event}); "
                    f"{Target.objects.live().filter(thread=alert.root).count()} targets"
                )
            elif outcome.status == "duplicate":
                self.stdout.write(f"{path.name}: already received (warning {outcome.alert.pk})")
            else:
                failed += 1
                self.stdout.write(f"{path.name}: REJECTED — {outcome.reason}")
                for error in outcome.errors or []:
                    self.stdout.write(f"    {error['field']}: {error['message']}")
        if failed:
            raise CommandError(f"{failed} of {len(o['files'])} files rejected.")

    def _poll(self, o):
        if not may_import(self.user):
            raise CommandError("Only regulators poll the feeds; give --user.")
        result = ingest.poll_all()
        if not result:
            self.stdout.write("No feeds configured (ANLAN_CAP_FEEDS).")
        for url, counts in result.items():
            self.stdout.write(
                f"{url}: {counts['imported']} imported, {counts['duplicates']} duplicates, "
                f"{counts['rejected']} rejected"
                + (f"; errors: {'; '.join(counts['errors'])}" if counts["errors"] else "")
            )

    def _list(self, o):
        alerts = Alert.objects.visible_to(self.user).filter(is_latest=True)
        if not o["all"]:
            alerts = alerts.current()
        table = Table("id", "level", "headline", "effective", "expires", "acknowledged")
        for alert in alerts[:500]:
            s = response.summary(alert.root)
            table.add_row(
                str(alert.root.pk),
                alert.get_colour_display() or "—",
                alert.headline or alert.event,
                _t(alert.effective),
                _t(alert.expires),
                f"{s['acknowledged']}/{s['targets']}",
            )
        self._console().print(table)

    def _warning(self, pk):
        alert = Alert.objects.visible_to(self.user).filter(pk=pk).first()
        if alert is None:
            raise CommandError(f"No warning {pk} that you can see.")
        return alert.root

    def _board(self, o):
        root = self._warning(o["warning"])
        s = response.summary(root)
        if o["json"]:
            self.stdout.write(json.dumps(s, ensure_ascii=False, default=str, indent=2))
            return
        self.stdout.write(
            f"{s['headline']}: {s['targets']} targets, {s['acknowledged']} acknowledged, "
            f"{s['measures']} reported measures, {s['overdue']} overdue; households checked "
            f"{s['households']['checked']}/{s['households']['checks']}; "
            f"hazards found {s['hazards_found']}"
        )
        table = Table("target", "kind", "name", "state", "ack by", "measures")
        targets = Target.objects.filter(thread=root).visible_to(self.user)
        for t in targets.select_related("region", "enterprise", "team"):
            table.add_row(
                str(t.pk),
                t.get_kind_display(),
                t.name,
                t.state_label,
                _t(t.ack_due),
                t.measures[:60],
            )
        self._console().print(table)

    def _mine(self, o):
        from anlan.alerts.views import my_targets

        table = Table("target", "warning", "state", "ack by", "measures by")
        for t in my_targets(self.user, timezone.now()):
            table.add_row(
                str(t.pk),
                t.thread.headline or t.thread.event,
                t.state_label,
                _t(t.ack_due),
                _t(t.measures_due),
            )
        self._console().print(table)

    def _target(self, pk):
        target = Target.objects.visible_to(self.user).filter(pk=pk).first()
        if target is None:
            raise CommandError(f"No target {pk} that you can see.")
        return target

    def _ack(self, o):
        target = response.acknowledge(user=self.user, target=self._target(o["target"]))
        self.stdout.write(f"Acknowledged at {_t(target.acknowledged_at)}.")

    def _measures(self, o):
        target = response.report_measures(
            user=self.user, target=self._target(o["target"]), measures=o["text"]
        )
        self.stdout.write(f"Measures recorded at {_t(target.measures_at)}.")

    def _remind(self, o):
        at = None
        if o["at"]:
            try:
                at = dt.datetime.fromisoformat(o["at"])
            except ValueError:
                raise CommandError(f"--at: not a time: {o['at']!r}") from None
            at = timezone.make_aware(at) if timezone.is_naive(at) else at
        counts = response.remind_and_escalate(at)
        self.stdout.write(
            f"{counts.get('reminded', 0)} reminded, {counts.get('escalated', 0)} escalated."
        )

    def _rejected(self, o):
        if not may_import(self.user):
            raise CommandError("Only regulators see rejected messages; give --user.")
        table = Table("id", "received", "from", "reason")
        for r in RejectedMessage.objects.all()[:200]:
            table.add_row(str(r.pk), _t(r.received_at), r.received_from, r.reason)
        self._console().print(table)

    def _matrix(self, o):
        if o["signal"] and any(o[k] is not None for k in ("industries", "flags", "from_level")):
            current = SensitivityRule.objects.filter(signal_type=o["signal"]).first()

            def split(raw, fallback):
                if raw is None:
                    return fallback
                return [x.strip() for x in raw.split(",") if x.strip()]

            matrix.save_rule(
                user=self.user,
                signal_type=o["signal"],
                industries=split(o["industries"], current.industries if current else []),
                risk_flags=split(o["flags"], current.risk_flags if current else []),
                min_colour=o["from_level"] or (current.min_colour if current else "blue"),
                note=current.note if current else "",
            )
            self.stdout.write(f"Saved the rule for {o['signal']}.")
        table = Table("signal", "industries", "risk flags", "from level")
        rules = SensitivityRule.objects.all()
        if o["signal"]:
            rules = rules.filter(signal_type=o["signal"])
        for rule in rules:
            table.add_row(
                rule.signal_type,
                ", ".join(rule.industries),
                ", ".join(rule.risk_flags),
                rule.min_colour,
            )
        self._console().print(table)
