"""What of reviews the history records (core.history): reviews and their theme assessments
(not the reminders: those have their own record of every attempt)."""

from core.history import record

from .models import Review, ThemeAssessment

record(Review, exclude=["version"])
# Who assessed is the entry's own "who".
record(ThemeAssessment, parent="review", exclude=["assessed_by", "updated_at"])
