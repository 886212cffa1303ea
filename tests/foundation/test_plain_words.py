"""Every page a person reads speaks words, not codes: no role values, field keys, model
names or uuids in the visible text of any page of the permission matrix, for any user who
may open it (issue: "codes instead of words")."""

import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from partners.choices import Role

from ..matrix import USERS, all_rows, build_world

PAGES = [
    row
    for row in all_rows()
    if row.method == "GET" and not row.api and not row.url.__name__.endswith("csv")
]
UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")
# snake_case keys (house_number, rent_arrears, feedback_days, terms.nuisance.x, …)
KEY = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b|\bterms\.[a-z_.]+")
MODEL_WORDS = re.compile(
    r"\((?:signal|case|agreement|contact|household)\)|\b(?:signal|case) [0-9a-f]{8}"
)
ROLE_CODES = {role.value for role in Role}


class VisibleText(HTMLParser):
    """The text a sighted reader sees: no script, style, or attribute values."""

    def __init__(self):
        super().__init__()
        self.parts, self._hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def raw_codes(text: str) -> list[str]:
    found = UUID.findall(text) + KEY.findall(text) + MODEL_WORDS.findall(text)
    found += [code for code in ROLE_CODES if re.search(rf"\b{code}\b", text)]
    return sorted(set(found))


@pytest.mark.parametrize("row", PAGES, ids=[row.name for row in PAGES])
def test_page_shows_words_not_codes(row, demo):
    world = build_world(demo)
    for username in USERS:
        if row.expect[username] != 200 or username == "anonymous":
            continue
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        response = client.get(row.url(world))
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        codes = raw_codes(visible_text(response.content.decode()))
        assert codes == [], f"{row.name} as {username} shows codes: {codes}"


def test_the_scanner_finds_codes():
    html = "<p>Rol: triage_lead · case 7dde1f54-aaaa-bbbb-cccc-000000000000 · terms.nuisance.x</p>"
    assert raw_codes(visible_text(html)) == sorted(
        {"7dde1f54-aaaa-bbbb-cccc-000000000000", "triage_lead", "terms.nuisance.x", "case 7dde1f54"}
    )
