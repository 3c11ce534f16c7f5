"""The consolidated plan as amended: its latest version, both languages side by side, as a
PDF laid out by the report machinery (rendering.html_to_pdf, the report stylesheet, Noto Sans
CJK for the Chinese).

Rendered on request: a plan of a few dozen commitments takes well under a second, and the
content is a frozen version, the same bytes for everyone who asks.
"""

from __future__ import annotations

import copy
import datetime
import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from cooperation import selectors
from cooperation.amendments import selectors as amendment_selectors
from cooperation.services import amendments as amendment_services

from .dates import lazy_date
from .fetcher import static_url
from .rendering import html_to_pdf, page_counter_css

LANGUAGES = ("en", "zh-hans")


def _dated(snapshot: dict) -> dict:
    """The snapshot with each withdrawal's date spelled out in the language it is shown in."""
    content = copy.deepcopy(snapshot)
    for theme in content.get("themes", []):
        for item in (theme, *theme.get("commitments", [])):
            if item.get("withdrawn"):
                on = datetime.date.fromisoformat(item["withdrawn"]["on"])
                item["withdrawn"]["on"] = lazy_date(on)
    return content


def render_html(plan, version) -> str:
    with translation.override("en"):
        return render_to_string(
            "reports/consolidated.html",
            {
                "plan": plan,
                "partnership": plan.partnership,
                "version": version,
                "content": _dated(version.snapshot),
                "effective_on": lazy_date(version.effective_on),
                "signed_on": lazy_date(plan.signed_on),
                "languages": LANGUAGES,
                "page_counter": page_counter_css(LANGUAGES),
                "stylesheet": static_url("reports/report.css"),
            },
        )


def render_pdf(plan, version) -> bytes:
    output = io.BytesIO()
    html_to_pdf(render_html(plan, version), output)
    return output.getvalue()


@login_required
@require_GET
def consolidated_plan_pdf(request, plan_id: int):
    try:
        plan = selectors.plan_for_dashboard(request.user, plan_id)
    except ObjectDoesNotExist:
        raise Http404 from None
    if plan.status == "draft":
        raise Http404
    amendment_services.ensure_signed_version(user=request.user, plan=plan)
    version = amendment_selectors.versions_of_plan(plan).last()
    response = HttpResponse(render_pdf(plan, version), content_type="application/pdf")
    name = f"{slugify(plan.code) or 'plan'}-version-{version.number}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
