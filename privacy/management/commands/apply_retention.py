from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from privacy import retention


class Command(BaseCommand):
    help = "Wist persoonsgegevens waarvan de bewaartermijn is verstreken (--dry-run telt alleen)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="alleen tellen, niets wissen")
        parser.add_argument("--now", help="peilmoment, bijvoorbeeld 2026-12-01T09:00")

    def handle(self, *args, dry_run=False, now=None, **options):
        moment = timezone.now()
        if now:
            moment = parse_datetime(now)
            if moment is None:
                raise CommandError("--now: gebruik de vorm 2026-12-01T09:00")
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
        run = retention.apply_retention(moment, dry_run=dry_run, triggered_by="command")
        verb = "zou wissen" if dry_run else "gewist"
        self.stdout.write(f"Signalen zonder casus {verb}: {run.signals_erased}")
        self.stdout.write(f"Casussen {verb}: {run.cases_erased}")
        self.stdout.write(f"Signalen van casussen {verb}: {run.case_signals_erased}")
        self.stdout.write(f"Niet verwerkte importbestanden {verb}: {run.import_files_cleared}")
        removed = "zou verwijderen" if dry_run else "verwijderd"
        self.stdout.write(f"Inzagelogregels {removed}: {run.access_log_removed}")
