"""Every read-only admin of /admin/ (and every read-only inline) is core.admin's mixin, and it
refuses adding, changing and deleting even to a superuser: no button, 403 on a post."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from core.admin import ReadOnlyAdminMixin, ReadOnlyInlineMixin
from tests.factories import StatusUpdateFactory

pytestmark = pytest.mark.django_db


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def _refuses_all(model_admin, request, *, inline=False) -> bool:
    add = (
        model_admin.has_add_permission(request, None)
        if inline
        else model_admin.has_add_permission(request)
    )
    return not (
        add
        or model_admin.has_change_permission(request, None)
        or model_admin.has_delete_permission(request, None)
    )


def test_every_read_only_admin_and_inline_uses_the_mixin(world):
    request = _request(world.admin)
    read_only, inlines = [], []
    for model, model_admin in admin.site._registry.items():
        if _refuses_all(model_admin, request):
            assert isinstance(model_admin, ReadOnlyAdminMixin), model
            read_only.append(model)
        for inline_class in model_admin.inlines:
            inline = inline_class(model, admin.site)
            if _refuses_all(inline, request, inline=True):
                assert isinstance(inline, ReadOnlyInlineMixin), inline_class
                inlines.append(inline_class)
    # The history, the security log, status updates, amendments, versions, digests, reports,
    # authenticators, tokens and calendar addresses; status updates, amendment changes and
    # assessments inline.
    assert len(read_only) >= 10 and len(inlines) >= 3


def _read_only_admins():
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, ReadOnlyAdminMixin)
    ]


def test_read_only_admins_refuse_a_superuser(world, client_for):
    StatusUpdateFactory(activity=world.hki_activity)
    client = client_for(world.admin)
    checked_rows = 0
    for model, _model_admin in _read_only_admins():
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        changelist = reverse(f"{info}_changelist")
        page = client.get(changelist)
        assert page.status_code == 200, changelist
        add_url = reverse(f"{info}_add")
        assert f'href="{add_url}"' not in page.content.decode(), changelist
        assert client.get(add_url).status_code == 403, add_url
        assert client.post(add_url, {}).status_code == 403, add_url
        row = model._default_manager.order_by("pk").first()
        if row is None:
            continue
        checked_rows += 1
        change_url = reverse(f"{info}_change", args=[row.pk])
        shown = client.get(change_url)
        assert shown.status_code == 200, change_url
        assert 'name="_save"' not in shown.content.decode(), change_url
        assert client.post(change_url, {}).status_code == 403, change_url
        delete_url = reverse(f"{info}_delete", args=[row.pk])
        assert client.post(delete_url, {"post": "yes"}).status_code == 403, delete_url
        assert model._default_manager.filter(pk=row.pk).exists()
    assert checked_rows >= 2


def test_read_only_inlines_offer_no_row_to_add_or_change(world, client_for):
    update = StatusUpdateFactory(activity=world.hki_activity)
    client = client_for(world.admin)
    url = f"/admin/cooperation/activity/{world.hki_activity.pk}/change/"
    page = client.get(url)
    formsets = {f.formset.prefix: f for f in page.context["inline_admin_formsets"]}
    statuses = next(f for f in formsets.values() if f.formset.model is type(update))
    assert not statuses.has_add_permission
    assert not statuses.has_change_permission
    assert not statuses.has_delete_permission
