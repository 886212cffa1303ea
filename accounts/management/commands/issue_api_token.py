from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.services import issue_api_token


class Command(BaseCommand):
    help = "Maak een nieuwe API-token voor een gebruiker; de token staat op de laatste regel."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="Commandoregel")
        parser.add_argument("--days", type=int, default=None, help="Geldigheid in dagen.")

    def handle(self, *args, username, name, days, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"Geen actieve gebruiker '{username}'.")
        token, key = issue_api_token(user, name=name, days=days)
        self.stdout.write(
            f"Token '{token.name}' voor {username}, geldig tot {token.expires_at:%d-%m-%Y}. "
            "Bewaar hem nu: hij wordt niet opnieuw getoond."
        )
        self.stdout.write(key)
