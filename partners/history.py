"""What of partners the history records (core.history): cities, agencies, and people's roles.

A person is their account (names, address, whether they may sign in, administrator flags;
a password change shows as changed, never its value) with their profile (side, role, agency).
"""

from django.contrib.auth import get_user_model

from core.history import record

from .models import Agency, City, Profile

record(City)
record(Agency)
# Signing in (last_login) and the join date are no one's change of the person.
record(get_user_model(), exclude=["last_login", "date_joined"], masked=["password"])
# The preferred language and the digest are the person's own settings, not their role.
record(Profile, parent="user", exclude=["preferred_language", "wants_monthly_digest"])
