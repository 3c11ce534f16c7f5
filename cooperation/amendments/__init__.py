"""Amendments of a plan, signed by both sides (Article Four, "updated as necessary").

- ``models``: Amendment, its AmendmentChange rows, and PlanVersion (the plan as signed and after
  each approved amendment, frozen);
- ``rules``: who may draft and decide, and what a change must name;
- ``snapshot``: a plan's content frozen as JSON, and two versions compared;
- ``notify``: the e-mails to the other side.

The writes are in ``cooperation.services.amendments``.
"""
