"""The coordinators' drafting pages: upload a plan's signed text, see the draft beside it with
each item's passage marked, correct it, publish it as a draft plan or download its TOML."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cooperation.models import Partnership
from core.forms import add_service_errors
from core.ids import parse_id
from core.views import get_or_404
from partners import access
from plandata.drafting import highlight, services
from plandata.drafting.forms import (
    CommitmentFormSet,
    ThemeFormSet,
    UploadForm,
    VersionForm,
    rows,
)
from plandata.models import PlanDraft

PAGE_SIZE = 50


def _coordinator(user) -> None:
    if not access.is_coordinator(user):
        raise PermissionDenied


def _drafts(user):
    return PlanDraft.objects.filter(access.partnership_q(user, "partnership")).select_related(
        "partnership", "owner", "published_plan"
    )


def _partnerships(user):
    return Partnership.objects.filter(access.partnership_q(user)).order_by("code")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def draft_list(request):
    user = request.user
    _coordinator(user)
    form = UploadForm(request.POST or None, request.FILES or None, partnerships=_partnerships(user))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            name, text = form.cleaned_data["source"]
            name_zh, text_zh = form.cleaned_data.get("source_zh") or ("", "")
            draft = services.create_plan_draft(
                user=user,
                partnership=form.cleaned_data["partnership"],
                source_name=name,
                source_text=text,
                source_name_zh=name_zh,
                source_text_zh=text_zh,
            )
            return redirect("plan-draft-detail", pk=draft.pk)
        status = 400
    drafts = list(_drafts(user)[:PAGE_SIZE])
    return render(
        request, "plandata/draft_list.html", {"form": form, "drafts": drafts}, status=status
    )


def _theme_initial(parsed: dict) -> list[dict]:
    return [{"order": t["order"], "name": t["name"]} for t in parsed.get("themes", [])]


def _commitment_initial(parsed: dict) -> list[dict]:
    return [
        {"key": f"{t['order']}.{i}", "theme": t["order"], "text": c["text"]}
        for t in parsed.get("themes", [])
        for i, c in enumerate(t.get("commitments", []))
    ]


def _theme_choices(parsed: dict) -> list[tuple[int, str]]:
    return [(t["order"], f"{t['order']}. {t['name']}") for t in parsed.get("themes", [])]


def _get(user, pk):
    _coordinator(user)
    pk = parse_id(str(pk))
    return get_or_404(lambda: _drafts(user).get(pk=pk))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def draft_detail(request, pk):
    user = request.user
    draft = _get(user, pk)
    parsed = draft.parsed
    choices = _theme_choices(parsed)
    editable = draft.published_plan_id is None
    status = 200
    if request.method == "POST" and editable:
        version = VersionForm(request.POST)
        themes = ThemeFormSet(request.POST, prefix="themes")
        commitments = CommitmentFormSet(
            request.POST, prefix="commitments", form_kwargs={"theme_choices": choices}
        )
        if version.is_valid() and themes.is_valid() and commitments.is_valid():
            try:
                services.correct_plan_draft(
                    user=user,
                    draft=draft,
                    expected_version=version.cleaned_data["version"],
                    themes=rows(themes),
                    commitments=rows(commitments),
                )
            except ValidationError as error:
                add_service_errors(version, error)
            else:
                messages.success(request, _("The draft was saved."))
                return redirect("plan-draft-detail", pk=draft.pk)
        status = 400
    else:
        if request.method == "POST":
            raise PermissionDenied
        version = VersionForm(initial={"version": draft.version})
        themes = ThemeFormSet(initial=_theme_initial(parsed), prefix="themes")
        commitments = CommitmentFormSet(
            initial=_commitment_initial(parsed),
            prefix="commitments",
            form_kwargs={"theme_choices": choices},
        )
    _anchor(themes, commitments, parsed)
    agencies = {a["code"]: a for a in parsed.get("agencies", [])}
    context = {
        "draft": draft,
        "parsed": parsed,
        "editable": editable,
        "version_form": version,
        "themes": themes,
        "commitments": commitments,
        "source": highlight.pieces(draft.source_text, highlight.marks(parsed)),
        "source_zh": highlight.pieces(draft.source_text_zh, highlight.marks(parsed, zh=True))
        if draft.source_text_zh
        else None,
        "coordinators": [
            agencies.get(code, {}).get("name", code) for code in parsed.get("coordinators", [])
        ],
    }
    return render(request, "plandata/draft_detail.html", context, status=status)


def _anchor(themes, commitments, parsed: dict) -> None:
    """Each row's link to its passage in the source, and what a split item was split from."""
    by_order = {t["order"]: t for t in parsed.get("themes", [])}
    for form in themes.forms:
        order = parse_id(form["order"].value())
        form.anchor = f"t{order}" if order in by_order else ""
    for form in commitments.forms:
        key = str(form["key"].value() or "")
        order, _sep, index = key.partition(".")
        item = None
        if order.isdigit() and index.isdigit() and int(order) in by_order:
            items = by_order[int(order)].get("commitments", [])
            item = items[int(index)] if int(index) < len(items) else None
        form.anchor = f"c{order}-{index}" if item else ""
        form.split_from = (item or {}).get("split_from", "")


@login_required
@require_POST
def draft_publish(request, pk):
    user = request.user
    draft = _get(user, pk)
    version = VersionForm(request.POST)
    if not version.is_valid():
        messages.error(request, _("Reload the draft and try again."))
        return redirect("plan-draft-detail", pk=draft.pk)
    try:
        plan = services.publish_plan_draft(
            user=user, draft=draft, expected_version=version.cleaned_data["version"]
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("plan-draft-detail", pk=draft.pk)
    messages.success(request, _("The draft plan was created; complete it and bring it into force."))
    return redirect("dashboard", plan.pk)


@login_required
@require_http_methods(["GET", "HEAD"])
def draft_toml(request, pk):
    draft = _get(request.user, pk)
    response = HttpResponse(services.draft_toml(draft), content_type="application/toml")
    response["Content-Disposition"] = f'attachment; filename="plan-draft-{draft.pk}.toml"'
    return response


@login_required
@require_POST
def draft_delete(request, pk):
    draft = _get(request.user, pk)
    services.delete_plan_draft(user=request.user, draft=draft)
    messages.success(request, _("The draft was deleted."))
    return redirect("plan-draft-list")
