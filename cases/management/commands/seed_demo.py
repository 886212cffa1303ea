from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cases.demo_history import load_demo_history
from partners.demo import load_demo_world


class Command(BaseCommand):
    help = (
        "Laad de demowereld (Demostad) met een jaar geschiedenis. Idempotent; weigert onder "
        "productie-instellingen."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--without-history",
            action="store_true",
            help="Alleen organisaties, gebruikers en afspraken; geen signalen en casussen.",
        )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_demo laadt nooit demogegevens in productie.")
        world = load_demo_world()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demowereld geladen: {len(world['organisations'])} organisaties, "
                f"{len(world['users']) + 1} gebruikers (wachtwoord: wijkportaal-demo)."
            )
        )
        if not options["without_history"]:
            filed = load_demo_history()
            self.stdout.write(
                f"Geschiedenis: {filed} signalen van de afgelopen twaalf maanden geladen."
                if filed
                else "Geschiedenis: al aanwezig, niets toegevoegd."
            )
