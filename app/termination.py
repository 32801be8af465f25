"""SIGTERM as an exception, so that every command cleans up before it ends.

Supervisors (systemd, Docker, CI, ``kill``) stop a process with SIGTERM, whose
default action ends it at once: no ``finally``, no ``except BaseException``.
What a command had half-written stayed: ``cvkg serve --data`` left its
temporary store in the temporary folder at every stop, a store reloaded
when the signal came left its half-loaded copy beside the real one, a build
its unfinished output folder. Inside ``sigterm_cleans_up`` the signal raises
``Terminated`` instead; the cleanups on its way run; then the signal is
raised again with the handler that was there before, so the process still
ends "killed by SIGTERM" (exit status -15, 143 in a shell), as uvicorn means
it to after its own graceful shutdown (it catches SIGTERM, shuts down,
restores the previous handler and raises the signal again).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class Terminated(SystemExit):
    """SIGTERM received. A ``SystemExit``, so that no ``except Exception`` on the
    way (nor asyncio running a callback) takes it for an error and carries on."""


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated(128 + signum)


@contextmanager
def sigterm_cleans_up() -> Iterator[None]:
    """Run the block with SIGTERM raising ``Terminated``; once it has unwound,
    end by the signal as the process would have.

    Nested uses share the outermost one; outside the main thread (where Python
    cannot handle signals: a test, a server's thread) it changes nothing.
    """
    current = signal.getsignal(signal.SIGTERM)
    if current is _raise_terminated or threading.current_thread() is not threading.main_thread():
        yield
        return
    signal.signal(signal.SIGTERM, _raise_terminated)
    terminated = False
    try:
        yield
    except Terminated:
        terminated = True
    finally:
        signal.signal(signal.SIGTERM, current if current is not None else signal.SIG_DFL)
    if terminated:
        signal.raise_signal(signal.SIGTERM)  # the previous handler: by default, the end
        raise SystemExit(128 + signal.SIGTERM)  # a handler that returned: end all the same
