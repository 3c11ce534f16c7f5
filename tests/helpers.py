"""What the tests of every app share besides fixtures (those are in conftest.py)."""

# The users of the ``world`` fixture (tests/conftest.py), by who they are to the
# Helsinki–Beijing partnership: its members and the administrator; then everyone who can sign
# in (with the Tallinn–Riga coordinator, an outsider); then everyone, signed in or not.
MEMBERS = ["hki_coordinator", "bj_coordinator", "hki_staff", "bj_staff", "official", "admin"]
USERS = [*MEMBERS[:5], "outsider", "admin"]
EVERYONE = ["anonymous", *MEMBERS[:5], "outsider", "admin"]


def main_of(response) -> str:
    """The page's main content (the header names the user's own agency)."""
    content = response.content.decode()
    return content[content.index("<main") :]


def error_fields(excinfo) -> set[str]:
    """The fields a service's ValidationError names."""
    return set(excinfo.value.message_dict)
