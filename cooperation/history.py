"""What of cooperation the history records (core.history): the plan and everything in it.

Not the status of an activity: its status updates are the append-only history of that (who,
when, from, to and a note that is part of the work). The activity's own fields are recorded,
the actual dates a status change sets included.
"""

from core.history import record

from .models import (
    ActionPlan,
    Activity,
    Amendment,
    AmendmentChange,
    Commitment,
    Evidence,
    Funding,
    Partnership,
    PlanVersion,
    RenewalApproval,
    Signatory,
    Theme,
    ThemeAgency,
)

record(Partnership)
record(ActionPlan, links=["coordinators"])
record(Signatory, parent="plan")
# Who approved and when are the entry's own; the fingerprint means nothing to a reader.
record(RenewalApproval, parent="plan", exclude=["approved_by", "approved_at", "fingerprint"])
record(Theme)
record(ThemeAgency, parent="theme")
record(Commitment, parent="theme", links=["agencies"])
# Who and when are the entry's own; the version only counts writes.
record(
    Activity,
    links=["participants"],
    exclude=["status", "version", "created_at", "created_by", "updated_at", "updated_by"],
)
record(Funding, parent="activity")
# The stored file's generated name means nothing to a reader; the name it came with does.
record(Evidence, parent="activity", exclude=["file", "uploaded_by", "uploaded_at"])
# An amendment's own record says who drafted and decided it; its version only counts writes.
record(Amendment, parent="plan", exclude=["version", "created_at", "updated_at"])
record(AmendmentChange, parent="amendment")
# A version is written once and never changed: its entry says when it was frozen.
record(PlanVersion, parent="plan", exclude=["snapshot", "created_at"])
