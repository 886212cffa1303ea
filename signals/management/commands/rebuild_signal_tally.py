"""`manage.py rebuild_signal_tally`: write the tally's trigger for the current `TIME_ZONE`
and count every signal again (after a change of `TIME_ZONE`, or a restore with triggers
switched off); `--compact` only sums the changes, as the periodic task does; `--check`
only compares the tally with the signals and fails when they differ."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from signals import tally


class Command(BaseCommand):
    help = "Signaaltelling opnieuw opbouwen (na een andere TIME_ZONE) of samenvatten."

    def add_arguments(self, parser):
        parser.add_argument(
            "--compact", action="store_true", help="Alleen de wijzigingen samenvatten."
        )
        parser.add_argument(
            "--check", action="store_true", help="Alleen nagaan of de telling klopt."
        )

    def handle(self, *args, compact=False, check=False, **options):
        if connection.vendor != "postgresql":
            self.stdout.write("Deze database houdt geen signaaltelling bij; er is niets te doen.")
            return
        if check:
            wrong = tally.differences()
            if wrong:
                raise CommandError(
                    f"Signaaltelling wijkt af bij {wrong} sleutels; "
                    "herstel met: manage.py rebuild_signal_tally"
                )
            self.stdout.write("Signaaltelling klopt met de signalen.")
            return
        if compact:
            removed = tally.compact()
            self.stdout.write(f"Signaaltelling samengevat: {removed} rijen opgeteld.")
            return
        tally.rebuild()
        self.stdout.write(f"Signaaltelling opnieuw opgebouwd ({tally.trigger_time_zone()}).")
