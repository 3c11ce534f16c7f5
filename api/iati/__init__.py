"""The IATI 2.03 export of a plan's joint activities (``GET /api/v1/plans/{id}/iati.xml`` and
``manage.py export_iati``): ``codes`` maps the portal's values to IATI codes, ``rows`` reads a
plan in a fixed number of queries, ``build`` writes the document, ``views`` serves it."""
