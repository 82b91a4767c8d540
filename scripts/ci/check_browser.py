#!/usr/bin/env python3
"""Smoke test: can Playwright for Python drive the system Chromium?

    $PYTHON scripts/ci/check_browser.py [CHROMIUM_PATH]

CHROMIUM_PATH defaults to $BUURTPLEIN_CHROMIUM, then /usr/bin/chromium.
Launches it headless with the flags our tests use, opens a data: page, clicks a
button and reads the text it wrote. Exit 0 on success; 1 on failure and 2 when
Playwright is not importable, each with a message on stderr. Prints nothing on stdout.
"""
from __future__ import annotations

import os
import sys
import urllib.parse

# Flags every test launch should use (root has no sandbox; this machine's network
# is closed, so background/component/sync traffic would only produce errors).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>buurtplein-check</title></head>
<body><button id="b" onclick="document.getElementById('out').textContent='Hallo buurt ' + (6*7)">Klik</button>
<p id="out">nog niet</p></body></html>"""
EXPECTED = "Hallo buurt 42"


def fail(msg: str, code: int = 1) -> "NoReturn":  # noqa: F821
    print(f"check_browser: FAIL: {msg}", file=sys.stderr)
    sys.exit(code)


def main() -> None:
    exe = (sys.argv[1] if len(sys.argv) > 1 else None) or os.environ.get("BUURTPLEIN_CHROMIUM") or "/usr/bin/chromium"
    if not (os.path.isfile(exe) and os.access(exe, os.X_OK)):
        fail(f"no executable Chromium at {exe} (run scripts/ci/browser.sh)")
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        fail(f"Playwright for Python is not importable by {sys.executable} ({exc}); "
             "pip install playwright into that environment or set PYTHON", 2)

    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=exe, headless=True, args=CHROMIUM_ARGS, timeout=60_000)
            try:
                version = browser.version
                page = browser.new_page()
                page.set_default_timeout(15_000)
                page.goto("data:text/html," + urllib.parse.quote(PAGE))
                before = page.inner_text("#out")
                page.click("#b")
                after = page.inner_text("#out")
                title = page.title()
            finally:
                browser.close()
    except PlaywrightError as exc:
        fail(f"Playwright could not drive {exe}: {exc}")
    except Exception as exc:  # e.g. the bundled node driver failed to start
        fail(f"Playwright driver failed ({type(exc).__name__}: {exc}); if stderr above says a shared "
             "library (e.g. libatomic.so.1) is missing, install its Debian package")

    if before != "nog niet" or after != EXPECTED or title != "buurtplein-check":
        fail(f"unexpected page state: title={title!r} before={before!r} after click={after!r} (want {EXPECTED!r})")
    print(f"check_browser: OK: Playwright drove Chromium {version} at {exe} (click -> {after!r})", file=sys.stderr)


if __name__ == "__main__":
    main()
