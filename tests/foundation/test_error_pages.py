"""The portal's own error pages: Dutch, with header, menu and a way back; never Django's
bare "403 Forbidden" or, under `make run`, the debug 404 that lists every URL pattern."""

import pytest
from django.template.loader import render_to_string

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path, status, heading, bare",
    [
        ("/casussen/werkbak/", 403, "Geen toegang", "403 Forbidden"),
        ("/bestaat-niet/", 404, "Pagina niet gevonden", "Not Found</h1>"),
    ],
)
def test_refused_and_missing_pages_are_the_portals_dutch_pages_with_menu(
    client_for, path, status, heading, bare
):
    response = client_for("anna").get(path)
    html = response.content.decode()
    assert response.status_code == status
    assert f"<h1>{heading}</h1>" in html
    assert 'aria-label="Hoofdmenu"' in html
    assert 'href="/"' in html and "Naar de startpagina" in html
    assert bare not in html


def test_missing_page_under_debug_hides_the_url_patterns(client_for, settings):
    settings.DEBUG = True
    response = client_for("anna").get("/bestaat-niet/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Pagina niet gevonden</h1>" in html
    assert "URLconf" not in html and "casussen/" not in html


def test_object_hidden_by_policy_under_debug_gets_the_same_404(client_for, settings):
    settings.DEBUG = True
    html = client_for("anna").get("/casussen/00000000-0000-0000-0000-000000000000/")
    assert html.status_code == 404
    assert "Pagina niet gevonden" in html.content.decode()


def test_api_404_under_debug_stays_json(api_for, settings):
    settings.DEBUG = True
    response = api_for("anna").get("/api/v1/signals/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


def test_server_error_page_renders_without_a_request():
    html = render_to_string("500.html")
    assert "<h1>Er ging iets mis</h1>" in html


def test_language_menu_names_each_language_in_itself(client_for):
    html = client_for("anna").get("/").content.decode()
    assert ">English</option>" in html
    assert ">Nederlands</option>" in html
    assert "Engels" not in html
