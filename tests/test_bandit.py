"""bandit (static security checks) finds nothing in the app and the matching library.

A finding is fixed, or marked ``# nosec BXXX`` on its line with the reason in a comment next to it.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys

from marketplace.config import REPO_ROOT

from .support import require


def test_bandit_is_clean_on_marketplace_and_matching():
    require(importlib.util.find_spec("bandit") is not None, "bandit is not installed (pip install -e '.[test]')")
    result = subprocess.run(
        [sys.executable, "-m", "bandit", "-q", "-r", "marketplace", "matching", "-f", "custom",
         "--msg-template", "{relpath}:{line} {test_id} {severity} {msg}"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
