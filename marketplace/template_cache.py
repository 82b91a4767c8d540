"""Compiled templates shared by every app of one process.

Jinja compiles a template (parse, generate Python, ``compile()``) once per environment, and every
``create_app()`` makes a new environment: the test suite makes hundreds of apps, and each paid
~20 ms per template it rendered. The bytecode cache keys on the template's name and checks its
source checksum, so an edited template is compiled afresh.
"""

from __future__ import annotations

import threading

from jinja2 import BytecodeCache
from jinja2.bccache import Bucket


class ProcessBytecodeCache(BytecodeCache):
    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def load_bytecode(self, bucket: Bucket) -> None:
        data = self._store.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)  # ignored when the source's checksum changed

    def dump_bytecode(self, bucket: Bucket) -> None:
        with self._lock:
            self._store[bucket.key] = bucket.bytecode_to_string()


shared = ProcessBytecodeCache()
