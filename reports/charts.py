"""The report's charts, drawn as inline SVG: the geometry here, the words in the template."""

from __future__ import annotations

from collections import Counter

from cooperation import money
from cooperation.models import ActivityStatus

from .snapshot import STATUS_ORDER, ReportData

#: Chart colours by status (the portal's own, see static/css/portal.css).
STATUS_COLOURS = {
    ActivityStatus.PLANNED: "#a0aec0",
    ActivityStatus.IN_PROGRESS: "#2e5fa8",
    ActivityStatus.COMPLETED: "#1d7a46",
    ActivityStatus.ON_HOLD: "#d08a1f",
    ActivityStatus.CANCELLED: "#b3261e",
}
STARTED_COLOUR, COMPLETED_COLOUR = "#2e5fa8", "#1d7a46"
COMMITTED_COLOUR, SPENT_COLOUR = "#a9c1e3", "#2e5fa8"
#: The two inks a number on a bar may take: whichever reads better on the bar's colour.
DARK_INK, LIGHT_INK = "#1d2430", "#ffffff"


def _luminance(colour: str) -> float:
    """WCAG relative luminance of a "#rrggbb" colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: str, other: str) -> float:
    """WCAG contrast ratio of two "#rrggbb" colours (1 to 21)."""
    light, dark = sorted([_luminance(one), _luminance(other)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


def ink_on(colour: str) -> str:
    """The ink (dark or white) with the higher contrast on ``colour``."""
    return max([DARK_INK, LIGHT_INK], key=lambda ink: contrast(ink, colour))


def status_chart(data: ReportData, bilingual: bool) -> dict:
    """Stacked horizontal bars: each theme's activities by status."""
    width, label_w, right = 680, 230, 36
    row_h = 34 if bilingual else 22
    bar_h = 14
    top = 6
    scale_max = max([c.total for c in data.chapters] + [1])
    bar_w = width - label_w - right
    rows = []
    for i, chapter in enumerate(data.chapters):
        y = top + i * row_h
        x = label_w
        segments = []
        for status in STATUS_ORDER:
            n = chapter.counts.get(status, 0)
            if not n:
                continue
            w = bar_w * n / scale_max
            segments.append(
                {
                    "x": round(x, 2),
                    "w": round(w, 2),
                    "n": n,
                    "label": ActivityStatus(status).label,
                    "colour": STATUS_COLOURS[status],
                    "ink": ink_on(STATUS_COLOURS[status]),
                    "label_x": round(x + w / 2, 2),
                    "show_n": w >= 14,
                }
            )
            x += w
        rows.append(
            {
                "chapter": chapter,
                "y": y,
                "bar_y": y + (row_h - bar_h) / 2,
                "text_y": y + row_h / 2 + 4,
                "text_y1": y + row_h / 2 - 3,
                "text_y2": y + row_h / 2 + 11,
                "n_y": y + row_h / 2 + 3.5,
                "segments": segments,
                "total_x": label_w + bar_w + 6,
            }
        )
    legend_y = top + len(rows) * row_h + 16
    legend = []
    step = width / len(STATUS_ORDER)
    for i, status in enumerate(STATUS_ORDER):
        legend.append(
            {
                "x": round(i * step, 2),
                "text_x": round(i * step + 14, 2),
                "label": ActivityStatus(status).label,
                "colour": STATUS_COLOURS[status],
            }
        )
    height = legend_y + (22 if bilingual else 10)
    return {
        "width": width,
        "height": height,
        "label_w": label_w,
        "bar_area": bar_w,
        "bar_h": bar_h,
        "rows": rows,
        "legend": legend,
        "legend_y": legend_y,
        "legend_y2": legend_y + 13,
        "legend_rect_y": legend_y - 9,
        "max": scale_max,
    }


def years_chart(data: ReportData, bilingual: bool) -> dict | None:
    """Grouped vertical bars: activities started and completed in each year, as of the date."""
    started: Counter = Counter()
    completed: Counter = Counter()
    for chapter in data.chapters:
        for r in [r for c in chapter.commitments for r in c.activities] + chapter.loose:
            a = r.activity
            if a.actual_start and a.actual_start <= data.as_of:
                started[a.actual_start.year] += 1
            if r.status == ActivityStatus.COMPLETED and a.actual_end and a.actual_end <= data.as_of:
                completed[a.actual_end.year] += 1
    years_seen = set(started) | set(completed)
    first = min([data.plan.period_start_year, *years_seen])
    last = max([min(data.plan.period_end_year, data.as_of.year), *years_seen])
    if last < first:
        return None
    years = list(range(first, last + 1))
    width, height_plot, left, bottom_pad = 680, 150, 34, 24
    top = 10
    top_value = max([*started.values(), *completed.values(), 1])
    # A round axis of at most five steps of 1, 2, 5, 10, 20, 50, …
    step, magnitude = 1, 1
    while top_value / step > 5:
        for mult in (2, 5, 10):
            step = mult * magnitude
            if top_value / step <= 5:
                break
        else:
            magnitude *= 10
    axis_max = step * -(-top_value // step)
    slot = (width - left) / len(years)
    bar_w = min(28, slot * 0.35)
    bars = []
    for i, year in enumerate(years):
        cx = left + slot * i + slot / 2
        group = []
        for offset, n, colour in (
            (-bar_w - 1, started.get(year, 0), STARTED_COLOUR),
            (1, completed.get(year, 0), COMPLETED_COLOUR),
        ):
            h = height_plot * n / axis_max
            group.append(
                {
                    "x": round(cx + offset, 2),
                    "y": round(top + height_plot - h, 2),
                    "h": round(h, 2),
                    "n": n,
                    "colour": colour,
                    "label_x": round(cx + offset + bar_w / 2, 2),
                    "label_y": round(top + height_plot - h - 3, 2),
                }
            )
        bars.append({"year": year, "cx": round(cx, 2), "bars": group})
    ticks = [
        {
            "value": v,
            "y": round(top + height_plot - height_plot * v / axis_max, 2),
            "label_y": round(top + height_plot - height_plot * v / axis_max + 3, 2),
        }
        for v in range(0, axis_max + 1, step)
    ]
    legend_y = top + height_plot + bottom_pad + 14
    return {
        "width": width,
        "height": legend_y + (22 if bilingual else 10),
        "left": left,
        "top": top,
        "plot_bottom": top + height_plot,
        "year_y": top + height_plot + 15,
        "bar_w": round(bar_w, 2),
        "groups": bars,
        "ticks": ticks,
        "legend_y": legend_y,
        "legend_y2": legend_y + 13,
        "legend_rect_y": legend_y - 9,
        "tick_x": left - 6,
        "legend_x1": left + 14,
        "legend_x2": left + 150,
        "legend_x3": left + 164,
        "started_colour": STARTED_COLOUR,
        "completed_colour": COMPLETED_COLOUR,
    }


def funding_chart(totals: money.Totals, bilingual: bool) -> dict | None:
    """Horizontal bars of a theme's money: for each currency (its own scale: currencies are
    never compared or converted), each source's committed amount with the spent one below."""
    if not totals:
        return None
    width, label_w, amount_w = 680, 150, 190
    bar_w = width - label_w - amount_w
    row_h = 30 if bilingual else 24
    heading_h, bar_h = 16, 8
    y = 4
    groups = []
    for currency in totals.currencies():
        lines = [line for line in totals.lines if line.currency == currency]
        top_value = max([*(x.committed for x in lines), *(x.spent for x in lines)]) or 1
        rows = []
        for i, line in enumerate(lines):
            row_y = y + heading_h + i * row_h
            rows.append(
                {
                    "line": line,
                    "text_y1": row_y + 10,
                    "text_y2": row_y + 21,
                    "committed_y": row_y + 2,
                    "committed_w": round(float(bar_w * line.committed / top_value), 2),
                    "spent_y": row_y + 2 + bar_h + 1,
                    "spent_w": round(float(bar_w * line.spent / top_value), 2),
                    "amount_y1": row_y + 9,
                    "amount_y2": row_y + 18,
                    "committed": money.format_amount(line.committed, currency),
                    "spent": money.format_amount(line.spent, currency),
                }
            )
        groups.append({"currency": currency, "heading_y": y + 11, "rows": rows})
        y += heading_h + len(lines) * row_h + 6
    legend_y = y + 10
    return {
        "width": width,
        "height": legend_y + (22 if bilingual else 10),
        "label_w": label_w,
        "bar_area": bar_w,
        "bar_h": bar_h,
        "amount_x": label_w + bar_w + 8,
        "groups": groups,
        "legend_y": legend_y,
        "legend_y2": legend_y + 13,
        "legend_rect_y": legend_y - 9,
        "legend_x1": 14,
        "legend_x2": 150,
        "legend_x3": 164,
        "committed_colour": COMMITTED_COLOUR,
        "spent_colour": SPENT_COLOUR,
    }
