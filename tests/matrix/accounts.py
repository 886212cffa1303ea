"""Account pages and the own-token API: every signed-in user manages only their own."""

from accounts.services import issue_api_token

from . import USERS, Row

signed_in = {**dict.fromkeys(USERS, 200), "anonymous": 302}
redirects = dict.fromkeys(USERS, 302)
api_signed_in = {**dict.fromkeys(USERS, 200), "anonymous": 401}
only_anna_web = {**dict.fromkeys(USERS, 404), "anna": 302, "anonymous": 302}
only_anna_api = {**dict.fromkeys(USERS, 404), "anna": 200, "anonymous": 401}


def setup(world):
    world["security_token_anna"], _key = issue_api_token(world["users"]["anna"], name="matrix")


def anna_token(world) -> int:
    return world["security_token_anna"].pk


ROWS = [
    Row("security_account", "GET", lambda w: "/account/", signed_in),
    Row("security_tokens", "GET", lambda w: "/account/tokens/", signed_in),
    Row("security_token_create_form", "GET", lambda w: "/account/tokens/nieuw/", signed_in),
    Row(
        "security_token_create",
        "POST",
        lambda w: "/account/tokens/nieuw/",
        redirects,
        data={"name": "Koppeling", "days": 30},
    ),
    # Nothing waiting in the session: back to the list (or to the login page).
    Row("security_token_created", "GET", lambda w: "/account/tokens/aangemaakt/", redirects),
    Row(
        "security_token_revoke",
        "POST",
        lambda w: f"/account/tokens/{anna_token(w)}/intrekken/",
        only_anna_web,
    ),
    Row(
        "security_2fa_setup",
        "GET",
        lambda w: "/account/tweestapsverificatie/instellen/",
        signed_in,
    ),
    # No confirmed device yet: verification sends users to enrolment.
    Row(
        "security_2fa_verify",
        "GET",
        lambda w: "/account/tweestapsverificatie/controleren/",
        redirects,
    ),
    Row(
        "security_backup_codes",
        "GET",
        lambda w: "/account/tweestapsverificatie/reservecodes/",
        redirects,
    ),
    Row(
        "security_backup_codes_regenerate",
        "POST",
        lambda w: "/account/tweestapsverificatie/reservecodes/nieuw/",
        redirects,
    ),
    Row("security_session_keepalive", "POST", lambda w: "/account/sessie/verlengen/", signed_in),
    Row("security_api_tokens", "GET", lambda w: "/api/v1/tokens/", api_signed_in, api=True),
    Row(
        "security_api_token_detail",
        "GET",
        lambda w: f"/api/v1/tokens/{anna_token(w)}/",
        only_anna_api,
        api=True,
    ),
    Row(
        "security_api_token_revoke",
        "POST",
        lambda w: f"/api/v1/tokens/{anna_token(w)}/revoke/",
        only_anna_api,
        api=True,
    ),
]
