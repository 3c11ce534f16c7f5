"""Write a draft as a plan file in the loader's format (``data/plans/SCHEMA.md``).

Every translated text needs both content languages; where the draft has only one (a single
source text), the other language repeats it and ``fill_ins`` says so, so the coordinator
knows what still needs translating. The plan's status is "draft".
"""

from __future__ import annotations

import datetime
import zoneinfo

import tomli_w

from plandata.drafting.segments import slug

_COUNTRY_ZONES = {"china": "Asia/Shanghai", "finland": "Europe/Helsinki"}
_COUNTRY_LANGUAGES = {"china": "zh-hans", "finland": "fi"}
_REVIEW_TITLES = {
    "mid_term": ("Mid-term review ({year})", "中期评估（{year}年）"),
    "evaluation": ("Evaluation (before {year})", "终期评估（{year}年前）"),
}


def text_of(item: dict, key: str, language: str, fill_ins: list[str], where: str) -> dict:
    """``{"en": …, "zh-hans": …}`` from ``item[key]`` (the draft's language) and
    ``item[key + "_zh"]`` / ``item[key + "_en"]`` (the paired text), repeating one language
    for the other when only one is known."""
    main = (item.get(key) or "").strip()
    other_key = f"{key}_zh" if language == "en" else f"{key}_en"
    other = (item.get(other_key) or "").strip()
    en, zh = (main, other) if language == "en" else (other, main)
    if not en or not zh:
        fill_ins.append(where)
    return {"en": en or zh, "zh-hans": zh or en}


def _zone(name: str, country: str) -> str:
    for zone in sorted(zoneinfo.available_timezones()):
        if zone.rsplit("/", 1)[-1].lower() == (name or "").lower():
            return zone
    return _COUNTRY_ZONES.get((country or "").lower(), "UTC")


def _unique(code: str, taken: set[str], limit: int) -> str:
    code = code[:limit].rstrip("-")
    base, n = code, 2
    while code in taken:
        code, n = f"{base[: limit - 4]}-{n}", n + 1
    taken.add(code)
    return code


def plan_code(draft: dict) -> str:
    cities = "-".join(c["code"] for c in draft.get("parties", [])) or "plan"
    period = draft.get("period") or {}
    years = f"-{period['start']}-{period['end']}" if period else ""
    return slug(f"{cities}{years}", "draft-plan", limit=70)


def build(draft: dict, *, known_plans=(), partnership: dict | None = None) -> tuple[dict, list]:
    """The plan file's data and the list of texts given in one language only."""
    lang = draft.get("language", "en")
    fill: list[str] = []
    data: dict = {}
    code = draft.get("plan_code") or plan_code(draft)
    cities = draft.get("parties", [])
    new_cities = [c for c in cities if not c.get("known")]
    if new_cities:
        data["cities"] = [
            {
                "code": c["code"],
                "name": text_of(c, "name", lang, fill, f"city {c['code']}"),
                "country": text_of(
                    {"country": c.get("country") or c["name"], "country_zh": c.get("country_zh")},
                    "country",
                    lang,
                    fill,
                    f"city {c['code']} country",
                ),
                "time_zone": _zone(c["name"], c.get("country", "")),
                "default_language": _COUNTRY_LANGUAGES.get((c.get("country") or "").lower(), "en"),
            }
            for c in new_cities
        ]
    agencies = [a for a in draft.get("agencies", []) if not a.get("known")]
    if agencies:
        data["agencies"] = []
        for a in agencies:
            row = {"code": a["code"], "kind": a.get("kind") or "other"}
            if a.get("city"):
                row["city"] = a["city"]
            row["name"] = text_of(a, "name", lang, fill, f"agency {a['code']}")
            data["agencies"].append(row)
    title = draft.get("title") or {}
    signed = (draft.get("signed_on") or {}).get("value")
    if partnership:
        data["partnership"] = partnership
    elif len(cities) == 2:
        agreement = draft.get("agreement") or {}
        data["partnership"] = {
            "code": f"{cities[0]['code']}-{cities[1]['code']}",
            "first_city": cities[0]["code"],
            "second_city": cities[1]["code"],
            "established": datetime.date.fromisoformat(
                agreement.get("signed_on") or signed or "2000-01-01"
            ),
            "agreement_title": text_of(
                agreement if agreement.get("text") else title, "text", lang, fill, "agreement title"
            ),
        }
    plans = []
    predecessor = draft.get("predecessor")
    pred_code = draft.get("predecessor_code")
    if not pred_code and predecessor and predecessor.get("signed_on"):
        pred_code = slug(
            f"{'-'.join(c['code'] for c in cities)}-{predecessor['start']}-{predecessor['end']}",
            "previous-plan",
            limit=70,
        )
        if pred_code not in known_plans and pred_code != code:
            plans.append(
                {
                    "code": pred_code,
                    "title": text_of(predecessor, "title", lang, fill, "predecessor title"),
                    "period_start_year": predecessor["start"],
                    "period_end_year": predecessor["end"],
                    "signed_on": datetime.date.fromisoformat(predecessor["signed_on"]),
                    "status": "concluded",
                    "authentic_languages": [],
                    "coordinators": [],
                }
            )
    period = draft.get("period") or {}
    year = int(signed[:4]) if signed else None
    plan = {
        "code": code,
        "title": text_of(title, "text", lang, fill, "plan title"),
        "period_start_year": period.get("start") or year or 2000,
        "period_end_year": period.get("end") or year or 2000,
    }
    if signed:
        plan["signed_on"] = datetime.date.fromisoformat(signed)
    place = draft.get("signed_place")
    if place:
        plan["signed_place"] = text_of(place, "value", lang, fill, "signing place")
    plan["status"] = "draft"
    plan["authentic_languages"] = draft.get("authentic_languages") or []
    if pred_code and pred_code != code:
        plan["predecessor"] = pred_code
    plan["coordinators"] = list(dict.fromkeys(draft.get("coordinators", [])))
    sigs, seen = [], set()
    for s in draft.get("signatories", []):
        if s.get("city") and s["city"] not in seen:
            seen.add(s["city"])
            sigs.append(
                {
                    "city": s["city"],
                    "name": text_of(s, "name", lang, fill, f"signatory {s['name']}"),
                    "position": text_of(
                        s, "position", lang, fill, f"signatory {s['name']} position"
                    ),
                }
            )
    if sigs:
        plan["signatories"] = sigs
    plans.append(plan)
    data["plans"] = plans

    theme_codes: dict[int, str] = {}
    taken: set[str] = set()
    themes = []
    for t in draft.get("themes", []):
        tcode = _unique(slug(t.get("name", ""), f"theme-{t['order']}", limit=60), taken, 80)
        theme_codes[t["order"]] = tcode
        row = {
            "plan": code,
            "order": t["order"],
            "code": tcode,
            "name": text_of(t, "name", lang, fill, f"theme {t['order']} name"),
            "summary": text_of(t, "summary", lang, fill, f"theme {t['order']} summary"),
            "agencies": [{"agency": a["agency"], "role": a["role"]} for a in t.get("agencies", [])],
        }
        ctaken: set[str] = set()
        row["commitments"] = [
            {
                "code": _unique(f"{tcode}-{slug(c['text'], str(i), limit=40)}", ctaken, 120),
                "text": text_of(c, "text", lang, fill, f"theme {t['order']} commitment {i}"),
                "agencies": list(dict.fromkeys(c.get("agencies", []))),
            }
            for i, c in enumerate(t.get("commitments", []), start=1)
        ]
        if not row["agencies"]:
            del row["agencies"]
        themes.append(row)
    if themes:
        data["themes"] = themes
    etaken: set[str] = set()
    events = []
    for e in draft.get("events", []):
        row = {
            "code": _unique(slug(e["title"], "event", limit=70), etaken, 80),
            "plan": code,
            "kind": e.get("kind") or "other",
            "title": text_of(e, "title", lang, fill, f"event {e['title']}"),
            "description": text_of(e, "description", lang, fill, f"event {e['title']} description"),
            "themes": [theme_codes[o] for o in e.get("themes", []) if o in theme_codes],
            "organisers": list(dict.fromkeys(e.get("organisers", []))),
        }
        if e.get("host_city"):
            row["host_city"] = e["host_city"]
        events.append(row)
    if events:
        data["events"] = events
    reviews = []
    for r in draft.get("reviews", []):
        en, zh = _REVIEW_TITLES[r["kind"]]
        reviews.append(
            {
                "code": f"{code}-{r['kind'].replace('_', '-')}",
                "plan": code,
                "kind": r["kind"],
                "title": {"en": en.format(year=r["year"]), "zh-hans": zh.format(year=r["year"])},
                "due_date": datetime.date.fromisoformat(r["due_date"]),
                "description": text_of(r, "text", lang, fill, f"review {r['kind']}"),
            }
        )
    if reviews:
        data["reviews"] = reviews
    return data, fill


def to_toml(draft: dict, **kwargs) -> str:
    data, fill = build(draft, **kwargs)
    head = [
        "# Draft of an action plan, read from its signed text (python manage.py draft_plan).",
        "# Check every entry against the signed text before loading it.",
    ]
    if fill:
        head.append("# Given in one language only (the other repeats it until translated):")
        head.extend(f"#   - {where}" for where in fill[:200])
    return "\n".join(head) + "\n\n" + tomli_w.dumps(data, multiline_strings=False)
