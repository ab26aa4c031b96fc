"""A machine-wide bound on kaleido exports (each one drives a headless Chromium for seconds).

Only the renderer process (`dashboard.web.renderer`) exports; web workers never do (issue 15).
Every process on the machine shares `SLOTS` lock files, so a second renderer (or a script) does
not pile Chromiums onto the cores: an export takes a free slot or, after `wait` seconds without
one, gets `Busy` and tries again later. Under 8-way load unbounded exports inside web requests
took up to 13.5 s each and starved every other request (issue 15).
"""

from __future__ import annotations

import fcntl
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SLOTS = 1  # Chromium exports at once on this machine (2 shared cores)
WAIT = 1.0  # seconds to wait for a slot before `Busy`, unless the caller says otherwise
_POLL = 0.05


class Busy(Exception):
    """Every export slot is taken: try again later."""


LOCK_DIR = Path(tempfile.gettempdir()) / f"pressure-points-exports-{os.getuid()}"


@contextmanager
def slot(slots: int = SLOTS, wait: float = WAIT) -> Iterator[int]:
    """Hold one of `slots` machine-wide export slots (a flock on a lock file, released when the
    block ends or the process dies); raise `Busy` when none frees up within `wait` seconds."""
    directory = LOCK_DIR
    directory.mkdir(mode=0o700, exist_ok=True)
    deadline = time.monotonic() + wait
    while True:
        for index in range(slots):
            handle = open(directory / f"slot-{index}.lock", "a+b")  # noqa: SIM115 (held below)
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                continue
            try:
                yield index
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
                handle.close()
            return
        if time.monotonic() >= deadline:
            raise Busy(f"all {slots} image export slot(s) busy")
        time.sleep(_POLL)
