"""Demo work on the plan's reviews (``data/demo/reviews.toml``): the mid-term review completed
with its assessments and conclusion, the evaluation's preparation started.

Written through the review services as the demo coordinator, each step under the day it
happened (``core.clock.recorded_at``), and only to a review nobody has worked on yet (still
scheduled, no assessment): loading again changes nothing, and what a coordinator did to a
review (started, assessed, completed, reopened) is never overwritten.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from core.clock import recorded_at
from reviews import services
from reviews.models import Review, ReviewStatus

from .demofile import DemoData, DemoDataError


def _untouched(review: Review) -> bool:
    return review.status == ReviewStatus.SCHEDULED and not review.assessments.exists()


def check_reviews(data: DemoData, plan, themes: dict) -> None:
    """Every review and theme the files name is the loaded plan's (else DemoDataError)."""
    codes = set(plan.reviews.values_list("code", flat=True))
    problems = []
    for where, spec in data.reviews:
        if spec["code"] not in codes:
            problems.append(f"{where}: 'code' {spec['code']!r} is not a review of the plan")
        assessed = {a["theme"] for _w, a in spec["assessments"]}
        for item_where, item in spec["assessments"]:
            if item["theme"] not in themes:
                problems.append(f"{item_where}: 'theme' {item['theme']!r} is not a theme of it")
        if spec["assessments"] and assessed != set(themes):
            missing = ", ".join(sorted(set(themes) - assessed))
            problems.append(f"{where}: a completed review assesses every theme (not {missing})")
    if problems:
        raise DemoDataError(
            f"{data.directory}: " + f"\n{data.directory}: ".join(problems) + "; nothing was loaded"
        )


def write_reviews(data: DemoData, plan, themes: dict, noon) -> int:
    """Replay the work on each untouched review; the number of reviews written."""
    users = {
        u.username: u
        for u in get_user_model().objects.filter(
            username__in={spec["recorded_by"] for _w, spec in data.reviews}
        )
    }
    written = 0
    for _where, spec in data.reviews:
        review = Review.objects.get(plan=plan, code=spec["code"])
        if not _untouched(review):
            continue
        user = users[spec["recorded_by"]]
        with recorded_at(noon(spec["started_on"])):
            review = services.start_preparation(
                user=user, review=review, expected_version=review.version
            )
            for _w, item in spec["assessments"]:
                services.save_assessment(
                    user=user,
                    review=review,
                    theme=themes[item["theme"]],
                    rating=item["rating"],
                    narrative_en=item["narrative"]["en"],
                    narrative_zh_hans=item["narrative"]["zh-hans"],
                )
        if spec.get("completed_on"):
            with recorded_at(noon(spec["completed_on"])):
                services.complete_review(
                    user=user,
                    review=review,
                    conclusion=spec["conclusion"],
                    conclusions_text_en=spec["conclusions"]["en"],
                    conclusions_text_zh_hans=spec["conclusions"]["zh-hans"],
                    expected_version=review.version,
                )
        written += 1
    return written
