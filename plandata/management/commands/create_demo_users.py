"""``python manage.py create_demo_users``: one user per role, for trying the portal out.

Creates the users that are missing, through the people service. Users that exist are left as
they are (``make run`` runs this at every start: a password or a role changed in the portal
stays); ``--reset`` gives them their demo password and profile back. The password is
settings.DEMO_PASSWORD, or one generated on the first run, kept in ``.demo-password`` in the
project directory (so that every start prints the password that works) and printed.
"""

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.doors import Door, through
from partners import services as people
from partners.access import SYSTEM
from partners.models import Agency, City, Role

PASSWORD_FILE = ".demo-password"  # noqa: S105 - the name of the file, not a password


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str
    city: str
    agency: str | None


# Names say what the account is: demo accounts must not look like real people.
DEMO_USERS = (
    DemoUser(
        "helsinki-coordinator",
        "Helsinki",
        "Coordinator",
        Role.COORDINATOR,
        "helsinki",
        "hki-international-affairs",
    ),
    DemoUser(
        "beijing-coordinator",
        "Beijing",
        "Coordinator",
        Role.COORDINATOR,
        "beijing",
        "bj-foreign-affairs",
    ),
    DemoUser(
        "hki-economic-staff",
        "Economic Development",
        "Staff",
        Role.AGENCY_STAFF,
        "helsinki",
        "hki-economic-development",
    ),
    DemoUser(
        "bj-science-staff",
        "Science & Technology",
        "Staff",
        Role.AGENCY_STAFF,
        "beijing",
        "bj-science-technology",
    ),
    DemoUser("official", "Helsinki", "Official", Role.OFFICIAL, "helsinki", None),
)

EMAIL_DOMAIN = "example.org"


def _password_file() -> Path:
    return Path(settings.BASE_DIR) / PASSWORD_FILE


def demo_password() -> tuple[str, bool]:
    """The demo password, and whether it was generated (rather than DEMO_PASSWORD)."""
    configured = getattr(settings, "DEMO_PASSWORD", None) or ""
    if configured:
        return configured, False
    path = _password_file()
    try:
        saved = path.read_text(encoding="utf-8").strip()
    except OSError:
        saved = ""
    if saved:
        return saved, True
    generated = secrets.token_urlsafe(12)
    # Only the person running the portal reads it.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as fh:
        fh.write(generated + "\n")
    return generated, True


class Command(BaseCommand):
    help = (
        "Create the demo users that are missing, one per role; existing ones are kept as they "
        "are unless --reset. The password is DEMO_PASSWORD, or one generated once and printed. "
        "Needs the action plan loaded first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Create the demo users even though DEBUG is off (a production-like site).",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Give existing demo users their demo password, profile and names back.",
        )

    @through(Door.COMMAND)
    def handle(self, *args, force=False, reset=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: this looks like a production site, where well-known demo "
                "accounts do not belong. Run again with --force if you really want them."
            )
        cities, agencies = self._places()
        password, generated = demo_password()
        if not generated:
            try:
                validate_password(password)
            except ValidationError as exc:
                self.stderr.write(
                    self.style.WARNING("Warning: DEMO_PASSWORD is weak: " + " ".join(exc.messages))
                )

        User = get_user_model()
        existing = {u.username: u for u in User.objects.filter(username__in=_names())}
        rows = []
        with transaction.atomic():
            for spec in DEMO_USERS:
                values = {
                    "first_name": spec.first_name,
                    "last_name": spec.last_name,
                    "email": f"{spec.username}@{EMAIL_DOMAIN}",
                    "agency": agencies[spec.agency] if spec.agency else None,
                    "preferred_language": "",
                }
                user = existing.get(spec.username)
                if user is None:
                    people.create_person(
                        user=SYSTEM,
                        username=spec.username,
                        password=password,
                        city=cities[spec.city],
                        role=spec.role,
                        **values,
                    )
                    rows.append((spec, "created"))
                elif reset:
                    people.update_person(
                        user=SYSTEM,
                        person=user,
                        city=cities[spec.city],
                        role=spec.role,
                        is_active=True,
                        **values,
                    )
                    people.set_person_password(user=SYSTEM, person=user, password=password)
                    rows.append((spec, "reset"))
                elif user.check_password(password):
                    rows.append((spec, "kept"))
                else:
                    rows.append((spec, "kept, own password"))
        self._unlock([spec.username for spec, outcome in rows if outcome in ("created", "reset")])
        if options.get("verbosity", 1) >= 1:
            self._print(rows, cities, agencies, password if generated else None)
        elif generated:
            # Quiet, but a password nobody saw would lock everyone out.
            self.stdout.write(f"Password for all of them: {password}")

    def _places(self):
        city_codes = {spec.city for spec in DEMO_USERS}
        agency_codes = {spec.agency for spec in DEMO_USERS if spec.agency}
        cities = {c.code: c for c in City.objects.filter(code__in=city_codes)}
        agencies = {a.code: a for a in Agency.objects.filter(code__in=agency_codes)}
        missing = sorted(city_codes - set(cities)) + sorted(agency_codes - set(agencies))
        if missing:
            raise CommandError(
                f"Not found: {', '.join(missing)}. Load the action plan first: "
                "python manage.py load_action_plan"
            )
        for spec in DEMO_USERS:
            if spec.agency and agencies[spec.agency].city_id != cities[spec.city].pk:
                raise CommandError(
                    f"Agency {spec.agency!r} is not on the side of {spec.city!r}: check the "
                    "loaded action plan."
                )
        return cities, agencies

    @staticmethod
    def _unlock(usernames):
        """A reset account starts with a clean slate of failed logins."""
        if "axes" not in settings.INSTALLED_APPS:
            return
        from axes.utils import reset

        for username in usernames:
            reset(username=username)

    def _print(self, rows, cities, agencies, generated_password):
        table = [("username", "role", "side", "agency", "account")]
        for spec, outcome in rows:
            table.append(
                (
                    spec.username,
                    str(spec.role.value),
                    cities[spec.city].name_en,
                    agencies[spec.agency].name_en if spec.agency else "-",
                    outcome,
                )
            )
        widths = [max(len(str(row[i])) for row in table) for i in range(len(table[0]))]
        if any(outcome == "kept, own password" for _spec, outcome in rows):
            self.stdout.write(
                "Some demo users changed their password in the portal: it was kept "
                "(create_demo_users --reset gives them the demo password back)."
            )
        for row in table:
            self.stdout.write(
                "  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip()
            )
        if generated_password:
            self.stdout.write(self.style.SUCCESS(f"Password for all of them: {generated_password}"))
            self.stdout.write(
                f"(DEMO_PASSWORD is not set: this password was generated once and is kept in "
                f"{PASSWORD_FILE}.)"
            )
        else:
            message = "Password for all of them: the value of DEMO_PASSWORD."
            self.stdout.write(self.style.SUCCESS(message))


def _names() -> list[str]:
    return [spec.username for spec in DEMO_USERS]
