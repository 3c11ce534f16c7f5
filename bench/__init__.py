"""The benchmark of issue 11 (``python -m bench``, ``make bench``): seeds a database, serves
the portal with gunicorn and prints each measured page, API call and PDF as a ratio to its
reference. Nothing in the portal imports this package."""
