"""Pagination of the API's lists (a module of its own: DRF imports it from the settings)."""

from rest_framework.pagination import PageNumberPagination


class StablePagination(PageNumberPagination):
    """``?page=2&page_size=100`` (at most 200) over an order that ends with the id."""

    page_size_query_param = "page_size"
    max_page_size = 200
