"""``make lab`` (scripts/lab.py) starts JupyterLab with the start page of the chosen language,
from any working directory (its first version passed ``en/0_start.ipynb``, which Jupyter
resolved from the working directory: the server exited with "No such file or directory")."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from lab import command  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("lang", ["de", "en"])
def test_lab_serves_and_opens_the_start_page(tmp_path, lang):
    env = dict(os.environ)
    for var in ("JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTER_DATA_DIR", "IPYTHONDIR"):
        env[var] = str(tmp_path / var.lower())
    token = uuid.uuid4().hex
    log = tmp_path / "lab.log"
    with open(log, "wb") as out:
        server = subprocess.Popen(
            command(lang, 0, "--no-browser", f"--IdentityProvider.token={token}",
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
        request = urllib.request.Request(f"{url}/api/contents/{lang}/0_start.ipynb?content=0",
                                         headers={"Authorization": f"token {token}"})
        with urllib.request.urlopen(request, timeout=60) as response:
            page = json.loads(response.read())
        assert page["type"] == "notebook" and page["path"] == f"{lang}/0_start.ipynb"
        assert "No such file" not in text
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
