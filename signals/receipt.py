"""The receipt for court: proof that a signal was received, and when.

Before granting an eviction, a court checks that the landlord signalled the arrears to
the municipality after the steps of Bgs art. 2. The receipt states what the filer sent
and when the portal received it, and nothing about what the wijkteam knows or did
(no status, case or outcome). Its verification code is an HMAC over exactly these facts
with the portal's secret key: the municipality can recompute it (`verification_code`)
to confirm a printed receipt was not altered.

Rendered with fpdf2's built-in Helvetica (Latin-1, no font files to ship), so amounts are
written as `EUR 1.250,00`."""

from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from fpdf import FPDF

from .models import WGS_STEPS, Signal

CODE_SALT = "wijkportaal.signals.receipt"


def _yes_no(value: bool) -> str:
    return _("ja") if value else _("nee")


def _euros(amount: Decimal | None) -> str:
    if amount is None:
        return "-"
    whole, cents = f"{amount:.2f}".split(".")
    groups = f"{int(whole):,}".replace(",", ".")
    return f"EUR {groups},{cents}"


def _facts(signal: Signal) -> str:
    steps = "".join("1" if getattr(signal, step) else "0" for step in WGS_STEPS)
    return "|".join(
        [
            str(signal.pk),
            signal.reference,
            signal.filed_at.isoformat(),
            str(signal.organisation_id),
            signal.kind,
            steps,
            str(signal.arrears_amount or ""),
            str(signal.arrears_months or ""),
        ]
    )


def verification_code(signal: Signal) -> str:
    """Sixteen characters in groups of four, e.g. `3F9A-0C12-77BE-41D0`."""
    digest = salted_hmac(CODE_SALT, _facts(signal), algorithm="sha256").hexdigest()[:16].upper()
    return "-".join(digest[i : i + 4] for i in range(0, 16, 4))


def step_labels() -> dict[str, str]:
    return {
        "wgs_contact_attempted": _("a. Persoonlijk contact met de huurder geprobeerd"),
        "wgs_debt_help_pointed": _("b. Huurder gewezen op schuldhulpverlening"),
        "wgs_reminder_sent": _("c. Ten minste één schriftelijke herinnering verstuurd"),
        "wgs_handover_offered": _(
            "d. In de herinnering aangeboden de gegevens aan de gemeente door te geven, "
            "zonder bezwaar van de huurder"
        ),
    }


def receipt_lines(signal: Signal) -> list[tuple[str, str]]:
    """(label, value) per line of the receipt, in Dutch (the language of the court)."""
    received = timezone.localtime(signal.filed_at)
    lines = [
        (_("Kenmerk"), signal.reference),
        (_("Ontvangen op"), received.strftime("%d-%m-%Y %H:%M")),
        (_("Ontvangen door"), _("Gemeente %(name)s") % {"name": signal.team.municipality.name}),
        (_("Melder"), signal.organisation.name),
        (_("Soort signaal"), str(signal.get_kind_display())),
        (_("Adres"), signal.address or _("gewist (bewaartermijn)")),
    ]
    if signal.external_reference:
        lines.append((_("Extern kenmerk"), signal.external_reference))
    if signal.kind == "rent_arrears":
        lines += [
            (_("Achterstand"), _euros(signal.arrears_amount)),
            (_("Aantal maanden achterstand"), str(signal.arrears_months or "-")),
        ]
        if signal.eviction_date:
            lines.append(
                (_("Datum zitting of ontruiming"), signal.eviction_date.strftime("%d-%m-%Y"))
            )
    return lines


def render_receipt(signal: Signal) -> bytes:
    with translation.override("nl"):
        pdf = FPDF(format="A4")
        pdf.set_title(_("Ontvangstbewijs %(reference)s") % {"reference": signal.reference})
        pdf.set_creator("Wijkportaal")
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 16)
        pdf.multi_cell(0, 9, _("Ontvangstbewijs signaal"), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        pdf.set_font("Helvetica", "", 11)
        for label, value in receipt_lines(signal):
            pdf.set_font("Helvetica", "B", 11)
            pdf.cell(60, 7, label + ":")
            pdf.set_font("Helvetica", "", 11)
            pdf.multi_cell(0, 7, value, new_x="LMARGIN", new_y="NEXT")
        if signal.kind == "rent_arrears":
            pdf.ln(4)
            pdf.set_font("Helvetica", "B", 12)
            pdf.multi_cell(
                0,
                7,
                _("Stappen vóór het signaal, zoals verklaard door de verhuurder (Bgs art. 2)"),
                new_x="LMARGIN",
                new_y="NEXT",
            )
            pdf.set_font("Helvetica", "", 11)
            for step, label in step_labels().items():
                pdf.multi_cell(
                    0,
                    7,
                    f"{label}: {_yes_no(getattr(signal, step))}",
                    new_x="LMARGIN",
                    new_y="NEXT",
                )
        pdf.ln(4)
        pdf.set_font("Helvetica", "B", 11)
        pdf.cell(60, 7, _("Verificatiecode") + ":")
        pdf.set_font("Courier", "", 11)
        pdf.multi_cell(0, 7, verification_code(signal), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        pdf.set_font("Helvetica", "I", 9)
        pdf.multi_cell(
            0,
            5,
            _(
                "Dit bewijs bevestigt dat de gemeente het signaal op het genoemde moment heeft "
                "ontvangen en wat de melder daarbij heeft verklaard. Het zegt niets over wat de "
                "gemeente of het wijkteam over het huishouden weet of doet. De gemeente kan de "
                "verificatiecode controleren."
            ),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        return bytes(pdf.output())


def receipt_response(signal: Signal) -> HttpResponse:
    """The PDF as a download, for the page and the API alike."""
    response = HttpResponse(render_receipt(signal), content_type="application/pdf")
    filename = f"ontvangstbewijs-{signal.reference}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
