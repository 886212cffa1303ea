"""`python manage.py send_reminders [--now 2026-12-01T09:00]`: every sweep once."""

from django.core.management.base import BaseCommand, CommandError

from notifications.models import ReminderKind
from notifications.tasks import parse_moment, sweep_and_queue


class Command(BaseCommand):
    help = (
        "Voert alle herinneringsrondes één keer uit op het opgegeven moment (standaard: nu) "
        "en toont per soort hoeveel herinneringen zijn verstuurd. Een tweede keer op "
        "hetzelfde moment verstuurt niets nieuws."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now", help="Moment in ISO-formaat, bijvoorbeeld 2026-12-01T09:00 (lokale tijd)."
        )

    def handle(self, *args, **options):
        try:
            now = parse_moment(options["now"])
        except ValueError as exc:
            raise CommandError(
                f"Ongeldig moment {options['now']!r}: gebruik 2026-12-01T09:00."
            ) from exc
        counts = sweep_and_queue(now)
        for kind, count in counts.items():
            self.stdout.write(f"{kind} ({ReminderKind(kind).label}): {count}")
        self.stdout.write(f"totaal: {sum(counts.values())}")
