from . import USERS, Row

ROWS = [
    # Signing out always ends on the login page, signed in or not.
    Row("logout", "POST", lambda w: "/uitloggen/", dict.fromkeys(USERS, 302)),
]
