"""Draft an action plan from its signed text: deterministic, no network.

``parse_plan(text)`` returns a JSON-ready dict (the "draft"): every item carries its source
span ``[start, end)`` so a page can highlight it, and ``missing`` lists what could not be
found. ``known_agencies``/``known_cities`` (from the database) let names match existing rows.
"""

from __future__ import annotations

import re

from plandata.drafting import facts
from plandata.drafting.agencies import AgencyBook, find_names
from plandata.drafting.commitments import undertakings
from plandata.drafting.segments import Segment, has_cjk, slug
from plandata.drafting.structure import article, find_articles, find_themes, lines

# The most a draft holds (the correction form's bounds): the rest is listed as not read.
MAX_THEMES = 60
MAX_COMMITMENTS = 400
ORDINALS = ["1st", "2nd", "3rd"] + [f"{n}th" for n in range(4, 21)]


def _ordinal(n: int) -> str:
    return ORDINALS[n - 1] if 0 < n <= len(ORDINALS) else f"{n}th"


def _cities(found: list[dict], known_cities: list[dict]) -> list[dict]:
    out = []
    for party in found:
        name = party["name"]
        match = next(
            (
                c
                for c in known_cities
                if any(name and name in (label or "") for label in c["labels"])
            ),
            None,
        )
        out.append(
            {
                "code": match["code"] if match else slug(name, f"city-{len(out) + 1}"),
                "name": match["name"] if match else name,
                "country": party.get("country", ""),
                "labels": (match["labels"] if match else []) + [name],
                "known": bool(match),
                "span": party["span"],
            }
        )
    return out


def parse_plan(text: str, *, known_agencies=(), known_cities=()) -> dict:
    """The draft of the plan written in ``text``."""
    text = text or ""
    head = text[:5000]
    cjk = len(re.findall(r"[\u4e00-\u9fff]", head)) if has_cjk(head) else 0
    language = "zh-hans" if cjk > len(re.findall(r"[A-Za-z]", head)) else "en"
    articles = find_articles(text)
    missing: list[str] = []
    draft: dict = {"language": language, "length": len(text), "missing": missing}

    found_title = facts.title(text)
    draft["title"] = found_title
    cities = _cities(facts.parties(text), list(known_cities))
    draft["parties"] = cities
    city_names = [label for c in cities for label in c["labels"]]
    book = AgencyBook(list(known_agencies), cities)

    draft["period"] = facts.period(found_title["text"] if found_title else "", text)
    last = articles[-1] if articles else None
    draft.update(facts.signing(text, last.heading if last else None))
    tail_start = last.start if last else max(0, len(text) - 3000)
    signatories = facts.signatories(text, tail_start)
    for sig in signatories:
        sig["city"] = next(
            (
                c["code"]
                for c in cities
                if any(
                    sig["city_name"] in lab or lab in sig["city_name"] for lab in c["labels"] if lab
                )
            ),
            None,
        )
    draft["signatories"] = signatories
    draft["predecessor"] = facts.predecessor(text, draft["period"])
    draft["agreement"] = facts.agreement(text)
    draft["articles"] = [
        {"number": a.number, "heading": a.heading.text, "span": a.heading.span} for a in articles
    ]

    # Article Three: coordinating offices.
    three = article(articles, 3)
    draft["coordinators"] = []
    if three:
        three_lines = [
            Segment.of(text, s, e) for s, e in lines(text) if s >= three.start and e <= three.end
        ]
        for seg in facts.coordinators(three_lines):
            for name in find_names(seg, city_names) or [seg]:
                entry = book.add(name, coordinating=True)
                if entry["code"] not in draft["coordinators"]:
                    draft["coordinators"].append(entry["code"])

    themes = []
    events: list[dict] = []
    blocks = find_themes(text, articles)
    if len(blocks) > MAX_THEMES:
        missing.append(f"themes after the {MAX_THEMES}th (not read)")
    count = 0
    for block in blocks[:MAX_THEMES]:
        theme = {
            "order": block.order,
            "name": block.name.text[:200],
            "name_span": block.name.span,
            "named": block.named,
            "summary": block.body.text,
            "span": [block.start, block.end],
            "agencies": [],
            "commitments": [],
        }
        for n, sentence in enumerate(block.body.sentences()[:200], start=1):
            names = find_names(sentence, city_names) if len(sentence.text) < 5000 else []
            entries = []
            sides = set()
            for name in names:
                entry = book.add(name, context_cities=sides)
                entries.append(entry)
                if entry["city"]:
                    sides.add(entry["city"])
            for entry in entries:
                if entry["city"] and entry["code"] not in [a["agency"] for a in theme["agencies"]]:
                    lead = entry["city"] not in {
                        book_entry["city"]
                        for a in theme["agencies"]
                        for book_entry in book.entries
                        if book_entry["code"] == a["agency"]
                    }
                    theme["agencies"].append(
                        {"agency": entry["code"], "role": "lead" if lead else "supporting"}
                    )
            parts = undertakings(sentence)
            for k, part in enumerate(parts, start=1):
                where = f"Art. 2, {_ordinal(block.order)} theme, {_ordinal(n)} sentence"
                if len(parts) > 1:
                    where += f", part {k}"
                named_here = [
                    e["code"] for e in entries if any(nm in part["text"] for nm in e["names"])
                ]
                if count < MAX_COMMITMENTS:
                    count += 1
                    theme["commitments"].append({**part, "location": where, "agencies": named_here})
            for event in facts.events(sentence):
                title = event["title"]
                if any(title.lower() == e["title"].lower() for e in events):
                    continue
                host = next(
                    (
                        c["code"]
                        for c in cities
                        if event["host_name"] and event["host_name"] in c["labels"]
                    ),
                    None,
                )
                events.append(
                    {
                        "title": title,
                        "kind": facts.event_kind(title),
                        "host_city": host,
                        "themes": [block.order],
                        "organisers": [e["code"] for e in entries],
                        "description": event["sentence"],
                        "span": event["span"],
                    }
                )
        themes.append(theme)
    draft["themes"] = themes
    draft["events"] = events

    tail_sentences = []
    for number in (3, 4):
        art = article(articles, number)
        if art:
            tail_sentences.append((number, Segment.of(text, art.start, art.end).sentences()))
    if not articles:
        tail_sentences.append((0, Segment.of(text).sentences()[:2000]))
    draft["clauses"] = [c for n, s in tail_sentences for c in facts.clauses(s, n)]
    draft["reviews"] = facts.reviews([s for _n, ss in tail_sentences for s in ss])
    languages: list[str] = []
    for clause in draft["clauses"]:
        languages = languages or facts.authentic_languages(clause["text"])
    draft["authentic_languages"] = languages
    draft["agencies"] = book.entries
    draft["third_parties"] = [e["code"] for e in book.entries if not e["city"]]

    checks = [
        ("title", found_title), ("parties", len(cities) == 2), ("articles", articles),
        ("themes", themes), ("signing date", draft.get("signed_on")),
        ("signing place", draft.get("signed_place")), ("signatories", signatories),
        ("period", draft["period"]), ("coordinating offices", draft["coordinators"]),
        ("reviews", draft["reviews"]), ("authentic languages", languages),
    ]  # fmt: skip
    missing.extend(label for label, value in checks if not value)
    missing.extend(f"theme {t['order']}: name" for t in themes if not t["named"])
    missing.extend(f"theme {t['order']}: commitments" for t in themes if not t["commitments"])
    if count >= MAX_COMMITMENTS:
        missing.append(f"commitments after the {MAX_COMMITMENTS}th (not read)")
    return draft
