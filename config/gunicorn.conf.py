"""gunicorn's settings wherever the portal is served: ``make run`` (scripts/run_all.py), the
image (Dockerfile, docker-compose.yml) and the load test (``python -m bench.load``).

Threaded workers (gthread): a page spends part of its time waiting for PostgreSQL or Redis,
when another thread of the same process can run. Sync workers serve one request each: with 50
people reading at once on 2 CPUs, 3 sync workers answered about half as many requests a second
as 3 processes of 4 threads, and requests waited in the listen queue (issue 13; README,
"Serving"). One process per CPU plus one (at most 9) keeps the cores busy while a process
waits; 4 threads each give 4 requests in flight per process without the memory of more
processes (~140 MB each).

Every thread keeps its own database connection (Django's are per thread): up to
processes × threads per web server, 12 on 2 CPUs, kept open between requests under
``CONN_MAX_AGE``. PostgreSQL's ``max_connections`` must cover that for every web replica plus
the Celery workers.

Overrides without editing this file: ``WEB_CONCURRENCY`` (processes), ``WEB_THREADS``
(threads each), or any option in ``GUNICORN_CMD_ARGS`` (gunicorn's own).
"""

import os


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY") or min(_cpus() + 1, 9))
threads = int(os.environ.get("WEB_THREADS") or 4)
# A consolidated PDF is made while its request waits (a few seconds for the whole plan).
timeout = 120
# No keep-alive: gthread closing an idle connection races a client's next request on it
# (reset by peer: 4 of 523 requests in the load test; gunicorn issues 1698 and 2676). A new
# connection costs well under a millisecond on loopback, and a proxy in front keeps the
# clients' connections open itself.
keepalive = 0
