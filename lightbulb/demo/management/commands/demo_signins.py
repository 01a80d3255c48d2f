"""`manage.py demo_signins`: the address and one demo sign-in per role, printed by `make run`."""

from __future__ import annotations

import socket
import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from lightbulb.demo.generator import DEMO_PASSWORD, DEMO_USERS


class Command(BaseCommand):
    help = "Print the demo council's address and sign-ins (demo settings only)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--wait", type=int, default=0, metavar="SECONDS", help="First wait up to this long for the web app to answer on the port")

    def handle(self, *args: Any, port: int, host: str, wait: int, **options: Any) -> None:
        # Printed once the server is listening, so the sign-ins come after its start-up messages.
        if wait:
            self._wait_for(host, port, wait)
        write = self.stdout.write
        rule = "─" * 78
        write(rule)
        write(self.style.SUCCESS(f"Lightbulb – Anytown demo council: http://{host}:{port}/"))
        write(rule)
        write(f"Every demo account's password: {DEMO_PASSWORD}")
        write("")
        write(f"  {'Role':<14}{'E-mail':<32}Two-factor authenticator secret")
        for user in DEMO_USERS:
            write(f"  {user.role:<14}{user.email:<32}{user.totp_secret or '(not needed)'}")
        write("")
        write("Officers, investigators and administrators then enter a 6-digit code. These demo accounts")
        write("already have an authenticator: the current code is shown on the code page, or add the")
        write("secret above to an authenticator app.")
        write("A council account you invite (Users, as the admin) gets its invitation e-mail printed here:")
        write("its link leads straight to setting up an authenticator. An account signing in with only a")
        write("password and no authenticator yet (say, after the admin resets it) first enters a 6-digit")
        write("code e-mailed to it, which prints here too.")
        write("The vcs user is a lead member of one demo organisation.")
        write("E-mail stays on this machine: short ones (password resets) print here, and every one,")
        write("such as the daily digest of deadlines, is saved under var/mail/. Press Ctrl-C to stop.")
        write(rule)

    def _wait_for(self, host: str, port: int, seconds: int) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((host, port), timeout=1):
                    return
            except OSError:
                time.sleep(0.5)
