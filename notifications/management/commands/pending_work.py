"""`python manage.py pending_work [--requeue]`: what waits for the broker or a worker."""

from django.core.management.base import BaseCommand

from notifications import delivery
from notifications.tasks import requeue_pending
from signals.imports import waiting_imports
from signals.tasks import start_waiting_imports
from wijkportaal.celery import BROKER_ERRORS


class Command(BaseCommand):
    help = (
        "Toont de herinneringsmails en imports die wachten op de broker of een worker, en "
        "zet ze met --requeue opnieuw in de wachtrij (dat doen de periodieke taken ook "
        "elke 2 minuten)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--requeue",
            action="store_true",
            help="Zet wachtende mails en imports nu opnieuw klaar.",
        )

    def handle(self, *args, requeue=False, **options):
        self.stdout.write(f"E-mails niet verstuurd: {delivery.pending_emails().count()}")
        self.stdout.write(f"E-mails te laat (wachten op opnieuw aanbieden): {self._late()}")
        self.stdout.write(f"E-mails opgegeven (ouder dan 7 dagen of 7 pogingen): {self._failed()}")
        imports = list(waiting_imports().order_by("uploaded_at"))
        self.stdout.write(f"Imports wachtend: {len(imports)}")
        for signal_import in imports:
            self.stdout.write(
                f"  {signal_import.pk} {signal_import.get_status_display()} "
                f"{signal_import.processed_rows}/{signal_import.total_rows} regels, "
                f"geüpload {signal_import.uploaded_at:%d-%m-%Y %H:%M}"
            )
        if not requeue:
            return
        try:
            emails = requeue_pending()
        except BROKER_ERRORS as exc:
            self.stderr.write(f"Broker niet bereikbaar: {exc}")
            return
        started = start_waiting_imports()
        self.stdout.write(f"Opnieuw in de wachtrij: {emails} e-mails, {started} imports")

    def _late(self) -> int:
        return delivery.due_for_requeue().count()

    def _failed(self) -> int:
        return delivery.given_up().count()
