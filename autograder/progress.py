"""A progress bar with count and ETA on stderr (nbgrader #1456); no dependency."""

from __future__ import annotations

import sys
import time

from autograder.language import instructor_language
from workbook.i18n import message

TEXT = {"times": ("{elapsed} s vergangen, noch ca. {eta}",  # key: (German, English)
                  "{elapsed}s elapsed, ETA {eta}")}


class Progress:
    def __init__(self, total, label="grading", stream=None, width=30):
        self.total, self.label, self.width = total, label, width
        self.stream = stream or sys.stderr
        self.done = 0
        self.start = time.monotonic()
        self._last = 0.0
        self.tty = getattr(self.stream, "isatty", lambda: False)()

    def line(self):
        elapsed = time.monotonic() - self.start
        frac = self.done / self.total if self.total else 1.0
        bar = "#" * int(frac * self.width)
        eta = elapsed / self.done * (self.total - self.done) if self.done else float("nan")
        eta_text = "--:--" if eta != eta else f"{int(eta) // 60:02d}:{int(eta) % 60:02d}"
        times = message(TEXT, "times", instructor_language(), elapsed=f"{elapsed:5.0f}",
                        eta=eta_text)
        return f"{self.label} [{bar:<{self.width}}] {self.done}/{self.total} {times}"

    def update(self, n=1):
        self.done += n
        now = time.monotonic()
        if self.tty:
            if now - self._last > 0.2 or self.done == self.total:
                self.stream.write("\r" + self.line())
                self.stream.flush()
                self._last = now
        elif now - self._last > 10 or self.done == self.total:  # logs: a line now and then
            self.stream.write(self.line() + "\n")
            self._last = now

    def close(self):
        if self.tty:
            self.stream.write("\n")
        self.stream.flush()
