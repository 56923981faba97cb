"""The per-epoch progress bar: steps done, speed, running loss and metrics.

With `rich` installed (`pip install graphc-runtime[progress]`) it is a rich
bar; without it a one-line bar redrawn with carriage returns.  Either way it
is drawn only on a terminal (never into logs or pipes), only on DDP rank 0,
and never with `quiet=True`; it disappears at the end of the epoch, leaving the
`epoch N/M - loss: ...` line.  Running values are read from the device at most
a few times a second.
"""

from __future__ import annotations

import sys
import time

from ..logs import format_value

REFRESH_S = 0.25


def _summary(logs, limit=6):
    items = list(logs.items())[:limit]
    return " - ".join(f"{k}: {format_value(v)}" for k, v in items)


class Progress:
    def __init__(self, enabled=True, stream=None):
        self.stream = stream or sys.stderr
        self.enabled = bool(enabled) and hasattr(self.stream, "isatty") and self.stream.isatty()
        self._rich = None
        self._task = None
        self._last = 0.0
        self._start = 0.0
        self._steps = None
        self._title = ""
        if self.enabled:
            try:
                from rich.console import Console
                from rich.progress import (
                    BarColumn,
                    MofNCompleteColumn,
                    TextColumn,
                    TimeElapsedColumn,
                    TimeRemainingColumn,
                )
                from rich.progress import Progress as RichProgress
            except ImportError:
                self._rich = None
            else:
                self._rich = RichProgress(
                    TextColumn("{task.description}"),
                    BarColumn(),
                    MofNCompleteColumn(),
                    TimeElapsedColumn(),
                    TimeRemainingColumn(),
                    TextColumn("{task.fields[logs]}"),
                    console=Console(file=self.stream),
                    transient=True,
                    auto_refresh=False,  # redrawn by step(), at most every REFRESH_S
                )

    def epoch_start(self, epoch, epochs, steps):
        if not self.enabled:
            return
        self._steps = steps
        self._start = self._last = time.monotonic()
        self._title = f"epoch {epoch + 1}/{epochs}"
        if self._rich is not None:
            self._rich.start()
            self._task = self._rich.add_task(self._title, total=steps, logs="")

    def step(self, done, logs_fn):
        """`done` steps finished; `logs_fn()` gives the running logs when needed."""
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last < REFRESH_S and done != self._steps:
            return
        self._last = now
        text = _summary(logs_fn())
        if self._rich is not None:
            self._rich.update(self._task, completed=done, logs=text)
            self._rich.refresh()
            return
        total = self._steps
        rate = done / max(now - self._start, 1e-9)
        if total:
            width = 24
            filled = int(width * done / total)
            bar = (
                "[" + "=" * filled + (">" if filled < width else "") + "." * max(width - filled - 1, 0) + "]"
            )
            head = f"{self._title} {bar} {done}/{total}"
        else:
            head = f"{self._title} {done}"
        self.stream.write(f"\r{head} {rate:.1f} steps/s - {text}\x1b[K")
        self.stream.flush()

    def epoch_end(self):
        if not self.enabled:
            return
        if self._rich is not None:
            if self._task is not None:
                self._rich.remove_task(self._task)
                self._task = None
            self._rich.stop()
        else:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
