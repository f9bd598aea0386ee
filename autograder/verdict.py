"""The trusted verdict: judge every answer record in the grader process, not in the kernel.

For every autograded test cell ``<exercise>_check`` the executed cell must hold exactly one
answer record (:func:`workbook.answer.records`) for that exercise. The record's payload is judged
here with ``Exercise.judge(payload, seed, hidden=True)`` against nnkit, and
the cell's outputs are REPLACED by a clean verdict: "✔ ..." (no error, full points) or
the error output ``WrongAnswer`` "✘ reason + hint" (nbgrader's SaveAutoGrades gives 0), as the
notebook's own check shows it (:class:`workbook.checks.WrongAnswer`).
Whatever the kernel printed or raised in a test cell never decides. Hidden-test regions are
removed from the test cell's source (so neither the autograded notebook nor the feedback shows
them). The cell's metadata ``nnkit_verdict`` records ``{"passed", "mistake"}`` (the typical
mistake a wrong answer matched, see ``workbook.exercise.Result``) for the misconception report.

Judging is bounded (:func:`bounded`): the answers of a notebook are judged in a forked process
of the grader, each under ``answer_cpu_limit`` seconds of CPU time and ``answer_memory_limit``
bytes of memory; an answer over either scores 0 with a reason that names the limit, and the next
answer is judged (in a fresh process if that one had to be killed).
"""

from __future__ import annotations

import functools
import math
import os
import pickle
import resource
import select
import signal
import sys
import time

from nbformat.v4 import new_output
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Float, Integer

from autograder.execute import BUDGET, FLAG, exercise_of
from workbook.answer import records, strip_hidden
from workbook.checks import WrongAnswer
from workbook.i18n import message
from workbook.source import parse_assignment

KERNEL_ERRORS = {  # errors the execution layer (not the student) puts into a cell
    "KernelDied": ("Der Kernel ist in dieser Zelle abgestürzt.", "The kernel died in this cell."),
    "NotRun": ("Diese Zelle wurde nicht ausgeführt (Kernel abgestürzt oder Zeitlimit).",
               "This cell was not run (the kernel died or a time limit was hit)."),
    "CellTimeoutError": ("Die Prüfung hat das Zeitlimit überschritten.",
                         "The check exceeded the time limit."),
}
TEXT = {
    "no_record": ("Keine Antwort gefunden: Die Prüfung konnte Ihre Antwort nicht lesen (ein "
                  "Fehler in einer früheren Zelle?).", "No answer found: the check could not "
                  "read your answer (an error in an earlier cell?)."),
    "records": ("Ungültige Prüfausgabe ({n} Antwortdatensätze).",
                "Invalid check output ({n} answer records)."),
    "unknown": ("Unbekannte Aufgabe {id!r}.", "Unknown exercise {id!r}."),
    "judge": ("Die Antwort konnte nicht bewertet werden.", "The answer could not be judged."),
    "cpu": ("Die Bewertung dieser Antwort hat ihr Limit von {n} s Rechenzeit überschritten "
            "(0 Punkte); schreiben Sie eine einfachere Form.", "Judging this answer exceeded its "
            "limit of {n} s of CPU time (0 points); write a simpler form."),
    "memory": ("Die Bewertung dieser Antwort hat ihr Speicherlimit von {n} MB überschritten "
               "(0 Punkte); schreiben Sie eine einfachere Form.", "Judging this answer exceeded "
               "its memory limit of {n} MB (0 points); write a simpler form."),
    "died": ("Der Prozess, der diese Antwort bewertete, ist abgestürzt (0 Punkte).",
             "The process judging this answer died (0 points)."),
}


_msg = functools.partial(message, TEXT)


def judge_cell(cell, exercise_id, seed, lang, find):
    """``(passed, message, mistake)`` for one executed test cell (mistake: as
    ``workbook.exercise.Result.mistake``)."""
    found = records(cell.get("outputs", []))
    flags = [o.get("evalue", "") for o in cell.get("outputs", [])
             if o.get("output_type") == "error" and o.get("ename") in (FLAG, BUDGET)]
    if flags:  # the execution layer's screening, tripwire or notebook budget (its reason)
        return False, str(flags[0]), None
    if not found:
        kernel = [o.get("ename") for o in cell.get("outputs", [])
                  if o.get("output_type") == "error" and o.get("ename") in KERNEL_ERRORS]
        if kernel:
            return False, message(KERNEL_ERRORS, kernel[0], lang), None
        return False, _msg("no_record", lang), None
    if len(found) != 1 or found[0] is None or found[0]["exercise"] != exercise_id:
        return False, _msg("records", lang, n=len(found)), None
    try:
        exercise = find(exercise_id)
    except KeyError:
        return False, _msg("unknown", lang, id=exercise_id), None
    try:
        result = exercise.judge(found[0]["payload"], seed=seed, hidden=True, lang=lang)
    except MemoryError:  # over the limit of bounded(): named as such
        raise
    except Exception:  # judge() promises not to raise; a bug must still cost only this cell
        return False, _msg("judge", lang), None
    return (bool(result.passed), " ".join(filter(None, [result.message, result.hint])),
            result.mistake)


class Exceeded(BaseException):
    """The CPU time of one answer ran out (SIGXCPU); no ``except Exception`` stops it."""


def _exceeded(signum, frame):
    raise Exceeded


def _cpu_seconds(pid=None):
    """CPU time (user + system) of this process, or of the process ``pid`` (Linux /proc)."""
    if pid is None:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _judge_in_child(work, items, cpu, memory, fd):
    """In the forked process: ``work(item)`` for each item, each result pickled and sent on
    ``fd`` (length first); ``"cpu"`` or ``"memory"`` for an item over a limit, and then
    nothing more (the rest goes to a fresh process)."""
    with open(f"/proc/{os.getpid()}/statm") as f:  # the address space it has from the grader
        held = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    resource.setrlimit(resource.RLIMIT_AS, (held + memory, resource.RLIM_INFINITY))
    for sig in (signal.SIGINT, signal.SIGTERM):  # not the grader's handlers (autograder.reap)
        signal.signal(sig, signal.SIG_DFL)
    signal.signal(signal.SIGXCPU, _exceeded)
    for item in items:
        soft = math.ceil(_cpu_seconds() + cpu)  # soft limit only: raised again for the next
        resource.setrlimit(resource.RLIMIT_CPU, (soft, resource.RLIM_INFINITY))
        try:
            value = work(item)
        except Exceeded:
            value = "cpu"
        except MemoryError:
            value = "memory"
        data = pickle.dumps(value)
        data = len(data).to_bytes(8, "big") + data
        while data:
            data = data[os.write(fd, data):]
        if isinstance(value, str):
            return


def _child(work, items, cpu, memory):
    """The results of ``work`` for a prefix of ``items`` (at least one) from one forked process:
    the parent kills it when an item is still running ``cpu`` + 5 CPU seconds after it began
    (stuck where SIGXCPU cannot interrupt it) or after ``10 * cpu + 60`` s of wall time."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the grader's code
        code = 1
        try:
            os.close(read)
            _judge_in_child(work, items, cpu, memory, write)
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    results, buffer, killed = [], b"", None
    began, wall = _cpu_seconds(pid), time.monotonic()
    try:
        while len(results) < len(items) and not (results and isinstance(results[-1], str)):
            if select.select([read], [], [], 1.0)[0]:
                chunk = os.read(read, 1 << 16)
                if not chunk:
                    break  # the child is gone
                buffer += chunk
                while len(buffer) >= 8 and len(buffer) >= 8 + int.from_bytes(buffer[:8], "big"):
                    size = 8 + int.from_bytes(buffer[:8], "big")
                    results.append(pickle.loads(buffer[8:size]))
                    buffer = buffer[size:]
                    began, wall = _cpu_seconds(pid), time.monotonic()
                continue
            try:
                spent = _cpu_seconds(pid) - began
            except (OSError, IndexError, ValueError):
                continue  # it exited: EOF next
            if spent > cpu + 5 or time.monotonic() - wall > 10 * cpu + 60:
                killed = "cpu"
                os.kill(pid, signal.SIGKILL)
                break
    finally:
        os.close(read)
        _, status = os.waitpid(pid, 0)
    if len(results) < len(items) and not (results and isinstance(results[-1], str)):
        over = os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGXCPU, signal.SIGKILL)
        results.append(killed or ("cpu" if over else "died"))
    return results


def bounded(work, items, cpu, memory):
    """``[work(item) for item in items]`` (results that are no ``str``), each item in a forked
    process under ``cpu`` seconds of CPU time and ``memory`` more bytes of address space, or the
    text ``"cpu"``, ``"memory"`` or ``"died"`` for an item that exceeded them or killed its
    process. One process judges the items in turn; after an item over a limit, a fresh one goes
    on with the rest.
    Not on Linux (no ``/proc``): ``work`` in this process, unbounded."""
    if not sys.platform.startswith("linux") or not items:
        return [work(item) for item in items]
    results = []
    while len(results) < len(items):
        results += _child(work, items[len(results):], cpu, memory)
    return results


def verdict_outputs(passed, message):
    if passed:
        return [new_output("stream", name="stdout", text=f"✔ {message}\n")]
    return [new_output("error", ename=WrongAnswer.__name__, evalue=message,
                       traceback=[f"✘ {message}"])]


class TrustedVerdict(NbGraderPreprocessor):
    seed = Integer(None, allow_none=True, help="the run's grading seed").tag(config=True)
    answer_cpu_limit = Float(20.0, help="CPU seconds to judge one answer (parsing, comparing); "
                             "an answer over it scores 0, with the reason").tag(config=True)
    answer_memory_limit = Integer(1024**3, help="bytes of memory to judge one answer (beyond "
                                  "what the grading process holds); an answer over it scores "
                                  "0, with the reason").tag(config=True)

    def preprocess(self, nb, resources):
        from workbook.checks import find

        if self.seed is None:
            raise RuntimeError("TrustedVerdict.seed is not configured (the grading seed)")
        lang = parse_assignment(resources.get("nbgrader", {}).get("assignment", ""))[1]
        answers = [cell for cell in nb.cells if exercise_of(cell) is not None]
        judged = dict(zip(map(id, answers), bounded(
            lambda cell: judge_cell(cell, exercise_of(cell), self.seed, lang, find), answers,
            self.answer_cpu_limit, self.answer_memory_limit), strict=True))
        verdicts = {}
        for cell in nb.cells:
            exercise_id = exercise_of(cell)
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if exercise_id is None and meta.get("grade") and not meta.get("solution") \
                    and cell.cell_type == "code":
                passed, message, mistake = (False, _msg("unknown", lang, id=meta.get("grade_id")),
                                            None)
            elif exercise_id is None:
                continue
            elif isinstance(judged[id(cell)], str):  # over a limit: "cpu", "memory", "died"
                over = judged[id(cell)]
                n = (self.answer_cpu_limit if over == "cpu"
                     else round(self.answer_memory_limit / 1024**2))
                passed, message, mistake = False, _msg(over, lang, n=f"{n:g}"), None
            else:
                passed, message, mistake = judged[id(cell)]
            cell.outputs = verdict_outputs(passed, message)
            cell.metadata["nnkit_verdict"] = {"passed": passed, "mistake": mistake}
            cell.source = strip_hidden(cell.source).rstrip("\n")
            verdicts[meta.get("grade_id")] = {"passed": passed, "message": message,
                                              "mistake": mistake}
        resources.setdefault("nnkit", {})["verdicts"] = verdicts
        return nb, resources
