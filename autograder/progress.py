"""A progress bar with count and ETA on stderr (nbgrader #1456); no dependency. It also knows
which submissions are being graded: a line names each one that runs longer than ``stall``
seconds (again every ``stall`` seconds), and :meth:`Progress.running` lists them for a run that
is interrupted."""

from __future__ import annotations

import sys
import time

from autograder.language import instructor_language
from workbook.i18n import message

TEXT = {"times": ("{elapsed} s vergangen, noch ca. {eta}",  # key: (German, English)
                  "{elapsed}s elapsed, ETA {eta}"),
        "stalled": ("{name} wird seit {seconds} s bewertet",
                    "still grading {name} for {seconds} s")}


class Progress:
    def __init__(self, total, label="grading", stream=None, width=30, stall=60.0):
        self.total, self.label, self.width, self.stall = total, label, width, stall
        self.jobs = {}  # name -> [started, last "still grading" line] (time.monotonic())
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

    def started(self, name):
        """The submission ``name`` (``student/assignment``) is being graded from now on."""
        now = time.monotonic()
        self.jobs[name] = [now, now]

    def finished(self, name):
        self.jobs.pop(name, None)

    def running(self):
        """``[(name, seconds it has been graded)]`` of the submissions being graded now."""
        now = time.monotonic()
        return [(name, now - since) for name, (since, _) in self.jobs.items()]

    def stalled(self):
        """A line for each submission graded longer than ``stall`` s, at most one per ``stall``
        s each: "still grading alice/unit1_en for 120 s"."""
        now = time.monotonic()
        for name, times in self.jobs.items():
            if now - times[1] >= self.stall:
                times[1] = now
                self.stream.write(("\n" if self.tty else "")
                                  + message(TEXT, "stalled", instructor_language(), name=name,
                                            seconds=f"{now - times[0]:.0f}") + "\n")
                self.stream.flush()

    def close(self):
        if self.tty:
            self.stream.write("\n")
        self.stream.flush()
