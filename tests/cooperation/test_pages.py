import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_smoke(world, client_for):
    c = client_for(world.hki_staff)
    for url in [
        reverse("home"),
        reverse("dashboard", args=[world.plan.pk]),
        reverse("theme-detail", args=[world.themes[0].pk]),
        reverse("activity-list"),
        reverse("activity-export"),
        reverse("activity-create"),
        reverse("activity-detail", args=[world.hki_activity.pk]),
        reverse("activity-edit", args=[world.hki_activity.pk]),
    ]:
        r = c.get(url)
        print(url, r.status_code)
        assert r.status_code in (200, 302), r.content[:3000]
