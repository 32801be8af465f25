"""The query workers' CPU priority: a long job steps aside for the short ones.

A job running longer than ``DEMOTE_AFTER`` drops to the lowest CPU priority,
so that short queries and pages keep the cores while runaways use what is
left. An unprivileged server cannot raise a priority back (CAP_SYS_NICE):
such a worker is then replaced once its job is done (``workers.py``).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.server.workers import Worker

DEMOTE_AFTER = 1.0
LOWEST_PRIORITY = 19
WORKER_PRIORITY = 5  # worker_main.NICENESS: below the server


def demote(worker: Worker) -> None:
    try:
        os.setpriority(os.PRIO_PROCESS, worker.process.pid, LOWEST_PRIORITY)
        worker.demoted = True
    except OSError:
        pass


def restore(worker: Worker) -> bool:
    """Give a demoted worker its priority back; whether it could."""
    try:
        os.setpriority(os.PRIO_PROCESS, worker.process.pid, WORKER_PRIORITY)
    except OSError:
        return False
    worker.demoted = False
    return True
