"""The start page shows each demo user the cards and links their memberships allow."""

from html.parser import HTMLParser

import pytest

from partners import services
from partners.choices import Role


class MainOutline(HTMLParser):
    """The headings and links inside <main>, in document order."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.outline: list[tuple[str, str]] = []
        self._open: tuple[str, str] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self.depth += 1
        elif self.depth and tag in {"h1", "h2", "h3"}:
            self._open, self._text = (tag, ""), []
        elif self.depth and tag == "a":
            self._open, self._text = ("a", dict(attrs)["href"]), []

    def handle_endtag(self, tag):
        if tag == "main":
            self.depth -= 1
        elif self._open and tag == ("a" if self._open[0] == "a" else self._open[0]):
            text = " ".join("".join(self._text).split())
            kind, href = self._open
            self.outline.append((kind, f"{href} {text}" if kind == "a" else text))
            self._open = None

    def handle_data(self, data):
        if self._open:
            self._text.append(data)


def outline(client) -> list[tuple[str, str]]:
    parser = MainOutline()
    parser.feed(client.get("/").content.decode())
    return parser.outline


SIGNALS = [
    "/signalen/nieuw/ Signaal melden",
    "/signalen/ Signalen van mijn organisatie",
    "/signalen/importeren/ Signalen importeren (CSV)",
]
TEAM = [
    "/casussen/mijn/ Mijn casussen",
    "/casussen/ Casussen van het team",
    "/signalen/ Signalen",
]
CARDS = {
    "anna": ["Woonstichting De Linde", *SIGNALS],
    "bram": ["Stadswonen", *SIGNALS],
    "sara": ["Wijkteam Noord", "/casussen/werkbak/ Werkbak", *TEAM],
    "noor": ["Wijkteam Noord", "/casussen/werkbak/ Werkbak: signalen triëren", *TEAM],
    "omar": ["Wijkteam Zuid", "/casussen/werkbak/ Werkbak: signalen triëren", *TEAM],
    "eva": [
        "Gemeente Demostad",
        "/samenwerking/afspraken/ Samenwerkingsafspraken",
        "/samenwerking/contactpersonen/ Vaste contactpersonen",
        "/samenwerking/dashboard/ Dashboard naleving en capaciteit",
        "/samenwerking/monitor/ Monitor vroegsignalering",
    ],
    "pim": [
        "Gemeente Demostad",
        "/privacy/inzagelog/ Inzagelog doorzoeken",
        "/privacy/inzagelog/rapport/ Rapport voor een inzageverzoek",
        "/privacy/huishouden/ Alles over een huishouden",
        "/privacy/huishouden/wissen/ Persoonsgegevens wissen op verzoek",
        "/privacy/bewaartermijnen/ Bewaartermijnen en wissingen",
    ],
    "admin": ["/beheer/ Naar beheer (organisaties, wijken, gebruikers)"],
}


@pytest.mark.parametrize("username", sorted(CARDS))
def test_home_cards_per_demo_user(username, client_for):
    """Card headings (the user's organisations) and the links offered, in page order."""
    cards = [text for kind, text in outline(client_for(username)) if kind in {"h3", "a"}]
    assert cards == CARDS[username]


def test_user_with_two_roles_gets_each_card_and_each_link_once(client_for, user, demo):
    sara = user("sara")
    services.add_membership(sara, demo["organisations"]["Stadswonen"], Role.CORPORATION_STAFF)
    cards = [text for kind, text in outline(client_for("sara")) if kind in {"h3", "a"}]
    assert cards == [
        "Stadswonen",
        "Wijkteam Noord",
        *SIGNALS,
        "/casussen/werkbak/ Werkbak",
        "/casussen/mijn/ Mijn casussen",
        "/casussen/ Casussen van het team",
    ]
