"""``anlan bulletins generate|list|show|publish|pdf|docx|subscribe``: weekly, monthly and
briefing bulletins, acting within a user's scope (default: a system administrator)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from rich.console import Console
from rich.table import Table

from anlan.core.acting import acting_user
from anlan.reports import bulletins as services
from anlan.reports import render
from anlan.reports.choices import BulletinKind, BulletinState
from anlan.reports.figures import SECTIONS


def _errors(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    return " ".join(exc.messages)


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value!r}") from exc


class Command(BaseCommand):
    help = "Bulletins: generate, list, show, publish, pdf, docx, subscribe."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        gen = sub.add_parser("generate", help="Generate (or refresh) a draft")
        gen.add_argument("--kind", choices=BulletinKind.values, default=BulletinKind.MONTHLY)
        gen.add_argument("--region", required=True, help="Region code, e.g. 140700")
        gen.add_argument(
            "--period",
            default="last-month",
            help="last-week, last-month, week:YYYY-MM-DD, month:YYYY-MM, or START:END "
            "(YYYY-MM-DD:YYYY-MM-DD, the end day included)",
        )
        gen.add_argument("--publish", action="store_true", help="Publish right away")
        gen.add_argument("--user")
        listing = sub.add_parser("list", help="Bulletins you may read")
        listing.add_argument("--kind", choices=BulletinKind.values)
        listing.add_argument("--state", choices=BulletinState.values)
        listing.add_argument("--user")
        for name in ("show", "publish", "pdf", "docx"):
            p = sub.add_parser(name)
            p.add_argument("id", type=int)
            p.add_argument("--user")
            if name in ("pdf", "docx"):
                p.add_argument("-o", "--output", help="File to write (default: in the cwd)")
        comment = sub.add_parser("comment", help="Set one section's commentary of a draft")
        comment.add_argument("id", type=int)
        comment.add_argument("--section", choices=SECTIONS, required=True)
        comment.add_argument("--text", required=True)
        comment.add_argument("--user")
        subs = sub.add_parser("subscribe", help="Subscribe (or --off: unsubscribe)")
        subs.add_argument("--kind", choices=BulletinKind.values, required=True)
        subs.add_argument("--region", required=True)
        subs.add_argument("--off", action="store_true")
        subs.add_argument("--user")

    def handle(self, *args, **o):
        user = acting_user(o.get("user"))
        self.console = Console(file=self.stdout._out, highlight=False, width=160)
        try:
            getattr(self, "_" + o["action"])(user, o)
        except ValidationError as exc:
            raise CommandError(_errors(exc)) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc) or "Not allowed.") from exc

    def _period(self, text: str) -> tuple[dt.date, dt.date]:
        today = timezone.localdate()
        if text == "last-week":
            return services.previous_week(today)
        if text == "last-month":
            return services.previous_month(today)
        if text.startswith("week:"):
            return services.week_of(_date(text[5:]))
        if text.startswith("month:"):
            return services.month_of(_date(text[6:] + "-01"))
        start, sep, end = text.partition(":")
        if not sep:
            raise CommandError(f"Unknown period {text!r}.")
        return _date(start), _date(end)

    def _bulletin(self, user, pk):
        bulletin = services.visible(user).select_related("region").filter(pk=pk).first()
        if bulletin is None:
            raise CommandError(f"No bulletin {pk} you may read.")
        return bulletin

    def _generate(self, user, o):
        start, end = self._period(o["period"])
        region = services.region_by_code(o["region"])
        bulletin = services.generate(kind=o["kind"], region=region, start=start, end=end, user=user)
        if o["publish"] and bulletin.state == BulletinState.DRAFT:
            bulletin = services.publish(bulletin=bulletin, user=user)
        self.console.print(f"{bulletin.pk} {bulletin.title} ({bulletin.state})")

    def _list(self, user, o):
        qs = services.filter_list(
            services.visible(user).select_related("region"),
            kind=o.get("kind") or "",
            state=o.get("state") or "",
        )
        table = Table(title="Bulletins")
        for column in ("id", "title", "kind", "region", "period", "state"):
            table.add_column(column)
        rows = list(qs[:500])
        for b in rows:
            table.add_row(
                str(b.pk),
                b.title,
                b.kind,
                b.region.code,
                f"{b.period_start} – {b.period_end}",
                b.state,
            )
        self.console.print(table)
        self.console.print(f"{len(rows)} bulletins.")

    def _show(self, user, o):
        bulletin = self._bulletin(user, o["id"])
        doc = render.document(bulletin)
        self.console.print(f"[bold red]{doc['title']}[/]  {doc['issuer']}  {doc['date_line']}")
        for section in doc["sections"]:
            if not (section.sentences or section.commentary or any(t.rows for t in section.tables)):
                continue
            self.console.print(f"\n[bold]{section.title}[/]")
            for sentence in section.sentences:
                self.console.print(sentence)
            if section.commentary:
                self.console.print(section.commentary)
            for t in section.tables:
                if not t.rows:
                    continue
                table = Table(title=t.caption)
                for h in t.headers:
                    table.add_column(str(h))
                for row in t.rows + ([t.total] if t.total else []):
                    table.add_row(*map(str, row))
                self.console.print(table)

    def _publish(self, user, o):
        bulletin = services.publish(bulletin=self._bulletin(user, o["id"]), user=user)
        self.console.print(f"Published {bulletin.title}: {bulletin.pdf.name}, {bulletin.docx.name}")

    def _write(self, user, o, attr, make):
        bulletin = self._bulletin(user, o["id"])
        stored = getattr(bulletin, attr)
        if stored:
            with stored.open("rb") as fh:
                content = fh.read()
        else:
            content = make(bulletin)
        path = Path(o.get("output") or f"{services.file_stem(bulletin)}.{attr}")
        path.write_bytes(content)
        self.console.print(f"Wrote {path} ({len(content):,} bytes).")

    def _pdf(self, user, o):
        self._write(user, o, "pdf", render.pdf_bytes)

    def _docx(self, user, o):
        self._write(user, o, "docx", render.docx_bytes)

    def _comment(self, user, o):
        bulletin = self._bulletin(user, o["id"])
        services.set_commentary(bulletin=bulletin, section=o["section"], text=o["text"], user=user)
        self.console.print(f"Commentary of {o['section']} saved.")

    def _subscribe(self, user, o):
        region = services.region_by_code(o["region"])
        if o["off"]:
            services.unsubscribe(user=user, kind=o["kind"], region=region)
            self.console.print("Unsubscribed.")
        else:
            services.subscribe(user=user, kind=o["kind"], region=region)
            self.console.print(f"Subscribed {user.username} to {o['kind']} bulletins of {region}.")
