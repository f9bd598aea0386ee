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
"""

from __future__ import annotations

import functools

from nbformat.v4 import new_output
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Integer

from autograder.execute import exercise_of
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
}


_msg = functools.partial(message, TEXT)


def judge_cell(cell, exercise_id, seed, lang, find):
    """``(passed, message, mistake)`` for one executed test cell (mistake: as
    ``workbook.exercise.Result.mistake``)."""
    found = records(cell.get("outputs", []))
    flags = [o.get("evalue", "") for o in cell.get("outputs", [])
             if o.get("output_type") == "error" and o.get("ename") == "GraderFlag"]
    if flags:  # the execution layer's screening or tripwire (autograder.execute)
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
    except Exception:  # judge() promises not to raise; a bug must still cost only this cell
        return False, _msg("judge", lang), None
    return (bool(result.passed), " ".join(filter(None, [result.message, result.hint])),
            result.mistake)


def verdict_outputs(passed, message):
    if passed:
        return [new_output("stream", name="stdout", text=f"✔ {message}\n")]
    return [new_output("error", ename=WrongAnswer.__name__, evalue=message,
                       traceback=[f"✘ {message}"])]


class TrustedVerdict(NbGraderPreprocessor):
    seed = Integer(None, allow_none=True, help="the run's grading seed").tag(config=True)

    def preprocess(self, nb, resources):
        from workbook.checks import find

        if self.seed is None:
            raise RuntimeError("TrustedVerdict.seed is not configured (the grading seed)")
        lang = parse_assignment(resources.get("nbgrader", {}).get("assignment", ""))[1]
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
            else:
                passed, message, mistake = judge_cell(cell, exercise_id, self.seed, lang, find)
            cell.outputs = verdict_outputs(passed, message)
            cell.metadata["nnkit_verdict"] = {"passed": passed, "mistake": mistake}
            cell.source = strip_hidden(cell.source).rstrip("\n")
            verdicts[meta.get("grade_id")] = {"passed": passed, "message": message,
                                              "mistake": mistake}
        resources.setdefault("nnkit", {})["verdicts"] = verdicts
        return nb, resources
