"""Review pages (read-only for now): the list and one review with its per-theme assessment."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from . import selectors


@login_required
@require_GET
def review_list(request):
    reviews = selectors.review_list(request.user)
    return render(request, "reviews/review_list.html", {"reviews": reviews})


@login_required
@require_GET
def review_detail(request, pk: int):
    review = get_object_or_404(selectors.review_detail_queryset(request.user), pk=pk)
    return render(
        request,
        "reviews/review_detail.html",
        {"review": review, "theme_rows": selectors.theme_rows(review)},
    )
