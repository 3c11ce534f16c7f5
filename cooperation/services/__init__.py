"""Every write of the cooperation app, one module per thing written:

- ``plans``: partnerships, plans and their signatories;
- ``themes``: themes and their responsible agencies;
- ``commitments``: the commitments of a theme;
- ``activities``: joint activities and their status history;
- ``funding``: an activity's funding by source;
- ``evidence``: an activity's evidence files.

Pages, the API, /manage/, /admin/, the loaders and tasks all call these functions; forms and
serializers only parse what they are given.
"""
