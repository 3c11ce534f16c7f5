"""The resources of the REST API, version 1 (``/api/v1/``): one module each, holding its
serializers and its viewset, registered in ``api.urls``.

Every viewset reads through the apps' selectors (rows of the user's partnerships only, so
anything else is 404), asks ``partners.access`` object by object (403 when seen but not
allowed), and writes only through the apps' services, the same functions the pages, /manage/,
/admin/ and the loaders call (``api.service_writes`` for plain create, change and delete):
plans, themes and commitments (``cooperation.services.plans``, ``.themes``, ``.commitments``),
agencies (``partners.services``), activities with their status, funding and evidence
(``cooperation.services.activities``, ``.funding``, ``.evidence``), events with their
programme (``events.services``), reviews and their workflow (``reviews.services``) and
progress reports. Serializers only parse: types, choices and lengths.

What they share sits beside this package: ``api.base`` (the viewset base), ``api.etags``,
``api.schema``, ``api.serializers_base``, ``api.fields``, ``api.filters``, ``api.exceptions``.
"""
