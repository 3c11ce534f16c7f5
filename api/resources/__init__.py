"""The resources of the REST API, version 1 (``/api/v1/``): one module each, holding its
serializers and its viewset, registered in ``api.urls``.

Every viewset reads through the apps' selectors (rows of the user's partnerships only, so
anything else is 404), asks ``partners.access`` object by object (403 when seen but not
allowed), and writes through the apps' services where a change has rules:

- activities: ``cooperation.services.create_activity`` / ``update_activity`` (with its
  version check) and ``change_activity_status``; their funding through
  ``cooperation.funding``, their evidence through ``cooperation.services``;
- programme items: ``events.services.add_programme_item`` / ``delete_programme_item``;
- reviews: ``reviews.services`` (the review workflow); reports: ``reviews.reports``.

Plans, themes, commitments, agencies and events have no rules beyond the model's own: they
are written as /manage/ writes them (``api.model_writes``), after ``access.require`` (MANAGE
for coordinators' work; CHANGE for agencies and for events, which staff of an organising
agency may edit) and the model's validation (``full_clean``).

What they share sits beside this package: ``api.base`` (the viewset base), ``api.etags``,
``api.schema``, ``api.serializers_base``, ``api.fields``, ``api.filters``, ``api.exceptions``.
"""
