import pytest


def test_login_page_is_accessible_dutch(client, db):
    html = client.get("/inloggen/").content.decode()
    assert '<html lang="nl">' in html
    assert html.count("<h1") == 1
    assert 'href="#main"' in html
    assert '<label for="id_username">' in html
    assert '<label for="id_password">' in html


def test_wrong_password_keeps_username_and_explains(client, demo):
    response = client.post("/inloggen/", {"username": "anna", "password": "fout"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="anna"' in html
    assert "Voer een juiste gebruikersnaam en wachtwoord in" in html


def test_home_shows_organisation_role_and_next_steps(client_for):
    html = client_for("noor").get("/").content.decode()
    assert "Wijkteam Noord" in html
    assert "Triagist" in html
    assert "trieert" in html


def test_signed_out_user_is_sent_to_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/inloggen/")


@pytest.mark.parametrize(
    "path",
    [
        "/beheer/partners/organisation/",
        "/beheer/partners/team/",
        "/beheer/partners/district/",
        "/beheer/partners/municipality/",
        "/beheer/partners/membership/",
        "/beheer/partners/complex/",
        "/beheer/partners/agreement/",
        "/beheer/partners/contactperson/",
    ],
)
def test_admin_lists_do_not_grow_queries_with_rows(path, client_for, django_assert_max_num_queries):
    admin = client_for("admin")
    admin.get(path)  # warm caches (content types, permissions)
    with django_assert_max_num_queries(14):
        response = admin.get(path)
    assert response.status_code == 200
