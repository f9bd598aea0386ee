"""Binder (repo2docker): the environment from binder/ alone runs every notebook.

- Static (fast): runtime.txt pins a Python the project supports, postBuild is executable and
  stops on the first error (``set -e``), every requirement is pinned (``==``) and the pins
  satisfy the ranges of pyproject.toml (base dependencies and the ``lab`` extra).
- ``slow``: what repo2docker does, on this machine. A fresh ``python -m venv``;
  ``pip install -r binder/requirements.txt``; binder/postBuild run with the venv's bin first on
  PATH in a clean copy of the repository (the files git tracks or would track, no .venv); then
  every start and unit notebook is executed headless with nbclient and the venv's own kernel
  (tests/binder_execute.py runs inside the venv). A blank student notebook's check cells raise
  WrongAnswer, the failed self-check (unanswered exercises): expected there, and only there.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
BINDER = ROOT / "binder"
ARTIFACTS = ROOT / "build" / "test-artifacts"


def _project():
    tomllib = pytest.importorskip("tomllib")  # Python >= 3.11
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _pins():
    pins = {}
    for line in (BINDER / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            req = Requirement(line)
            pins[_norm(req.name)] = req
    return pins


def _norm(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def test_runtime_and_postbuild():
    runtime = (BINDER / "runtime.txt").read_text().strip()
    match = re.fullmatch(r"python-3\.(\d+)", runtime)
    assert match, f"runtime.txt: {runtime!r}"
    project = _project()
    minimum = int(re.search(r">=\s*3\.(\d+)", project["requires-python"]).group(1))
    assert int(match.group(1)) >= minimum, (runtime, project["requires-python"])

    post = BINDER / "postBuild"
    text = post.read_text()
    assert text.startswith("#!/usr/bin/env bash") or text.startswith("#!/bin/bash"), text[:40]
    assert re.search(r"^set -[a-z]*e", text, re.M), "postBuild must stop on errors (set -e)"
    assert os.access(post, os.X_OK), "postBuild is not executable"


def test_requirements_pinned_and_within_pyproject():
    pins = _pins()
    loose = [str(r) for r in pins.values() if not str(r.specifier).startswith("==")]
    assert not loose, f"not pinned with ==: {loose}"
    project = _project()
    wanted = [Requirement(r) for r in project["dependencies"]]
    wanted += [Requirement(r) for r in project["optional-dependencies"]["lab"]]
    problems = []
    for req in wanted:
        pin = pins.get(_norm(req.name))
        if pin is None:
            problems.append(f"{req.name}: missing from binder/requirements.txt")
            continue
        version = str(pin.specifier).removeprefix("==")
        if not req.specifier.contains(version, prereleases=True):
            problems.append(f"{req.name}=={version} is outside pyproject's {req.specifier}")
    assert not problems, "\n".join(problems)


# ----------------------------------------------------------------- the environment itself

def _repo_copy(dest: Path) -> Path:
    """The files git tracks or would track (respects .gitignore: no .venv, build, caches)."""
    files = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, check=True, capture_output=True).stdout.decode().split("\0")
    for name in filter(None, files):
        src = ROOT / name
        if src.is_file():
            target = dest / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target)
    return dest


def _clean_env(tmp: Path, venv: Path) -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("JUPYTER", "PYTHON", "VIRTUAL_ENV", "IPYTHON", "NNKIT", "MPL"))}
    env["PATH"] = os.pathsep.join([str(venv / "bin"), env.get("PATH", "")])
    env["VIRTUAL_ENV"] = str(venv)
    for var, sub in (("JUPYTER_DATA_DIR", "jdata"), ("JUPYTER_CONFIG_DIR", "jconfig"),
                     ("JUPYTER_RUNTIME_DIR", "jruntime"), ("IPYTHONDIR", "ipython")):
        env[var] = str(tmp / sub)
    return env


def _run(cmd, times=None, what=None, timeout=120, **kwargs):
    """Run ``cmd``; fails with its output on a non-zero exit, with a message after ``timeout`` s
    (each step's limit is generous for a busy machine; together they stay below the test's)."""
    t0 = time.perf_counter()
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kwargs)
    assert result.returncode == 0, (f"{cmd} failed ({result.returncode}):\n"
                                    f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    if times is not None:
        times[what] = round(time.perf_counter() - t0, 1)
    return result


@pytest.mark.slow
@pytest.mark.timeout(3000)  # above the sum of the steps' limits (_run)
def test_binder_environment_runs_every_notebook(tmp_path):
    runtime = (BINDER / "runtime.txt").read_text().strip()
    if runtime != f"python-{sys.version_info.major}.{sys.version_info.minor}":
        pytest.skip(f"binder/runtime.txt is {runtime}, this Python is {sys.version.split()[0]}")
    repo = _repo_copy(tmp_path / "repo")
    assert not (repo / ".venv").exists()
    venv = tmp_path / "venv"
    env = _clean_env(tmp_path, venv)

    times = {}
    _run([sys.executable, "-m", "venv", str(venv)], times, "venv", timeout=300, env=env)
    python = venv / "bin" / "python"
    # --no-compile: fewer seconds here; Binder byte-compiles as it likes.
    _run([str(python), "-m", "pip", "install", "--quiet", "--no-compile",
          "-r", str(repo / "binder" / "requirements.txt")], times, "pip install", timeout=900,
         env=env, cwd=repo)
    _run([str(repo / "binder" / "postBuild")], times, "postBuild", timeout=600, env=env, cwd=repo)

    # postBuild's JupyterLab defaults (English, no news pop-up) are in the venv.
    overrides = venv / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    settings = json.loads(overrides.read_text())
    assert settings["@jupyterlab/translation-extension:plugin"]["locale"] == "en"
    # The German language pack is there (Settings -> Language -> Deutsch).
    _run([str(python), "-c", "import jupyterlab_language_pack_de_DE"], env=env)

    notebooks = sorted((repo / "notebooks").glob("*/*.ipynb"))
    langs = {p.parent.name for p in notebooks}
    assert {"de", "en"} <= langs, notebooks
    out = tmp_path / "results.json"
    script = Path(__file__).with_name("binder_execute.py")
    _run([str(python), str(script), str(out), *map(str, notebooks)], times, "notebooks",
         timeout=900, env=env, cwd=tmp_path)
    results = json.loads(out.read_text())
    times["per notebook"] = {str(Path(r["notebook"]).relative_to(repo / "notebooks")):
                             r["seconds"] for r in results}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "binder_times.json").write_text(json.dumps(times, indent=2) + "\n")

    problems = []
    for result in results:
        name = Path(result["notebook"]).relative_to(repo / "notebooks")
        if result["prefix"] != str(venv):
            problems.append(f"{name}: the kernel ran in {result['prefix']}, not in {venv}")
        if not (result["workbook"] or "").startswith(str(repo)):
            problems.append(f"{name}: workbook imported from {result['workbook']}")
        if result["not_run"]:
            problems.append(f"{name}: cells not run: {result['not_run']}")
        start_page = name.name.startswith("0_")
        for error in result["errors"]:
            if error["ename"] == "WrongAnswer" and error["check_cell"] and not start_page:
                continue
            problems.append(f"{name}, cell {error['cell']}: {error['ename']}: "
                            f"{error['evalue']}\n{error['source']}")
    assert not problems, "\n\n".join(problems)
