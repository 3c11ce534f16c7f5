"""The source text cut into pieces, the passages of the draft's items marked, for the page."""

from __future__ import annotations


def _valid(span) -> bool:
    return (
        isinstance(span, list)
        and len(span) == 2
        and all(isinstance(n, int) for n in span)
        and span[0] < span[1]
    )


def marks(draft: dict, zh: bool = False) -> list[tuple[int, int, str, str]]:
    """(start, end, anchor, kind) of each item's passage in the first text, or in the second
    (paired) text when ``zh``."""
    found = []

    def add(span, anchor, kind):
        if _valid(span):
            found.append((span[0], span[1], anchor, kind))

    for theme in draft.get("themes", []):
        order = theme.get("order")
        add(theme.get("name_zh_span" if zh else "name_span"), f"t{order}", "theme")
        for i, item in enumerate(theme.get("commitments", [])):
            add(item.get("text_zh_span" if zh else "span"), f"c{order}-{i}", "commitment")
    if zh:
        return found
    for key in ("signed_on", "signed_place", "predecessor"):
        add((draft.get(key) or {}).get("span"), key.replace("_", "-"), "fact")
    for i, sig in enumerate(draft.get("signatories", [])):
        add(sig.get("position_span"), f"sp{i}", "fact")
        add(sig.get("name_span"), f"sn{i}", "fact")
    for i, review in enumerate(draft.get("reviews", [])):
        add(review.get("span"), f"r{i}", "review")
    for i, event in enumerate(draft.get("events", [])):
        add(event.get("span"), f"e{i}", "event")
    return found


def pieces(text: str, spans: list[tuple[int, int, str, str]]) -> list[dict]:
    """``text`` as pieces ``{"text", "anchor", "kind"}``; overlapping passages keep the first."""
    out, cursor = [], 0
    for start, end, anchor, kind in sorted(spans):
        start, end = max(start, 0), min(end, len(text))
        if start < cursor or start >= end:
            continue
        if start > cursor:
            out.append({"text": text[cursor:start], "anchor": "", "kind": ""})
        out.append({"text": text[start:end], "anchor": anchor, "kind": kind})
        cursor = end
    if cursor < len(text):
        out.append({"text": text[cursor:], "anchor": "", "kind": ""})
    return out
