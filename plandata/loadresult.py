"""What a load did: rows created, updated or left as they were, per model; and where the
portal differs from the plan file (kept when loading, applied when updating)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.db import models
from django.utils import translation

from cooperation.models import (
    ActionPlan,
    Commitment,
    Partnership,
    Signatory,
    Theme,
    ThemeAgency,
)
from events.models import Event, EventSeries
from partners.models import Agency, City
from reviews.models import Review

#: The models the loader writes, in the order it writes them (and reports them).
LOADED_MODELS: tuple[type[models.Model], ...] = (
    City,
    Agency,
    Partnership,
    ActionPlan,
    Signatory,
    Theme,
    ThemeAgency,
    Commitment,
    EventSeries,
    Event,
    Review,
)

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class Difference:
    """Where the portal and the file disagree: ``field`` of the row ``what`` (a field name, or
    ``"(row)"`` for a part missing in the portal), the portal's value and the file's."""

    what: str
    field: str
    portal: object
    file: object

    def line(self) -> str:
        if self.field == "(row)":
            return f"{self.what}: in the file, not in the portal"
        return f"{self.what}: {self.field}: portal {_shown(self.portal)}, file {_shown(self.file)}"


def _shown(value) -> str:
    if isinstance(value, list | set | tuple):
        return "[" + ", ".join(sorted(str(v) for v in value)) + "]"
    # Texts quoted (so that an empty one shows), everything else as it reads: 2021-12-31.
    text = repr(value) if isinstance(value, str) or value is None else str(value)
    return text if len(text) <= 80 else text[:79] + "…'"


@dataclass
class LoadResult:
    """How many rows of each model (keyed by class name, e.g. ``"Theme"``) were created,
    updated or left unchanged; and the differences between the portal and the file: kept
    (loading) or applied (updating)."""

    path: Path
    update: bool = False
    dry_run: bool = False
    counts: dict[str, Counts] = field(
        default_factory=lambda: {model.__name__: Counts() for model in LOADED_MODELS}
    )
    differences: list[Difference] = field(default_factory=list)

    def add(self, model: type[models.Model], outcome: str) -> None:
        counts = self.counts.setdefault(model.__name__, Counts())
        setattr(counts, outcome, getattr(counts, outcome) + 1)

    @property
    def created(self) -> int:
        return sum(c.created for c in self.counts.values())

    @property
    def updated(self) -> int:
        return sum(c.updated for c in self.counts.values())

    @property
    def unchanged(self) -> int:
        return sum(c.unchanged for c in self.counts.values())

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def summary_lines(self) -> list[str]:
        """A plain-text table of the counts, one line per model plus a total."""
        labels = {model.__name__: model._meta.verbose_name_plural for model in LOADED_MODELS}
        with translation.override("en"):
            rows = [(str(labels.get(name, name)), c) for name, c in self.counts.items()]
        width = max(len("total"), *(len(label) for label, _ in rows))
        header = f"{'':<{width}}  {'created':>7}  {'updated':>7}  {'unchanged':>9}"
        lines = [header]
        for label, c in rows:
            lines.append(f"{label:<{width}}  {c.created:>7}  {c.updated:>7}  {c.unchanged:>9}")
        lines.append(
            f"{'total':<{width}}  {self.created:>7}  {self.updated:>7}  {self.unchanged:>9}"
        )
        return lines
