"""The "my reminders" page: the review reminders the portal sent (or will send) the user."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from partners import access, clock

from . import selectors
from .reminders.email import time_zone_of
from .reminders.schedule import stage_label

PAGE_SIZE = 50


@login_required
@require_GET
def my_reminders(request):
    profile = access.profile_of(request.user)
    page = Paginator(selectors.reminders_of(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for reminder in page.object_list:
        reminder.stage = stage_label(reminder.lead_days, reminder.review.due_date)
    return render(
        request,
        "reviews/my_reminders.html",
        {
            "page": page,
            "reminders": page.object_list,
            "time_zone": time_zone_of(profile),
            "time_zone_label": clock.zone_label_for(request.user),
        },
    )
