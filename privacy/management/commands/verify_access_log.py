from django.core.management.base import BaseCommand, CommandError

from privacy import chain


class Command(BaseCommand):
    help = (
        "Verzegelt de nieuwe regels van het inzagelog, controleert de hashketen en meldt de "
        "eerste gebroken schakel. Regels die nog niet verzegeld zijn, worden apart gemeld."
    )

    def handle(self, *args, **options):
        result = chain.verify()
        if result.ok:
            pending = (
                f"; {result.pending} regels nog niet verzegeld (in afwachting)"
                if result.pending
                else ""
            )
            self.stdout.write(f"OK: {result.rows} regels, keten intact{pending}")
            return
        when = f" ({result.broken_at:%d-%m-%Y %H:%M:%S})" if result.broken_at else ""
        where = f" bij regel id={result.broken_id}" if result.broken_id else ""
        raise CommandError(f"Keten gebroken{where}{when}: {result.problem}")
