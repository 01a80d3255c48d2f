"""The mixed load `make load` drives (ENGINEERING.md §5): officers, councillors and organisations' portal users.

Users are locust's FastHttpUser (geventhttpclient): on two cores the load generator shares the
machine with the service, and the requests-based HttpUser spent several times more of it per request.

Run by `benchmarks/load.py`, which seeds the database, starts gunicorn and the worker on
loopback, signs the demo users in and hands this file their session cookies and the records to
visit in `LOAD_PLAN` (JSON). With `LOAD_EMPTY=1` every user asks only for the empty view
(`/healthz`): the ceiling the same stack reaches in the same run.
"""

from __future__ import annotations

import itertools
import json
import os
import random
from typing import Any

from locust import FastHttpUser, between, task

PLAN: dict[str, Any] = json.loads(os.environ.get("LOAD_PLAN", "{}"))
# Each user's pause between requests, in seconds. Short on purpose: the target is 150 requests a
# second from 50 users, which pauses of about a second (50 a second at most) could never ask for.
PAUSE = between(0.1, 0.3)
TAKEN = {role: itertools.count() for role in ("officer", "councillor", "vcs")}
SEARCHES = ["community", "food bank", "youth", "comunity centre", "church", "sports club", "arts", "garden"]


class SignedIn(FastHttpUser):
    """A user with a browser of its own, whose session the runner made (signed in past two-factor authentication)."""

    abstract = True
    role = ""
    wait_time = PAUSE

    def on_start(self) -> None:
        # A browser of its own: the next unused session and CSRF cookie of this role's.
        browsers = PLAN.get("browsers", {}).get(self.role, [])
        browser = browsers[next(TAKEN[self.role]) % len(browsers)]
        self.headers = {"Cookie": f"{PLAN['cookie_name']}={browser['session']}; {PLAN['csrf_cookie_name']}={browser['csrf']}"}

    def visit(self, path: str, name: str) -> None:
        with self.client.get(path, name=name, headers=self.headers, catch_response=True, allow_redirects=False) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {path}")


class Officer(SignedIn):
    weight = 5
    role = "officer"

    @task(3)
    def dashboard(self) -> None:
        self.visit("/", "dashboard")

    @task(4)
    def search(self) -> None:
        self.visit(f"/organisations/?q={random.choice(SEARCHES).replace(' ', '+')}", "register search")

    @task(3)
    def organisation(self) -> None:
        self.visit(f"/organisations/{random.choice(PLAN['organisations'])}/", "organisation page")

    @task(2)
    def agreements(self) -> None:
        self.visit(random.choice(["/funding/agreements/", "/funding/agreements/?status=live", "/funding/returns/", "/funding/payments/"]), "funding lists")

    @task(1)
    def agreement(self) -> None:
        self.visit(f"/funding/agreements/{random.choice(PLAN['agreements'])}/", "agreement page")

    @task(1)
    def wards(self) -> None:
        self.visit(random.choice(["/places/wards/", f"/places/wards/{random.choice(PLAN['wards'])}/"]), "wards")


class Councillor(SignedIn):
    weight = 2
    role = "councillor"

    @task(2)
    def dashboard(self) -> None:
        self.visit("/", "dashboard")

    @task(2)
    def ward(self) -> None:
        self.visit(f"/places/wards/{random.choice(PLAN['wards'])}/", "wards")

    @task(2)
    def search(self) -> None:
        self.visit(f"/organisations/?q={random.choice(SEARCHES).replace(' ', '+')}", "register search")

    @task(1)
    def organisation(self) -> None:
        self.visit(f"/organisations/{random.choice(PLAN['organisations'])}/", "organisation page")


class Portal(SignedIn):
    weight = 3
    role = "vcs"

    @task(3)
    def home(self) -> None:
        self.visit("/organisations/portal/", "portal home")

    @task(2)
    def own_organisation(self) -> None:
        self.visit(f"/organisations/portal/organisation/{PLAN['portal_organisation']}/", "portal organisation")

    @task(1)
    def find(self) -> None:
        self.visit(f"/organisations/portal/find?q={random.choice(SEARCHES).replace(' ', '+')}", "portal search")


class Empty(FastHttpUser):
    """The ceiling: only the empty view."""

    wait_time = PAUSE
    weight = 1

    @task
    def healthz(self) -> None:
        self.client.get("/healthz", name="empty view")


if os.environ.get("LOAD_EMPTY"):
    # Only the empty view is driven in this pass.
    del Officer, Councillor, Portal
else:
    del Empty
