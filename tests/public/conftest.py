import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with no cached public page (the cache outlives a test's rollback)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def public(world):
    """The Helsinki–Beijing plan's public page, switched on."""
    from public.services import switch_public_page

    return switch_public_page(user=world.hki_coordinator, plan=world.plan, enabled=True)
