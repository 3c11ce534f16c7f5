"""A plan and its joint activities as an IATI 2.03 ``iati-activities`` document.

Pure: what ``rows.plan_rows`` read and the publisher's settings in, an lxml tree out (no
query). Elements follow the order of the schema's sequences (iati-activities-schema.xsd);
texts are cleaned of what XML 1.0 cannot hold, and empty narratives are left out.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from lxml import etree

from cooperation.models import FundingSource

from . import codes
from .rows import PlanRows

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# What XML 1.0 forbids (control characters but tab and line breaks, lone surrogates,
# U+FFFE/U+FFFF): dropped, so any stored text can be exported.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class Publisher:
    """Who publishes the file: the reporting organisation and the identifiers' prefix."""

    ref: str
    type: str
    name: str  # empty: the partnership's two cities
    prefix: str

    @classmethod
    def from_settings(cls) -> Publisher:
        return cls(
            ref=settings.IATI_REPORTING_ORG_REF,
            type=settings.IATI_REPORTING_ORG_TYPE,
            name=settings.IATI_REPORTING_ORG_NAME,
            prefix=settings.IATI_ACTIVITY_PREFIX,
        )


def clean(text) -> str:
    return _NOT_XML.sub("", str(text or "")).strip()


def _stamp(moment: datetime.datetime) -> str:
    return moment.replace(microsecond=0).isoformat()


def _sub(parent, tag: str, **attributes) -> etree._Element:
    return etree.SubElement(parent, tag, {k.replace("_", "-"): v for k, v in attributes.items()})


def _narratives(parent, texts: dict[str, str]) -> int:
    """A ``narrative`` per language with text ({"en": ..., "zh": ...}); how many."""
    count = 0
    for lang, text in texts.items():
        text = clean(text)
        if text:
            etree.SubElement(parent, "narrative", {XML_LANG: lang}).text = text
            count += 1
    return count


def _bilingual(obj, field: str) -> dict[str, str]:
    return {lang: getattr(obj, f"{field}_{suffix}", "") for lang, suffix in codes.LANGUAGES}


def _in_each_language(make) -> dict[str, str]:
    """A sentence of ours, in each narrative language (the portal's own catalogues)."""
    texts = {}
    for lang, suffix in codes.LANGUAGES:
        with translation.override(suffix.replace("_", "-")):
            texts[lang] = make(suffix)
    return texts


def _text_element(parent, tag: str, texts: dict[str, str], fallback: dict[str, str], **attrs):
    element = _sub(parent, tag, **attrs)
    if not _narratives(element, texts):
        _narratives(element, fallback)
    return element


class Document:
    """Builds the document of one plan (see ``build``)."""

    def __init__(self, rows: PlanRows, publisher: Publisher):
        self.rows = rows
        self.plan = rows.plan
        self.publisher = publisher
        self.cities = rows.plan.partnership.cities

    # --- identifiers, organisations ---------------------------------------------------------

    def plan_id(self) -> str:
        return clean(f"{self.publisher.prefix}-{self.plan.code}")

    def activity_id(self, activity) -> str:
        return f"{self.plan_id()}-{activity.pk}"

    def _reporting_org(self, parent):
        element = _sub(parent, "reporting-org", ref=clean(self.publisher.ref))
        if self.publisher.type:
            element.set("type", clean(self.publisher.type))
        texts = {"en": self.publisher.name} if clean(self.publisher.name) else {}
        if not _narratives(element, texts):
            first, second = self.cities
            _narratives(
                element,
                {
                    lang: f"{getattr(first, f'name_{s}') or first.name} – "
                    f"{getattr(second, f'name_{s}') or second.name}"
                    for lang, s in codes.LANGUAGES
                },
            )

    def _org(self, parent, role: str, names: dict[str, str], org_type: str):
        element = _sub(parent, "participating-org", role=role, type=org_type)
        if not _narratives(element, names):
            element.getparent().remove(element)

    def _agency(self, parent, role: str, agency):
        names = _bilingual(agency, "name")
        if not any(clean(n) for n in names.values()):
            names = {"en": agency.name or agency.code}
        self._org(parent, role, names, codes.organisation_type(agency))

    def _city(self, parent, role: str, city):
        self._org(parent, role, _bilingual(city, "name"), codes.LOCAL_GOVERNMENT)

    def _funder(self, funding) -> tuple[dict[str, str], str]:
        """The funding organisation of a funding row: its funder as written, else the city
        of its source (a third party without a name: "Third party")."""
        if funding.source == FundingSource.THIRD_PARTY:
            org_type = codes.OTHER_ORGANISATION
            fallback = _in_each_language(lambda _s: _("Third party"))
        else:
            org_type = codes.LOCAL_GOVERNMENT
            city = self.cities[0 if funding.source == FundingSource.FIRST_CITY else 1]
            fallback = _bilingual(city, "name")
        funder = {
            lang: clean(getattr(funding, f"funder_{suffix}", "") or "")
            for lang, suffix in codes.LANGUAGES
        }
        funder = {lang: text for lang, text in funder.items() if text}
        return (funder or fallback), org_type

    # --- dates, sectors ---------------------------------------------------------------------

    def plan_dates(self) -> tuple[datetime.date, datetime.date]:
        return (
            datetime.date(self.plan.period_start_year, 1, 1),
            datetime.date(self.plan.period_end_year, 12, 31),
        )

    def _dates(self, parent, dates):
        for code, day in dates:
            if day:
                _sub(parent, "activity-date", type=code, iso_date=day.isoformat())

    def _sector(self, parent, theme, percentage: Decimal | None = None):
        element = _sub(parent, "sector", vocabulary=codes.SECTOR_VOCABULARY, code=theme.code)
        if percentage is not None:
            element.set("percentage", str(percentage))
        if not _narratives(element, _bilingual(theme, "name")):
            _narratives(element, {"en": theme.name or theme.code})

    # --- the plan ---------------------------------------------------------------------------

    def plan_activity(self, root):
        plan, rows = self.plan, self.rows
        updated = [a.updated_at for a in rows.activities]
        element = _sub(root, "iati-activity", hierarchy=codes.PLAN_HIERARCHY)
        element.set(XML_LANG, "en")
        if updated:
            element.set("last-updated-datetime", _stamp(max(updated)))
        etree.SubElement(element, "iati-identifier").text = self.plan_id()
        self._reporting_org(element)
        _text_element(element, "title", _bilingual(plan, "title"), {"en": plan.code})
        first, second = self.cities

        def describe(suffix):
            return _("The joint action plan %(period)s of %(first)s and %(second)s.") % {
                "period": plan.period,
                "first": getattr(first, f"name_{suffix}") or first.name,
                "second": getattr(second, f"name_{suffix}") or second.name,
            }

        text = _in_each_language(describe)
        _text_element(element, "description", text, {}, type=codes.DESCRIPTION_GENERAL)
        for city in self.cities:  # Article Three: both parties fund the plan
            self._city(element, codes.ROLE_FUNDING, city)
        accountable = {}
        for theme in rows.themes:
            for responsibility in theme.responsibilities.all():
                accountable.setdefault(responsibility.agency_id, responsibility.agency)
        for agency in accountable.values():
            self._agency(element, codes.ROLE_ACCOUNTABLE, agency)
        for agency in rows.coordinators:
            self._agency(element, codes.ROLE_EXTENDING, agency)
        _sub(element, "activity-status", code=codes.PLAN_STATUS[rows.stage])
        start, end = self.plan_dates()
        self._dates(element, [(codes.PLANNED_START, start), (codes.PLANNED_END, end)])
        for theme, share in zip(rows.themes, _shares(len(rows.themes)), strict=True):
            self._sector(element, theme, share)
        for activity in rows.activities:
            _sub(
                element,
                "related-activity",
                ref=self.activity_id(activity),
                type=codes.RELATED_CHILD,
            )

    # --- a joint activity -------------------------------------------------------------------

    def joint_activity(self, root, activity):
        element = _sub(root, "iati-activity", hierarchy=codes.ACTIVITY_HIERARCHY)
        element.set(XML_LANG, "en")
        element.set("last-updated-datetime", _stamp(activity.updated_at))
        etree.SubElement(element, "iati-identifier").text = self.activity_id(activity)
        self._reporting_org(element)
        theme = activity.theme
        _text_element(
            element, "title", _bilingual(activity, "title"), {"en": activity.title or "-"}
        )

        def describe(suffix):
            return _("A joint activity of the theme “%(theme)s” of %(plan)s.") % {
                "theme": getattr(theme, f"name_{suffix}") or theme.name,
                "plan": getattr(self.plan, f"title_{suffix}") or self.plan.title,
            }

        _text_element(
            element,
            "description",
            _bilingual(activity, "description"),
            _in_each_language(describe),
            type=codes.DESCRIPTION_GENERAL,
        )
        if activity.commitment is not None:  # the undertaking of the plan it carries out
            description = _sub(element, "description", type=codes.DESCRIPTION_OBJECTIVES)
            if not _narratives(description, _bilingual(activity.commitment, "text")):
                element.remove(description)
        self._activity_orgs(element, activity)
        _sub(element, "activity-status", code=codes.ACTIVITY_STATUS[activity.status])
        dates = [
            (codes.PLANNED_START, activity.planned_start),
            (codes.ACTUAL_START, activity.actual_start),
            (codes.PLANNED_END, activity.planned_end),
            (codes.ACTUAL_END, activity.actual_end),
        ]
        if not any(day for _code, day in dates):  # the schema needs one: the plan's period
            start, end = self.plan_dates()
            dates = [(codes.PLANNED_START, start), (codes.PLANNED_END, end)]
        self._dates(element, dates)
        self._sector(element, theme)
        for funding in activity.fundings.all():
            self._transaction(element, activity, funding)
            if funding.spent is not None:
                self._transaction(element, activity, funding, spent=True)
        _sub(element, "related-activity", ref=self.plan_id(), type=codes.RELATED_PARENT)

    def _activity_orgs(self, element, activity):
        """Funders (1) from its funding rows, its lead agencies as accountable (2; without
        leads, the theme's responsible agencies, else the two cities), participants as
        implementing (4)."""
        seen = set()
        for funding in activity.fundings.all():
            names, org_type = self._funder(funding)
            key = tuple(sorted(names.items()))
            if key not in seen:
                seen.add(key)
                self._org(element, codes.ROLE_FUNDING, names, org_type)
        leads = [a for a in (activity.first_lead_agency, activity.second_lead_agency) if a]
        if not leads:
            leads = [r.agency for r in activity.theme.responsibilities.all()]
        for agency in leads:
            self._agency(element, codes.ROLE_ACCOUNTABLE, agency)
        if not leads:
            for city in self.cities:
                self._city(element, codes.ROLE_ACCOUNTABLE, city)
        for agency in activity.participants.all():
            self._agency(element, codes.ROLE_IMPLEMENTING, agency)

    def _transaction(self, parent, activity, funding, *, spent: bool = False):
        """The amount committed (or, with ``spent``, what was reported spent: an expenditure,
        dated on the activity's end when it has one)."""
        start = activity.actual_start or activity.planned_start
        day = (
            (activity.actual_end if spent else None)
            or start
            or self.plan.signed_on
            or self.plan_dates()[0]
        ).isoformat()
        ref = f"{self.activity_id(activity)}-{'s' if spent else 'f'}{funding.pk}"
        element = _sub(parent, "transaction", ref=ref)
        kind = codes.EXPENDITURE if spent else codes.TRANSACTION_TYPE[funding.source]
        _sub(element, "transaction-type", code=kind)
        _sub(element, "transaction-date", iso_date=day)
        value = _sub(element, "value", currency=funding.currency, value_date=day)
        value.text = f"{(funding.spent if spent else funding.amount):.2f}"
        names, org_type = self._funder(funding)
        provider = _sub(element, "provider-org", type=org_type)
        _narratives(provider, names)


def _shares(count: int) -> list[Decimal]:
    """Percentages of ``count`` equal parts summing to exactly 100 (the last takes the rest)."""
    if not count:
        return []
    part = (Decimal(100) / count).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    return [part] * (count - 1) + [Decimal(100) - part * (count - 1)]


def build(rows: PlanRows, publisher: Publisher, generated_at: datetime.datetime):
    """The ``iati-activities`` tree: the plan (hierarchy 1), then each joint activity (2)."""
    root = etree.Element(
        "iati-activities", {"version": codes.VERSION, "generated-datetime": _stamp(generated_at)}
    )
    document = Document(rows, publisher)
    document.plan_activity(root)
    for activity in rows.activities:
        document.joint_activity(root, activity)
    return etree.ElementTree(root)


def to_bytes(tree) -> bytes:
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True)
