import pytest

from twofactor import signals


@pytest.fixture
def required(settings):
    """Two-factor login enforced, as whenever DEBUG is off."""
    settings.TWO_FACTOR_REQUIRED = True
    return settings


@pytest.fixture
def sent():
    """Every two-factor signal sent during the test: a list of (name, kwargs)."""
    caught = []
    names = ["enrolled", "reset", "failed", "verified", "recovery_used", "codes_regenerated"]
    handlers = {}
    for name in names:

        def handler(sender, _name=name, **kwargs):
            caught.append((_name, kwargs))

        handlers[name] = handler
        getattr(signals, name).connect(handler, weak=False)
    yield caught
    for name, handler in handlers.items():
        getattr(signals, name).disconnect(handler)
