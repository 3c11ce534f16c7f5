"""Pair an English draft with the Chinese draft of the same plan, by structure and order.

Themes pair by order, commitments by their order within a paired theme, signatories, events
and reviews by order (reviews by kind). A paired item gets the other text as ``…_zh``; an
item left without a partner is listed in ``unpaired`` and never given an invented text.
"""

from __future__ import annotations


def _pair_lists(en: list, zh: list, fields: tuple[str, ...], label: str, unpaired: list) -> None:
    for i, item in enumerate(en):
        if i < len(zh):
            for field in fields:
                item[f"{field}_zh"] = zh[i].get(field, "")
                item[f"{field}_zh_span"] = zh[i].get("span")
        else:
            unpaired.append(f"{label} {i + 1} (English only)")
    unpaired.extend(f"{label} {i + 1} (Chinese only)" for i in range(len(en), len(zh)))


def pair(en: dict, zh: dict | None) -> dict:
    """``en`` with the Chinese texts of ``zh`` added; ``en["unpaired"]`` lists the rest."""
    unpaired: list[str] = []
    en["unpaired"] = unpaired
    if not zh:
        return en
    en["paired"] = True
    if en.get("title") and zh.get("title"):
        en["title"]["text_zh"] = zh["title"]["text"]
    for key in ("signed_place",):
        if en.get(key) and zh.get(key):
            en[key]["value_zh"] = zh[key]["value"]
    if en.get("agreement") and zh.get("agreement"):
        en["agreement"]["text_zh"] = zh["agreement"]["text"]
    if en.get("predecessor") and zh.get("predecessor"):
        en["predecessor"]["title_zh"] = zh["predecessor"]["title"]
    for city_en, city_zh in zip(en.get("parties", []), zh.get("parties", []), strict=False):
        city_en.setdefault("name_zh", city_zh["name"])
    _pair_lists(
        en.get("signatories", []),
        zh.get("signatories", []),
        ("name", "position"),
        "signatory",
        unpaired,
    )
    _pair_lists(en.get("themes", []), zh.get("themes", []), ("name", "summary"), "theme", unpaired)
    zh_themes = zh.get("themes", [])
    zh_agencies = {a["code"]: a for a in zh.get("agencies", [])}
    en_agencies = {a["code"]: a for a in en.get("agencies", [])}
    for i, theme in enumerate(en.get("themes", [])):
        if i >= len(zh_themes):
            continue
        _pair_lists(
            theme.get("commitments", []),
            zh_themes[i].get("commitments", []),
            ("text",),
            f"theme {theme['order']} commitment",
            unpaired,
        )
        for a_en, a_zh in zip(
            theme.get("agencies", []), zh_themes[i].get("agencies", []), strict=False
        ):
            entry, other = en_agencies.get(a_en["agency"]), zh_agencies.get(a_zh["agency"])
            if entry and other and not entry.get("known"):
                entry.setdefault("name_zh", other["name"])
    _pair_lists(
        en.get("events", []), zh.get("events", []), ("title", "description"), "event", unpaired
    )
    zh_reviews = {r["kind"]: r for r in zh.get("reviews", [])}
    for review in en.get("reviews", []):
        other = zh_reviews.pop(review["kind"], None)
        if other:
            review["text_zh"] = other["text"]
        else:
            unpaired.append(f"review {review['kind']} (English only)")
    unpaired.extend(f"review {kind} (Chinese only)" for kind in zh_reviews)
    return en
