"""`manage.py rebuild_signal_tally`: write the tally's trigger for the current `TIME_ZONE`
and count every signal again (after a change of `TIME_ZONE`); `--compact` only sums the
changes, as the periodic task does."""

from django.core.management.base import BaseCommand
from django.db import connection

from signals import tally


class Command(BaseCommand):
    help = "Signaaltelling opnieuw opbouwen (na een andere TIME_ZONE) of samenvatten."

    def add_arguments(self, parser):
        parser.add_argument(
            "--compact", action="store_true", help="Alleen de wijzigingen samenvatten."
        )

    def handle(self, *args, compact=False, **options):
        if connection.vendor != "postgresql":
            self.stdout.write("Deze database houdt geen signaaltelling bij; er is niets te doen.")
            return
        if compact:
            removed = tally.compact()
            self.stdout.write(f"Signaaltelling samengevat: {removed} rijen opgeteld.")
            return
        tally.rebuild()
        self.stdout.write(f"Signaaltelling opnieuw opgebouwd ({tally.trigger_time_zone()}).")
