from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from partners.services import import_area_geometries


class Command(BaseCommand):
    help = (
        "Laad wijkgrenzen uit een GeoJSON-bestand (bijvoorbeeld de CBS wijk- en buurtkaart); "
        "wijken worden gekoppeld op code of naam."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="pad naar een .geojson-bestand (FeatureCollection)")

    def handle(self, *args, file, **options):
        try:
            text = Path(file).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Kan {file} niet lezen: {exc}") from exc
        try:
            report = import_area_geometries(text)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"Gekoppeld: {len(report.matched)} ({', '.join(report.matched)})")
        self.stdout.write(
            f"Onbekend (geen wijk met die code of naam): {len(report.unknown)}"
            + (f" ({', '.join(report.unknown)})" if report.unknown else "")
        )
        self.stdout.write(f"Ongeldige geometrie: {len(report.invalid)}")
        for label, reason in report.invalid:
            self.stdout.write(f"  {label}: {reason}")
