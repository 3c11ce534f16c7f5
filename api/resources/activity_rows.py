"""The activity list's page read as plain values: the same JSON as ``ActivitySerializer``, byte
for byte (``tests/api/test_activity_rows.py``), without a model instance per row, theme, plan,
author and status update.

A page of 50 through model instances and the serializer built some 800 objects for a reader
of ids and names; here it is four queries of plain values (the page, its participants, status
history and funding) and each value goes through the serializer's own field, so dates, times
and amounts read exactly as in a detail.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import F, QuerySet
from rest_framework import serializers

from cooperation.models import Funding, StatusUpdate
from partners.models import Agency

from ..fields import TranslatedField

# The columns of the annotations the page adds (names no model field has).
PLAN = "row_plan"


def _user_column(name: str) -> str:
    return f"row_{name}"


# Fields whose JSON is the database's value itself (an int, a str, a bool).
_AS_IS = (serializers.IntegerField, serializers.CharField, serializers.BooleanField)


def _formatter(field):
    """The serializer's field for a non-null value (the serializer writes None as null)."""
    if type(field) in _AS_IS or isinstance(field, serializers.ChoiceField):
        return None
    represent = field.to_representation

    def format_value(value):
        return None if value is None else represent(value)

    return format_value


class Rows:
    """The representation of one serializer's rows from ``values()``; built once per request
    from the serializer (its fields say the keys, their order and formats)."""

    def __init__(self, serializer: serializers.ModelSerializer, *, nested: dict | None = None):
        self.columns: list[str] = []
        self.annotations: dict = {}
        self.parts: list = []  # (key, kind, column(s), formatter)
        nested = nested or {}
        for key, field in serializer.fields.items():
            if key in nested:
                self.parts.append((key, "nested", key, None))
            elif isinstance(field, TranslatedField):
                columns = {lang: field.model_field(lang) for lang in ("en", "zh-hans")}
                self.columns.extend(columns.values())
                self.parts.append((key, "translated", columns, None))
            elif isinstance(field, serializers.ManyRelatedField):
                self.parts.append((key, "many", key, None))
            elif isinstance(field, serializers.SlugRelatedField):
                column = _user_column(key)
                self.annotations[column] = F(f"{field.source}__{field.slug_field}")
                self.parts.append((key, "value", column, None))
            elif isinstance(field, serializers.PrimaryKeyRelatedField):
                column = f"{field.source}_id"
                self.columns.append(column)
                self.parts.append((key, "value", column, None))
            elif "." in field.source:
                column = f"row_{key}"
                self.annotations[column] = F(field.source.replace(".", "__"))
                self.parts.append((key, "value", column, _formatter(field)))
            else:
                self.columns.append(field.source)
                self.parts.append((key, "value", field.source, _formatter(field)))
        if "id" not in self.columns:
            self.columns.append("id")

    def fields(self) -> list[str]:
        """What the rows read, for ``only()`` on model instances (a detail)."""
        return [*self.columns, *(expression.name for expression in self.annotations.values())]

    def values(self, queryset: QuerySet) -> QuerySet:
        return queryset.values(*self.columns, **self.annotations)

    def represent(self, row: dict, many: dict, nested: dict) -> dict:
        out = {}
        for key, kind, column, format_value in self.parts:
            if kind == "value":
                value = row[column]
                out[key] = format_value(value) if format_value else value
            elif kind == "translated":
                out[key] = {lang: row[name] or "" for lang, name in column.items()}
            elif kind == "many":
                out[key] = many[key].get(row["id"], [])
            else:
                out[key] = nested[key].get(row["id"], [])
        return out


def _grouped(rows, shape: Rows, owner: str) -> dict[int, list]:
    groups = defaultdict(list)
    for row in rows:
        groups[row[owner]].append(shape.represent(row, {}, {}))
    return groups


class ActivityRows:
    """``page(queryset)``: the page's values; ``data(rows)``: the list's JSON rows."""

    def __init__(self, serializer_class, status_serializer, funding_serializer):
        serializer = serializer_class()
        self.activity = Rows(serializer, nested={"status_history": 1, "fundings": 1})
        self.status = Rows(status_serializer())
        self.status.columns.append("activity_id")
        self.funding = Rows(funding_serializer())
        self.funding.columns.append("activity_id")

    def page_values(self, queryset: QuerySet) -> QuerySet:
        return self.activity.values(queryset)

    def data(self, rows) -> list[dict]:
        rows = list(rows)
        ids = [row["id"] for row in rows]
        participants = defaultdict(list)
        if ids:
            # The agencies' own order (Agency.Meta, per language), as a prefetch would give.
            links = Agency.objects.filter(participations__in=ids).values_list(
                "participations", "pk"
            )
            for activity_id, agency_id in links:
                participants[activity_id].append(agency_id)
        history = _grouped(
            self.status.values(
                StatusUpdate.objects.filter(activity_id__in=ids).order_by("-sequence")
            ),
            self.status,
            "activity_id",
        )
        fundings = _grouped(
            self.funding.values(
                Funding.objects.filter(activity_id__in=ids).order_by("source", "id")
            ),
            self.funding,
            "activity_id",
        )
        many = {"participants": participants}
        nested = {"status_history": history, "fundings": fundings}
        return [self.activity.represent(row, many, nested) for row in rows]
