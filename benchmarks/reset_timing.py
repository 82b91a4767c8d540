"""Does a password-reset request take longer for an address that has an account? (issue 12)

The request only writes a mail_outbox row; the worker's sender thread talks to the mail server.
This sends N requests for a known and N for an unknown address, alternating, against a loopback
SMTP server that takes --smtp-delay seconds per mail, and prints the medians and p95 of both.

    .venv/bin/python benchmarks/reset_timing.py --requests 100 --smtp-delay 0.2
    .venv/bin/python benchmarks/reset_timing.py --mode inline    # the old way: the request waits for SMTP
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--smtp-delay", type=float, default=0.2)
    parser.add_argument("--mode", default="background", choices=("background", "inline", "off"))
    args = parser.parse_args()

    from aiosmtpd.controller import Controller

    from marketplace import create_app, db, mail
    from marketplace.account.services import hash_password
    from marketplace.categories import sync_categories
    from marketplace.models import User, UserRole

    class Slow:
        async def handle_DATA(self, server, session, envelope):
            await asyncio.sleep(args.smtp_delay)
            return "250 OK"

    smtp = Controller(Slow(), hostname="127.0.0.1", port=free_port())
    smtp.start()
    folder = Path(tempfile.mkdtemp())
    app = create_app({"TESTING": True, "SECRET_KEY": "x" * 40, "DATABASE_URL": f"sqlite:///{folder / 'b.db'}",
                      "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp.port, "MAIL_SEND_AFTER_COMMIT": args.mode,
                      "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1"})
    with app.app_context():
        db.upgrade(db.get_engine())
        with db.session_scope() as s:
            sync_categories(s)
            user = User(email="anna@example.nl", display_name="Anna",
                        password_hash=hash_password("geheim-wachtwoord", "pbkdf2:sha256:1"))
            user.roles = [UserRole(role="bewoner")]
            s.add(user)
    client = app.test_client()
    times = {"bekend": [], "onbekend": []}
    for i in range(args.requests * 2):
        kind, address = ("bekend", "anna@example.nl") if i % 2 == 0 else ("onbekend", f"niemand{i}@example.nl")
        start = time.perf_counter()
        response = client.post("/wachtwoord-vergeten", data={"email": address})
        times[kind].append(time.perf_counter() - start)
        assert response.status_code == 302, response.status_code
    mail.wait_for_background(app, timeout=args.requests * (args.smtp_delay + 1))
    smtp.stop()
    print(f"mode={args.mode} smtp_delay={args.smtp_delay}s requests={args.requests} per kind")
    for kind, values in times.items():
        values.sort()
        p95 = values[int(0.95 * (len(values) - 1))]
        print(f"  {kind:8s} p50 {statistics.median(values) * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
