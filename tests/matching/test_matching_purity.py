"""The matching library stays pure Python: importing any of it loads no web framework, no database
layer and no app code (checked in a fresh interpreter: this test process has them all loaded)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("flask", "werkzeug", "jinja2", "sqlalchemy", "sqlmodel", "alembic", "psycopg", "marketplace")

CODE = f"""
import importlib, pkgutil, sys, matching
for module in pkgutil.walk_packages(matching.__path__, "matching."):
    importlib.import_module(module.name)
bad = sorted({{name.split(".")[0] for name in sys.modules}} & set({FORBIDDEN!r}))
print(bad, matching.__file__)
sys.exit(1 if bad else 0)
"""


def test_importing_every_module_of_matching_loads_no_flask_and_no_database():
    result = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert str(ROOT / "matching") in result.stdout  # this worktree's library, not an installed copy
