from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from partners.demo import load_demo_world


class Command(BaseCommand):
    help = "Laad de demowereld (Demostad). Idempotent; weigert onder productie-instellingen."

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
