"""What the load test's simulated people do (``python -m bench.load`` runs it; see there).

A signed-in member of the partnership reads the dashboard, the activity list (filtered too), an
activity and a theme; the API reads a page of activities; a visitor reads the public page.
``bench.load`` hands over the session cookie, the API token and the paths in the environment:
this file only runs under Locust, in a process of its own (Locust patches the standard library
with gevent when it is imported).
"""

import json
import os
import random

from locust import HttpUser, between, task

SETUP = json.loads(os.environ.get("BENCH_LOAD_SETUP") or "{}")


class Member(HttpUser):
    """A coordinator reading pages (thinking 1–3 s between them) and the API now and then."""

    wait_time = between(1, 3)

    def on_start(self):
        cookie = SETUP.get("cookie")
        if cookie:
            self.client.headers["Cookie"] = cookie

    @task(3)
    def dashboard(self):
        self.client.get(SETUP.get("dashboard", "/"), name="dashboard")

    @task(3)
    def activity_list(self):
        self.client.get("/activities/", name="activity list")

    @task(1)
    def activity_search(self):
        self.client.get("/activities/?status=in_progress&text=a", name="activity list, filtered")

    @task(4)
    def activity(self):
        ids = SETUP.get("activities") or [0]
        self.client.get(f"/activities/{random.choice(ids)}/", name="activity page")

    @task(2)
    def theme(self):
        ids = SETUP.get("themes") or [0]
        self.client.get(f"/themes/{random.choice(ids)}/", name="theme page")

    @task(1)
    def api_activities(self):
        token = SETUP.get("token")
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.client.get("/api/v1/activities/", headers=headers, name="API activities")

    @task(1)
    def public_page(self):
        if SETUP.get("public"):
            # Without the member's cookie: what a visitor gets.
            self.client.get(SETUP["public"], headers={"Cookie": ""}, name="public page")
