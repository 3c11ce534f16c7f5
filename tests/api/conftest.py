"""Fixtures of the API tests: clients signed in by session or by token (request counts start
afresh in every test: tests/conftest.py empties the cache)."""

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api_for():
    """``api_for(user)``: a DRF client signed in with a session (anonymous for None)."""

    def make(user) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make


@pytest.fixture
def token_for(db):
    """``token_for(user)``: a DRF client sending a new personal token of ``user``."""
    from api.models import ApiToken

    def make(user, name="test") -> APIClient:
        _token, key = ApiToken.issue(user=user, name=name)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        return client

    return make
