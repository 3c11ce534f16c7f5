"""Pagination of the API's lists (a module of its own: DRF imports it from the settings)."""

from __future__ import annotations

from functools import partial

from django.core.paginator import Paginator
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination

from cooperation import search


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
    """``?page=2&page_size=100`` (at most 200) over an order that ends with the id."""

    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        # DRF builds the paginator itself: hand it the stamp the view read for its ETag.
        self.django_paginator_class = partial(
            StampedCountPaginator, stamp=getattr(view, "change_stamp", None)
        )
        return super().paginate_queryset(queryset, request, view)
