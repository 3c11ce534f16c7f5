"""What of events the history records (core.history): series, events with their themes,
organisers and linked activities, programme items and delegation members."""

from core.history import record

from .models import DelegationMember, Event, EventSeries, ProgrammeItem

record(EventSeries)
record(Event, links=["themes", "organisers", "activities"], exclude=["updated_at"])
record(ProgrammeItem, parent="event")
record(DelegationMember, parent="event")
