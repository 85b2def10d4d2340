# For bench/bench.py only: the wall time of each task of a play (from its start to the next task's start),
# appended as JSON lines to the file named by BENCH_TASK_TIMES.
from __future__ import annotations

import json
import os
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
name: task_times
type: aggregate
short_description: Wall time of each task, for bench/bench.py
description:
  - Appends one JSON line per play run to the file named by the environment variable BENCH_TASK_TIMES.
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "task_times"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        self.started = time.monotonic()
        self.rows = []
        self.current = None

    def _next(self, name):
        now = time.monotonic()
        if self.current is not None:
            self.rows.append((self.current[0], now - self.current[1]))
        self.current = (name, now) if name is not None else None

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._next(task.get_name())

    def v2_playbook_on_handler_task_start(self, task):
        self._next("handler: " + task.get_name())

    def v2_playbook_on_stats(self, stats):
        self._next(None)
        with open(os.environ["BENCH_TASK_TIMES"], "a", encoding="utf-8") as out:
            out.write(json.dumps({"total": time.monotonic() - self.started, "tasks": self.rows}) + "\n")
