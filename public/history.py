"""What of public pages the history records (core.history): switching on and off, the address.

Who and when are the entry's own; the version only counts writes.
"""

from core.history import record

from .models import PublicPage

record(
    PublicPage,
    parent="plan",
    exclude=[
        "version",
        "updated_at",
        "switched_on_by",
        "switched_on_at",
        "switched_off_by",
        "switched_off_at",
    ],
)
