"""Pagination of the API's lists (a module of its own: DRF imports it from the settings)."""

from __future__ import annotations

from functools import partial

from django.core.paginator import Paginator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

from cooperation import search
from core.ids import MAX_ID, parse_id


class StampedCountPaginator(Paginator):
    """A paginator whose count is cached under the query's SQL and the list's change stamp
    (``api.stamps.change_stamp``, read once for the list's ETag): at 10,000 activities the
    count was a third of a page's time, and it only changes when the stamp does."""

    def __init__(self, *args, stamp: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.stamp = stamp

    @cached_property
    def count(self) -> int:
        if self.stamp is None or not hasattr(self.object_list, "query"):
            return super().count
        return search.cached_count(self.object_list, stamp=self.stamp)


class StablePagination(PageNumberPagination):
    """``?page=2&page_size=100`` (at most 200) over an order that ends with the id.

    A ``page`` or ``page_size`` that is not a whole number in range is a 400 naming it (DRF
    would quietly use its default); a page past the last one is 404, as documented."""

    page_size_query_param = "page_size"
    max_page_size = 200

    def _number(self, request, name: str, maximum: int | None) -> int | None:
        raw = request.query_params.get(name)
        if raw is None:
            return None
        value = parse_id(raw)
        if value is None or (maximum is not None and value > maximum):
            message = (
                _("Give a whole number from 1 to %(maximum)d.") % {"maximum": maximum}
                if maximum is not None
                else _("Give a whole number from 1.")
            )
            raise ValidationError({name: [message]})
        return value

    def check_numbers(self, request) -> None:
        """400 for a ``page`` or ``page_size`` out of range, without counting a row."""
        self.get_page_size(request)
        if request.query_params.get(self.page_query_param) not in self.last_page_strings:
            self._number(request, self.page_query_param, None)

    def get_page_size(self, request):
        return self._number(request, self.page_size_query_param, self.max_page_size) or (
            self.page_size
        )

    def get_page_number(self, request, paginator):
        if request.query_params.get(self.page_query_param) in self.last_page_strings:
            return super().get_page_number(request, paginator)
        return self._number(request, self.page_query_param, None) or 1

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
                parameter["description"] = (
                    f"Number of results per page: 1 to {self.max_page_size} "
                    f"(default {self.page_size}); anything else is 400."
                )
            else:
                parameter["schema"]["maximum"] = MAX_ID
                parameter["description"] = (
                    "A page number from 1; past the last page the answer is 404."
                )
        return parameters

    def paginate_queryset(self, queryset, request, view=None):
        # DRF builds the paginator itself: hand it the stamp the view read for its ETag.
        self.django_paginator_class = partial(
            StampedCountPaginator, stamp=getattr(view, "change_stamp", None)
        )
        return super().paginate_queryset(queryset, request, view)
