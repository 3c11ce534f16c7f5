"""What happens to a person's second factor, for whoever keeps a record (the security log).

Every signal is sent by twofactor.services with ``user`` (whose second factor it is) and
``request`` (None when code acts on nobody's request); ``reset``, ``revoke_access`` and
``sessions_ended`` also with ``by`` (who reset it). Sent after the change is saved: a
receiver that fails cannot undo it; except ``revoke_access``, sent inside the reset's
transaction, so that what its receivers revoke and the reset stand or fall together.
"""

from django.dispatch import Signal

# An authenticator app was set up (recovery codes were made with it).
enrolled = Signal()
# Another person (``by``) removed ``user``'s authenticator and recovery codes.
reset = Signal()
# Inside the reset: end every other way ``user`` is signed in that an app above issued (api:
# their API tokens). Lower layers must not know those apps: they listen here.
revoke_access = Signal()
# The reset ended ``user``'s sessions in every browser (``count`` of them).
sessions_ended = Signal()
# A wrong code (authenticator or recovery) at the second step or a re-check.
failed = Signal()
# A right authenticator code at the second step or a re-check.
verified = Signal()
# A recovery code was used (and is spent).
recovery_used = Signal()
# New recovery codes replaced the old ones.
codes_regenerated = Signal()
