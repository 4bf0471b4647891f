"""``anlan warnings issue ...``: draft the bureau's own warnings, take them through sign-off,
draft Updates and Cancels, and export any message as CAP 1.2 XML or JSON — as a user (``--user``,
default a system administrator)."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from anlan.alerts import cap, issuing
from anlan.alerts.choices import Colour, SignalType
from anlan.alerts.models import Alert
from anlan.core.acting import acting_user


def _errors(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(
            f"--{k.replace('_', '-')}: {' '.join(v)}" for k, v in exc.message_dict.items()
        )
    return "; ".join(exc.messages)


class Command(BaseCommand):
    help = (
        "The bureau's own warnings: `draft`, `submit ID`, `send-back ID --note`, `publish ID`, "
        "`update ID`, `cancel ID --note`, `export ID --format xml|json`."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        draft = sub.add_parser("draft", help="Draft a warning or safety reminder; prints its id")
        draft.add_argument("--signal", required=True, choices=SignalType.values)
        draft.add_argument("--colour", choices=Colour.values, default="")
        draft.add_argument("--regions", default="", help="Region codes, comma-separated")
        draft.add_argument("--region", help="Issuing region code (default: yours)")
        draft.add_argument(
            "--expires", required=True, help="ISO date and time, e.g. 2026-12-06T08:00"
        )
        draft.add_argument("--effective", help="ISO date and time (default: now)")
        draft.add_argument("--onset", help="ISO date and time")
        draft.add_argument("--status", default="Actual", help="Actual, Exercise or Test")
        for name in ("headline", "description", "instruction", "polygon", "circle", "area-desc"):
            draft.add_argument(f"--{name}", default="")
        for name in ("headline-en", "description-en", "instruction-en"):
            draft.add_argument(f"--{name}", default="")
        parsers = [draft]
        for name, text in (
            ("submit", "Submit a draft for sign-off"),
            ("send-back", "Send a warning awaiting sign-off back to its drafter"),
            ("publish", "Sign off and publish (not your own draft)"),
            ("update", "Draft an Update of a published warning; prints its id"),
            ("cancel", "Draft a Cancel of a published warning; prints its id"),
            ("export", "Write a message as CAP 1.2 XML or JSON"),
        ):
            p = sub.add_parser(name, help=text)
            p.add_argument("id", type=int, metavar="ID")
            parsers.append(p)
            if name in ("send-back", "cancel"):
                p.add_argument("--note", required=True, help="The reason")
            if name == "publish":
                p.add_argument("--note", default="", help="Sign-off note")
            if name == "export":
                p.add_argument("--format", choices=("xml", "json"), default="xml")
                p.add_argument("--out", help="File to write (default: standard output)")
        for p in parsers:
            p.add_argument("--user", help="Act as this user (default: a system administrator)")

    def handle(self, *args, **o):
        user = acting_user(o.get("user"))
        action = o["action"]
        try:
            if action == "draft":
                alert = issuing.create_draft(user=user, data=self._draft_data(o))
            elif action == "export":
                return self._export(user, o)
            else:
                alert = self._act(user, action, self._alert(user, o["id"]), o)
        except ValidationError as exc:
            raise CommandError(_errors(exc)) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(alert.pk))
        self.stderr.write(f"{alert.get_stage_display()}: {alert.headline} ({alert.identifier})")

    @staticmethod
    def _draft_data(o) -> dict:
        data = {
            "signal_type": o["signal"],
            "colour": o["colour"],
            "regions": [c.strip() for c in o["regions"].split(",") if c.strip()],
            "region": o.get("region") or None,
            "status": o["status"],
            "expires": o["expires"],
            "effective": o.get("effective"),
            "onset": o.get("onset"),
        }
        for name in ("headline", "description", "instruction", "polygon", "circle", "area_desc"):
            data[name] = o[name]
        for name in ("headline_en", "description_en", "instruction_en"):
            data[name] = o[name]
        return data

    @staticmethod
    def _alert(user, pk: int) -> Alert:
        alert = Alert.objects.visible_to(user).filter(pk=pk).first()
        if alert is None:
            raise CommandError(f"ID: no warning {pk} that you can see.")
        return alert

    @staticmethod
    def _act(user, action: str, alert: Alert, o) -> Alert:
        if action == "submit":
            return issuing.submit(user=user, alert=alert)
        if action == "send-back":
            return issuing.send_back(user=user, alert=alert, note=o["note"])
        if action == "publish":
            return issuing.publish(user=user, alert=alert, note=o.get("note") or "")
        if action == "update":
            return issuing.draft_update(user=user, of=alert)
        return issuing.draft_cancel(user=user, of=alert, note=o["note"])

    def _export(self, user, o) -> None:
        alert = self._alert(user, o["id"])
        if o["format"] == "xml":
            content = cap.document(alert)
        else:
            content = json.dumps(cap.as_json(alert), ensure_ascii=False, indent=2).encode("utf-8")
        if o.get("out"):
            Path(o["out"]).write_bytes(content)
            self.stderr.write(f"Written to {o['out']}.")
        else:
            self.stdout.write(content.decode("utf-8"))
