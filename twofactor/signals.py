"""What happens to a person's second factor, for whoever keeps a record (the security log).

Every signal is sent by twofactor.services with ``user`` (whose second factor it is) and
``request`` (None when code acts on nobody's request); ``reset`` also with ``by`` (who reset
it). Sent after the change is saved: a receiver that fails cannot undo it.
"""

from django.dispatch import Signal

# An authenticator app was set up (recovery codes were made with it).
enrolled = Signal()
# Another person (``by``) removed ``user``'s authenticator and recovery codes.
reset = Signal()
# A wrong code (authenticator or recovery) at the second step or a re-check.
failed = Signal()
# A right authenticator code at the second step or a re-check.
verified = Signal()
# A recovery code was used (and is spent).
recovery_used = Signal()
# New recovery codes replaced the old ones.
codes_regenerated = Signal()
