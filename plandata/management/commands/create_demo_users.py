"""``python manage.py create_demo_users``: one user per role, for trying the portal out.

Creates the users, or resets their password and profile when they exist. Their password is
settings.DEMO_PASSWORD, or a random one printed at the end. Their preferred language is left
empty so that the language switcher (and the browser) decide.
"""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from partners.models import Agency, City, Profile, Role


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


class Command(BaseCommand):
    help = (
        "Create one demo user per role (or reset their password and profile). The password is "
        "DEMO_PASSWORD, or a random one that is printed. Needs the action plan loaded first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Create the demo users even though DEBUG is off (a production-like site).",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: this looks like a production site, where well-known demo "
                "accounts do not belong. Run again with --force if you really want them."
            )
        cities, agencies = self._places()

        password = getattr(settings, "DEMO_PASSWORD", None) or ""
        generated = not password
        if generated:
            password = secrets.token_urlsafe(12)
        else:
            try:
                validate_password(password)
            except ValidationError as exc:
                self.stderr.write(
                    self.style.WARNING("Warning: DEMO_PASSWORD is weak: " + " ".join(exc.messages))
                )

        User = get_user_model()
        rows = []
        with transaction.atomic():
            for spec in DEMO_USERS:
                user, created = User.objects.get_or_create(
                    username=spec.username,
                    defaults={"email": f"{spec.username}@{EMAIL_DOMAIN}"},
                )
                user.first_name = spec.first_name
                user.last_name = spec.last_name
                user.email = f"{spec.username}@{EMAIL_DOMAIN}"
                user.is_active = True
                user.is_staff = False
                user.is_superuser = False
                user.set_password(password)
                user.save()
                Profile.objects.update_or_create(
                    user=user,
                    defaults={
                        "city": cities[spec.city],
                        "agency": agencies[spec.agency] if spec.agency else None,
                        "role": spec.role,
                        "preferred_language": "",
                    },
                )
                rows.append((spec, "created" if created else "reset"))
        self._unlock([spec.username for spec in DEMO_USERS])
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
        for row in table:
            self.stdout.write(
                "  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip()
            )
        if generated_password:
            self.stdout.write(self.style.SUCCESS(f"Password for all of them: {generated_password}"))
            self.stdout.write("(DEMO_PASSWORD is not set, so a random password was generated.)")
        else:
            message = "Password for all of them: the value of DEMO_PASSWORD."
            self.stdout.write(self.style.SUCCESS(message))
