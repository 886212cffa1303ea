from django.core.management.base import BaseCommand, CommandError

from privacy import chain


class Command(BaseCommand):
    help = "Controleert de hashketen van het inzagelog en meldt de eerste gebroken schakel."

    def handle(self, *args, **options):
        result = chain.verify()
        if result.ok:
            self.stdout.write(f"OK: {result.rows} regels, keten intact")
            return
        when = f" ({result.broken_at:%d-%m-%Y %H:%M:%S})" if result.broken_at else ""
        raise CommandError(
            f"Keten gebroken bij regel id={result.broken_id}{when}: {result.problem}"
        )
