"""The writes of plan drafts: make one from uploaded texts, correct it, delete it, publish it.

Only coordinators of the draft's partnership (and administrators) may. Corrections carry the
version the form showed, so two coordinators correcting at once cannot overwrite each other
silently. Publishing writes the draft as a plan file and loads it with the plan loader (which
writes through the cooperation services): the plan is created as a DRAFT of the draft's
partnership, to be completed and brought into force like any plan.
"""

from __future__ import annotations

import tempfile
import tomllib
from pathlib import Path

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cooperation.models import ActionPlan, Partnership
from cooperation.services.renewal import adopt_as_renewal
from core import inputs
from partners import access
from partners.access import Action
from plandata.drafting.draft import make_draft
from plandata.drafting.known import known_plans
from plandata.drafting.parser import MAX_COMMITMENTS, MAX_THEMES
from plandata.drafting.tomlout import plan_code, to_toml
from plandata.loader import load_plan_file
from plandata.models import PlanDraft
from plandata.planfile import PlanFileError

MAX_TEXT = 4000


def require_coordinator(user, partnership: Partnership) -> None:
    if not (access.is_coordinator(user) and access.can(user, Action.MANAGE, partnership)):
        raise PermissionDenied


def _locked(draft: PlanDraft, user, expected_version: int | None) -> PlanDraft:
    current = (
        PlanDraft.objects.select_for_update()
        .select_related("partnership__first_city", "partnership__second_city")
        .get(pk=draft.pk)
    )
    require_coordinator(user, current.partnership)
    if expected_version is not None and expected_version != current.version:
        raise ValidationError(
            {
                "version": _(
                    "Someone else changed this draft since you opened it; reload it and make "
                    "your corrections again."
                )
            }
        )
    if current.published_plan_id:
        raise ValidationError({NON_FIELD_ERRORS: _("This draft has already been published.")})
    return current


def create_plan_draft(
    *, user, partnership: Partnership, source_name: str, source_text: str,
    source_name_zh: str = "", source_text_zh: str = "",
) -> PlanDraft:  # fmt: skip
    """Read the texts (already extracted from the uploaded files) into a new draft."""
    require_coordinator(user, partnership)
    parsed = make_draft(source_text, source_text_zh or None, partnership=partnership)
    return PlanDraft.objects.create(
        owner=access.person(user),
        partnership=partnership,
        source_name=inputs.file_name(source_name),
        source_text=source_text,
        source_name_zh=inputs.file_name(source_name_zh) if source_name_zh else "",
        source_text_zh=source_text_zh or "",
        parsed=parsed,
    )


def _clean_text(value, field: str, errors: dict, limit: int = MAX_TEXT) -> str:
    text = " ".join(str(value or "").split())
    refused = inputs.line_error(text)
    if not text:
        errors.setdefault(field, _("This field cannot be empty."))
    elif refused is not None:
        errors.setdefault(field, refused)
    elif len(text) > limit:
        errors.setdefault(field, _("Keep it under %(limit)s characters.") % {"limit": limit})
    return text


@transaction.atomic
def correct_plan_draft(
    *, user, draft: PlanDraft, expected_version: int, themes: list[dict], commitments: list[dict]
) -> PlanDraft:
    """Replace the draft's themes and commitments with the corrected lists.

    ``themes``: ``{"order": original order or None for a new theme, "name": …, "delete": bool}``;
    ``commitments``: ``{"key": "theme.index" or "" for a new one, "theme": theme order,
    "text": …, "delete": bool}``. Kept items keep their source passage.
    """
    current = _locked(draft, user, expected_version)
    parsed = current.parsed
    errors: dict = {}
    if len(themes) > MAX_THEMES or len(commitments) > MAX_COMMITMENTS:
        raise ValidationError({NON_FIELD_ERRORS: _("Too many items in one draft.")})
    old_themes = {t["order"]: t for t in parsed.get("themes", [])}
    new_themes, order_map = [], {}
    for row in themes:
        if row.get("delete"):
            continue
        name = _clean_text(row.get("name"), "themes", errors, 200)
        base = old_themes.get(row.get("order")) or {
            "summary": "", "agencies": [], "named": True, "span": None, "name_span": None,
        }  # fmt: skip
        theme = {**base, "name": name, "commitments": []}
        if name != base.get("name"):
            theme.pop("name_zh", None)
        theme["order"] = len(new_themes) + 1
        if row.get("order") is not None:
            order_map[row["order"]] = theme["order"]
        new_themes.append(theme)
    for row in commitments:
        if row.get("delete"):
            continue
        target = order_map.get(row.get("theme"))
        if target is None:
            errors.setdefault("commitments", _("Each commitment belongs to a theme of the draft."))
            continue
        text = _clean_text(row.get("text"), "commitments", errors)
        old = _old_commitment(parsed, row.get("key") or "")
        item = {**(old or {"span": None, "split_from": "", "location": "", "agencies": []})}
        if old and text != old.get("text"):
            item.pop("text_zh", None)
        item["text"] = text
        new_themes[target - 1]["commitments"].append(item)
    if errors:
        raise ValidationError(errors)
    parsed["themes"] = new_themes
    parsed["events"] = [
        {**e, "themes": [order_map[o] for o in e.get("themes", []) if o in order_map]}
        for e in parsed.get("events", [])
    ]
    current.parsed = parsed
    current.version += 1
    current.save(update_fields=["parsed", "version", "updated_at"])
    return current


def _old_commitment(parsed: dict, key: str) -> dict | None:
    theme_order, _sep, index = key.partition(".")
    if not (theme_order.isdigit() and index.isdigit()):
        return None
    for theme in parsed.get("themes", []):
        if theme["order"] == int(theme_order):
            items = theme.get("commitments", [])
            return items[int(index)] if int(index) < len(items) else None
    return None


@transaction.atomic
def delete_plan_draft(*, user, draft: PlanDraft) -> None:
    current = PlanDraft.objects.select_for_update().get(pk=draft.pk)
    require_coordinator(user, current.partnership)
    current.delete()


def partnership_values(partnership: Partnership) -> dict:
    """The ``[partnership]`` table of a plan file for an existing partnership."""
    return {
        "code": partnership.code,
        "first_city": partnership.first_city.code,
        "second_city": partnership.second_city.code,
        "established": partnership.established,
        "agreement_title": {
            "en": partnership.agreement_title_en or partnership.code,
            "zh-hans": partnership.agreement_title_zh_hans
            or partnership.agreement_title_en
            or partnership.code,
        },
    }


def draft_toml(draft: PlanDraft) -> str:
    """The draft as a plan file for the draft's partnership."""
    parsed = dict(draft.parsed)
    partnership = draft.partnership
    cities = [partnership.first_city, partnership.second_city]
    parties = parsed.get("parties", [])
    codes = {c.code for c in cities}
    if len(parties) != 2 or not all(p.get("code") in codes for p in parties):
        # The text's parties are not named as this partnership's cities: the plan is the
        # partnership's, so its cities stand for the parties, in order.
        renamed = {p.get("code"): c.code for p, c in zip(parties, cities, strict=False)}
        parsed["parties"] = [
            {"code": c.code, "name": c.name_en or c.name, "known": True, "labels": []}
            for c in cities
        ]
        parsed["agencies"] = [
            {
                **a,
                "city": renamed.get(
                    a.get("city"), a.get("city") if a.get("city") in codes else None
                ),
            }
            for a in parsed.get("agencies", [])
        ]
        parsed["signatories"] = [
            {**s, "city": renamed.get(s.get("city"))} for s in parsed.get("signatories", [])
        ]
        parsed["events"] = [
            {**e, "host_city": renamed.get(e.get("host_city"))} for e in parsed.get("events", [])
        ]
    base = plan_code(parsed)
    code, n = base, 1
    while ActionPlan.objects.filter(code=code).exists():
        code, n = f"{base}-draft" + (f"-{n}" if n > 1 else ""), n + 1
    parsed["plan_code"] = code
    predecessor = parsed.get("predecessor") or {}
    earlier = ActionPlan.objects.filter(
        partnership=partnership,
        period_start_year=predecessor.get("start"),
        period_end_year=predecessor.get("end"),
    ).first()
    if earlier:
        parsed["predecessor_code"] = earlier.code
    return to_toml(parsed, known_plans=known_plans(), partnership=partnership_values(partnership))


@transaction.atomic
def publish_plan_draft(*, user, draft: PlanDraft, expected_version: int) -> ActionPlan:
    """Create the plan the draft describes, as a DRAFT plan of the draft's partnership."""
    current = _locked(draft, user, expected_version)
    if not current.parsed.get("themes"):
        raise ValidationError({NON_FIELD_ERRORS: _("The draft has no theme to publish.")})
    text = draft_toml(current)
    wanted = tomllib.loads(text)["plans"][-1]["code"]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "draft.toml"
        path.write_text(text, encoding="utf-8")
        try:
            load_plan_file(path)
        except PlanFileError as exc:
            lines = [line.strip(" -") for line in str(exc).splitlines()[1:6]]
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: _("The draft cannot be published yet: %(problems)s")
                    % {"problems": "; ".join(lines) or str(exc)}
                }
            ) from None
    # Renewing a plan still running: the renewal's approval by both sides applies.
    plan = adopt_as_renewal(user=user, plan=ActionPlan.objects.get(code=wanted))
    current.published_plan = plan
    current.version += 1
    current.save(update_fields=["published_plan", "version", "updated_at"])
    return plan
