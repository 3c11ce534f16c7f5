"""What the api hears from the apps below it (connected by ``ApiConfig.ready``): a reset of a
person's second factor revokes their API tokens, inside the reset's transaction
(``twofactor.signals.revoke_access``; twofactor knows nothing of the api)."""

from __future__ import annotations

from django.dispatch import receiver

from twofactor import signals as two_factor

from . import secrets


@receiver(two_factor.revoke_access, dispatch_uid="api_revoke_tokens_on_two_factor_reset")
def revoke_tokens(sender, user, by=None, **kwargs):
    secrets.revoke_all_tokens(user=user, by=by)
