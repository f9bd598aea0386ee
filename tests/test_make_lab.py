"""``make lab`` (scripts/lab.py) starts JupyterLab with the start page of the chosen language,
from any working directory (its first version passed ``en/0_start.ipynb``, which Jupyter
resolved from the working directory: the server exited with "No such file or directory"), on
working copies in the git-ignored ``build/lab/``: a session in JupyterLab leaves the committed
``notebooks/`` untouched (its first versions served ``notebooks/`` itself, and JupyterLab's
autosave wrote the lecturer's answers there, from where ``make student`` shipped them)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from lab import WORKING, command, workspace  # noqa: E402


def repository(tmp_path, units=True):
    """A folder with the repository's notebooks/ (and, with ``units``, workbook/units/ as in
    the lecturer's repository; without, as in the student edition)."""
    root = tmp_path / "repo"
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    if units:
        (root / "workbook" / "units").mkdir(parents=True)
    return root


def snapshot(folder):
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_lab_serves_working_copies_in_an_ignored_folder(tmp_path):
    root = repository(tmp_path)
    served = workspace(root)
    assert served == root / WORKING and served != root / "notebooks"
    assert snapshot(served) == snapshot(root / "notebooks")
    ignored = subprocess.run(["git", "-C", str(ROOT), "check-ignore", "-q",
                              str(WORKING / "de" / "0_start.ipynb")])
    assert ignored.returncode == 0  # git status stays clean


def test_lab_keeps_the_lecturers_copy(tmp_path, capsys):
    root = repository(tmp_path)
    mine = workspace(root) / "de" / "0_start.ipynb"
    mine.write_text(mine.read_text().replace("Willkommen", "Hallo"))
    workspace(root)
    assert "Hallo" in mine.read_text()
    assert "0_start.ipynb: your copy, kept" in capsys.readouterr().out


def test_student_edition_lab_serves_its_notebooks(tmp_path):
    root = repository(tmp_path, units=False)
    assert workspace(root) == root / "notebooks"


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["de", "en"])
def test_lab_serves_and_opens_the_start_page(tmp_path, lang):
    """The start page opens; a notebook saved through JupyterLab (as its autosave does) changes
    the working copy, never ``notebooks/``."""
    root = repository(tmp_path)
    committed = snapshot(root / "notebooks")
    env = dict(os.environ)
    for var in ("JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTER_DATA_DIR", "IPYTHONDIR"):
        env[var] = str(tmp_path / var.lower())
    token = uuid.uuid4().hex
    log = tmp_path / "lab.log"
    with open(log, "wb") as out:
        server = subprocess.Popen(
            command(workspace(root), lang, 0, "--no-browser", f"--IdentityProvider.token={token}",
                    "--ServerApp.ip=127.0.0.1"),
            stdout=out, stderr=subprocess.STDOUT, cwd=tmp_path, env=env)
    try:
        end = time.monotonic() + 240  # a bound on a hang, not a speed limit
        url = None
        while url is None and time.monotonic() < end and server.poll() is None:
            found = re.search(r"http://127\.0\.0\.1:(\d+)/", log.read_text(errors="replace"))
            url = found and f"http://127.0.0.1:{found.group(1)}"
            time.sleep(0.2)
        text = log.read_text(errors="replace")
        assert url, f"JupyterLab did not start (exit {server.poll()}):\n{text[-3000:]}"

        def api(method, body=None):
            request = urllib.request.Request(
                f"{url}/api/contents/{lang}/0_start.ipynb" + ("?content=1" if body is None
                                                              else ""),
                method=method, data=body and json.dumps(body).encode(),
                headers={"Authorization": f"token {token}", "Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.loads(response.read())

        page = api("GET")
        assert page["type"] == "notebook" and page["path"] == f"{lang}/0_start.ipynb"
        assert "No such file" not in text
        page["content"]["cells"][0]["source"] = "edited in the lab"
        api("PUT", {"type": "notebook", "format": "json", "content": page["content"]})
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    assert "edited in the lab" in (root / WORKING / lang / "0_start.ipynb").read_text()
    assert snapshot(root / "notebooks") == committed
