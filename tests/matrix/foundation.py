from . import Row

everyone = {
    "anonymous": 302,
    "anna": 200,
    "bram": 200,
    "sara": 200,
    "noor": 200,
    "omar": 200,
    "eva": 200,
    "pim": 200,
    "admin": 200,
}
public = dict.fromkeys(everyone, 200)
staff_only = {**dict.fromkeys(everyone, 302), "admin": 200}

ROWS = [
    Row("home", "GET", lambda w: "/", everyone),
    Row(
        "login-page",
        "GET",
        lambda w: "/inloggen/",
        {**dict.fromkeys(everyone, 302), "anonymous": 200},
    ),
    Row("healthz", "GET", lambda w: "/healthz", public),
    Row("healthz_details", "GET", lambda w: "/healthz/details", public),
    # The schema and docs describe the API, not data: public, so clients can generate code.
    Row("api-schema", "GET", lambda w: "/api/v1/schema/", public, api=True),
    Row("api-docs", "GET", lambda w: "/api/v1/docs/", public, api=True),
    Row("admin-index", "GET", lambda w: "/beheer/", staff_only),
]
