"""JupyterLab in headless Chromium for the browser tests (tests/test_browser.py).

- ``LabServer``: a JupyterLab server on a loopback port it chooses itself (port 0, read back from
  its runtime file; no other process can take the port between choosing and binding) with a token,
  serving a COPY of the
  notebooks from a temporary directory, with its own settings, workspaces and runtime dirs (the
  news pop-up off, ``window.jupyterapp`` exposed). ``stop()`` shuts the server down with its
  kernels (REST shutdown, then SIGTERM/SIGKILL of the server's own process group).
- ``launch_chromium``: Playwright's Chromium driver on the Debian ``/usr/bin/chromium``
  (never ``playwright install``).
- ``LabPage``: one notebook opened with ``?reset``: run every cell, read cells/outputs from the
  notebook model, press keys on a slider and wait until the kernel has answered (then the plot
  image has changed, or it will not).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

CHROMIUM = os.environ.get("NNKIT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
#: JupyterLab's settings ids (plugin ids) the server gets as user settings.
TRANSLATION = "@jupyterlab/translation-extension:plugin"
NOTIFICATION = "@jupyterlab/apputils-extension:notification"
LOCALES = {"de": "de_DE", "en": "en"}


def lab_user_settings(locale: str = "en") -> dict:
    """``{plugin id: settings}`` as in scripts/lab_settings.py: locale and no news pop-up."""
    return {
        TRANSLATION: {"locale": locale},
        NOTIFICATION: {"checkForUpdates": False, "fetchNews": "false"},
    }


def write_user_settings(settings_dir: Path, settings: dict) -> None:
    """User settings files ``<dir>/<package>/<plugin>.jupyterlab-settings``."""
    for plugin_id, values in settings.items():
        package, plugin = plugin_id.split(":")
        path = Path(settings_dir, *package.split("/"), f"{plugin}.jupyterlab-settings")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values, indent=2), encoding="utf-8")


class PortTaken(RuntimeError):
    """The server could not bind the port it had chosen (another process took it)."""


class LabServer:
    """``jupyter lab`` on 127.0.0.1:<a port it chose>, root dir = ``root`` (a copy made by the
    caller); ``extra``: user settings ``{plugin id: settings}`` besides ``lab_user_settings``."""

    def __init__(self, root: Path, workdir: Path, locale: str = "en", start_timeout: float = 120,
                 extra: dict | None = None):
        self.root = Path(root)
        self.workdir = Path(workdir)
        self.token = uuid.uuid4().hex
        self.url = None  # http://127.0.0.1:<port>, once the server runs
        self.log_path = self.workdir / "jupyterlab.log"
        settings = self.workdir / "user-settings"
        write_user_settings(settings, {**lab_user_settings(locale), **(extra or {})})
        env = dict(os.environ)
        for var, sub in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_RUNTIME_DIR", "runtime"),
                         ("JUPYTER_DATA_DIR", "data"), ("IPYTHONDIR", "ipython")):
            env[var] = str(self.workdir / sub)
            (self.workdir / sub).mkdir(parents=True, exist_ok=True)
        env["MPLBACKEND"] = "Agg"
        # The kernels start from the server's environment: put this interpreter's bin first.
        env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
        cmd = [
            sys.executable, "-m", "jupyterlab", "--no-browser",
            "--ServerApp.ip=127.0.0.1", "--ServerApp.port=0", "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}",
            "--LabApp.expose_app_in_browser=True",
            f"--LabApp.user_settings_dir={settings}",
            f"--LabApp.workspaces_dir={self.workdir / 'workspaces'}",
            "--LabApp.news_url=",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        # Jupyter binds port 0 (the system picks a free port), closes it and binds that port
        # again: another process may take it in between. Then the server exits; start it again.
        for attempt in range(3):
            self._log = open(self.log_path, "wb")  # noqa: SIM115 (closed in stop)
            # The server itself, in its own process group (its kernels are its children).
            self.process = subprocess.Popen(cmd, stdout=self._log, stderr=subprocess.STDOUT,
                                            env=env, cwd=self.workdir, start_new_session=True)
            try:
                self._wait_ready(start_timeout)
                return
            except PortTaken:
                self._log.close()
                if attempt == 2:
                    raise
            except BaseException:
                self.stop()
                raise

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def _wait_ready(self, timeout):
        """Wait for the server's runtime file (jpserver-<pid>.json: the port it bound), then
        for its REST API; raises PortTaken when the port was taken before the server bound it."""
        info = self.workdir / "runtime" / f"jpserver-{self.process.pid}.json"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log = self.log()
                error = PortTaken if "no available port could be found" in log else RuntimeError
                raise error(f"jupyter lab exited with {self.process.returncode}:\n{log[-4000:]}")
            try:
                if self.url is None:
                    self.url = f"http://127.0.0.1:{json.loads(info.read_text())['port']}"
                self.api("GET", "/api/status")
                return
            except (OSError, ValueError, KeyError):  # not written (completely) or not serving yet
                time.sleep(0.2)
        raise TimeoutError(f"jupyter lab not ready after {timeout} s:\n{self.log()[-4000:]}")

    def api(self, method: str, path: str, body=None, timeout: float = 60):
        """A REST call with the token; returns the decoded JSON (or None)."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.url + path, data=data, method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            text = response.read()
        return json.loads(text) if text else None

    def page_url(self, path: str = "", reset: bool = True) -> str:
        where = f"/lab/tree/{path}" if path else "/lab"
        query = ("reset&" if reset else "") + f"token={self.token}"
        return f"{self.url}{where}?{query}"

    def set_locale(self, locale: str) -> None:
        """Switch the UI language (takes effect on the next page load)."""
        self.api("PUT", f"/lab/api/settings/{TRANSLATION}",
                 {"raw": json.dumps({"locale": locale})})

    def shutdown_kernels(self) -> None:
        """Delete every session (and its kernel) and any kernel left over."""
        for session in self.api("GET", "/api/sessions") or []:
            try:
                self.api("DELETE", f"/api/sessions/{session['id']}")
            except urllib.error.HTTPError:
                pass
        for kernel in self.api("GET", "/api/kernels") or []:
            try:
                self.api("DELETE", f"/api/kernels/{kernel['id']}")
            except urllib.error.HTTPError:
                pass

    def stop(self) -> None:
        """Shut down kernels and server; kill the server's process group if it lingers."""
        if self.process.poll() is None:
            try:
                self.shutdown_kernels()
                self.api("POST", "/api/shutdown")
            except Exception:  # noqa: BLE001 - falls back to signals below
                pass
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGTERM)
                try:
                    self.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self._signal(signal.SIGKILL)
                    self.process.wait(timeout=10)
        # Kernels are in the server's process group: make sure none outlives it.
        self._signal(signal.SIGKILL)
        self._log.close()

    def _signal(self, sig):
        try:
            os.killpg(self.process.pid, sig)  # the group of the server started here
        except (ProcessLookupError, PermissionError):
            pass


def copy_notebooks(src: Path, dest: Path) -> Path:
    """A copy of the notebooks tree (runs never modify the repository)."""
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    return dest


def launch_chromium(playwright):
    """Chromium from the system (Debian package) driven by Playwright; a fresh profile."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                      args=CHROMIUM_ARGS)


# --------------------------------------------------------------------- the notebook in the page

#: JavaScript run in the page. ``panel()`` is the notebook panel of the current tab.
#: The notebook of the current tab is open (its kernel may still be starting).
JS_OPEN = """
() => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  return !!(w && w.content && w.content.widgets && w.context && w.context.isReady);
}
"""

JS_PANEL = """
() => {
  const app = window.jupyterapp;
  const w = app && app.shell.currentWidget;
  return !!(w && w.content && w.content.widgets && w.sessionContext
            && w.context && w.context.isReady && w.sessionContext.session
            && w.sessionContext.session.kernel
            && w.sessionContext.session.kernel.connectionStatus === 'connected'
            && w.sessionContext.session.kernel.status === 'idle');
}
"""

#: Runs every code cell in order and waits for it, in segments that end with a check cell:
#: ``notebook:run-all-cells`` sends every cell at once, and the kernel aborts the queue after the
#: first error (a failing check cell of a blank student notebook), so the cells after it would
#: never run. Within a segment only its last cell (the check) may raise; an error anywhere else
#: aborts the rest of the segment, whose cells then have no execution count (the test fails).
JS_RUN_ALL = """
async () => {
  const app = window.jupyterapp;
  const nb = app.shell.currentWidget.content;
  const isCheck = (m) => {
    const meta = m.getMetadata('nbgrader') || {};
    return m.type === 'code' && !!meta.grade && m.sharedModel.getSource().includes('check(');
  };
  let start = 0, segments = 0;
  const n = nb.widgets.length;
  for (let i = 0; i < n; i++) {
    if (i < n - 1 && !isCheck(nb.widgets[i].model)) continue;
    nb.deselectAll();
    nb.activeCellIndex = start;
    nb.extendContiguousSelectionTo(i);
    await app.commands.execute('notebook:run-cell');
    segments++;
    start = i + 1;
  }
  return segments;
}
"""

#: Every cell of the model: type, execution count, nbgrader metadata, source, output summary.
JS_CELLS = """
() => {
  const nb = window.jupyterapp.shell.currentWidget.content;
  return nb.widgets.map((cell, i) => {
    const m = cell.model;
    const out = m.type === 'code' ? m.outputs.toJSON() : [];
    return {
      index: i, type: m.type, source: m.sharedModel.getSource(),
      execution_count: m.type === 'code' ? m.executionCount : null,
      nbgrader: m.getMetadata('nbgrader') || null,
      outputs: out.map(o => ({
        output_type: o.output_type, name: o.name || null, ename: o.ename || null,
        evalue: o.evalue || null,
        mime: o.data ? Object.keys(o.data) : [],
        text: typeof o.text === 'string' ? o.text
          : (Array.isArray(o.text) ? o.text.join('') : null),
      })),
    };
  });
}
"""

JS_KERNEL_IDLE = """
() => {
  const w = window.jupyterapp.shell.currentWidget;
  const k = w && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!k && k.status === 'idle';
}
"""

#: Hash of the bytes an <img> shows (its blob: or data: URL), in the page.
JS_IMG_HASH = """
async (img) => {
  const buf = await (await fetch(img.src)).arrayBuffer();
  const digest = await crypto.subtle.digest('SHA-256', buf);
  return Array.from(new Uint8Array(digest)).map(b => b.toString(16).padStart(2, '0')).join('');
}
"""

#: Arms a one-shot measurement of the next key press: ``t0`` at the keydown, ``dt`` (ms) when
#: ``el`` changes next (an image's src, a diagram's content), ``done`` when the kernel went busy
#: and idle again after the keydown. The kernel connection handles its messages in order and
#: awaits the widget manager on each: at ``done`` every update the kernel sent for the key press
#: is in the page, so a picture that has not changed by then will not change.
JS_ARM = """
(el) => {
  window.__nnkit = {t0: null, dt: null, busy: false, done: false};
  if (!window.__nnkitKey) {
    window.__nnkitKey = true;
    document.addEventListener('keydown', () => {
      if (window.__nnkit && window.__nnkit.t0 === null) window.__nnkit.t0 = performance.now();
    }, true);
  }
  const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  if (window.__nnkitKernel !== kernel) {
    window.__nnkitKernel = kernel;
    kernel.statusChanged.connect((_, status) => {
      const m = window.__nnkit;
      if (!m || m.t0 === null) return;
      if (status === 'busy') m.busy = true;
      else if (status === 'idle' && m.busy) m.done = true;
    });
  }
  const obs = new MutationObserver(() => {
    if (window.__nnkit.t0 !== null && window.__nnkit.dt === null) {
      window.__nnkit.dt = performance.now() - window.__nnkit.t0;
      obs.disconnect();
    }
  });
  obs.observe(el, {attributes: true, attributeFilter: ['src'], childList: true, subtree: true,
                   characterData: true});
}
"""


def is_check_cell(cell: dict) -> bool:
    """A locked nbgrader test cell that calls check(...)."""
    meta = cell.get("nbgrader") or {}
    return bool(meta.get("grade")) and "check(" in cell.get("source", "")


def unexpected_errors(cells: list[dict]) -> list[str]:
    """Error outputs other than WrongAnswer in a check cell (the failed self-check, which a
    blank answer gives)."""
    problems = []
    for cell in cells:
        for out in cell["outputs"]:
            if out["output_type"] != "error":
                continue
            if out["ename"] == "WrongAnswer" and is_check_cell(cell):
                continue
            problems.append(f"cell {cell['index']}: {out['ename']}: {out['evalue']}\n"
                            f"{cell['source'][:300]}")
    return problems


class LabPage:
    """One notebook in a fresh tab of the server's JupyterLab (``?reset``)."""

    def __init__(self, context, server: LabServer, path: str, timeout_ms: float = 120_000,
                 kernel: bool = True):
        self.server = server
        self.path = path
        self.page = context.new_page()
        self.page.set_default_timeout(timeout_ms)
        self.console: list[str] = []
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}")
                     if m.type == "error" else None)
        self.page.goto(server.page_url(path))
        # kernel=False: only the document (a page without code cells need not wait for it).
        self.page.wait_for_function(JS_PANEL if kernel else JS_OPEN, polling=100)

    def run_all(self, timeout_ms: float = 600_000) -> list[dict]:
        """Run every code cell in order; wait for the idle kernel; return the cells (model)."""
        self.page.evaluate(JS_RUN_ALL)
        self.page.wait_for_function(JS_KERNEL_IDLE, polling=200, timeout=timeout_ms)
        return self.cells()

    def cells(self) -> list[dict]:
        return self.page.evaluate(JS_CELLS)

    def close(self) -> None:
        try:
            self.page.close()
        finally:
            self.server.shutdown_kernels()


class FormgraderServer(LabServer):
    """``jupyter server`` with nbgrader's formgrader in the course directory ``course`` (its
    ``nbgrader_config.py`` is read from there). The port is chosen by the OS (``port=0``) and read
    back from the server's runtime file, so no free port is guessed; ``stop()`` as LabServer."""

    def __init__(self, course: Path, workdir: Path, start_timeout: float = 120):
        self.root = Path(course)
        self.workdir = Path(workdir)
        self.token = uuid.uuid4().hex
        self.log_path = self.workdir / "formgrader.log"
        env = dict(os.environ)
        for var, sub in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_RUNTIME_DIR", "runtime"),
                         ("JUPYTER_DATA_DIR", "data"), ("IPYTHONDIR", "ipython")):
            env[var] = str(self.workdir / sub)
            (self.workdir / sub).mkdir(parents=True, exist_ok=True)
        env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
        cmd = [
            sys.executable, "-m", "jupyter_server", "--no-browser",
            "--ServerApp.ip=127.0.0.1", "--ServerApp.port=0",
            f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.root}",
            "--ServerApp.jpserver_extensions=nbgrader.server_extensions.formgrader=True",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        self._log = open(self.log_path, "wb")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(cmd, stdout=self._log, stderr=subprocess.STDOUT,
                                        env=env, cwd=self.root, start_new_session=True)
        try:
            self.port = self._wait_port(start_timeout)
            self.url = f"http://127.0.0.1:{self.port}"
            self._wait_ready(start_timeout)
        except BaseException:
            self.stop()
            raise

    def _wait_port(self, timeout):
        """The port from ``jpserver-<pid>.json`` (written once the server listens)."""
        info = self.workdir / "runtime" / f"jpserver-{self.process.pid}.json"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"jupyter server exited with {self.process.returncode}:\n"
                                   f"{self.log()[-4000:]}")
            try:
                return int(json.loads(info.read_text())["port"])
            except (OSError, ValueError, KeyError):
                time.sleep(0.2)
        raise TimeoutError(f"jupyter server wrote no {info.name} in {timeout} s:\n"
                           f"{self.log()[-4000:]}")

    def page_url(self, path: str = "formgrader", reset: bool = False) -> str:
        return f"{self.url}/{path}?token={self.token}"


# ------------------------------------------------------------------ layout of the views

#: Settings of the layout tests: every cell laid out (no windowing: off-screen cells would not be
#: measured) besides lab_user_settings.
NO_WINDOWING = {"@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"}}

#: Whatever the page shows of the notebook's views, measured in the page (CSS pixels):
#: - ``page``: the notebook panel's horizontal overflow (scrollWidth - clientWidth of the
#:   notebook's scrolling node),
#: - ``cut``: elements of a widget output whose content is wider than their box and who hide or
#:   scroll it (overflow hidden/auto/scroll: a cut label, a horizontally scrolling diagram),
#: - ``images``: every plot image whose displayed width times the device pixel ratio exceeds its
#:   pixels (stretched: blurred),
#: - ``small``: SVG text drawn smaller than ``min_px`` on the screen,
#: - ``overlaps``: SVG labels that cover an edge (line or curve, sampled every 2 units), a node
#:   they do not belong in, or another label,
#: - ``texts``: the text of every widget output (readouts, labels, slider readouts, diagrams).
JS_LAYOUT = """
(minPx) => {
  const app = window.jupyterapp;
  const panel = app.shell.currentWidget;
  const nb = panel.content;
  const scroller = nb.node.closest('.jp-WindowedPanel-outer') || nb.node;
  const result = {page: scroller.scrollWidth - scroller.clientWidth, width: scroller.clientWidth,
                  dpr: window.devicePixelRatio, cut: [], images: [], small: [], overlaps: [],
                  texts: []};
  const where = (i, el) => `cell ${i}: ${el.tagName.toLowerCase()}.${
      String(el.className && el.className.baseVal !== undefined ? el.className.baseVal
             : el.className).split(' ').join('.')}`;
  const inside = (p, b) => p.x > b.x && p.x < b.x + b.width && p.y > b.y && p.y < b.y + b.height;
  const meet = (a, b) => a.x < b.x + b.width && b.x < a.x + a.width
                         && a.y < b.y + b.height && b.y < a.y + a.height;
  const shrink = (b, d) => ({x: b.x + d, y: b.y + d, width: b.width - 2 * d,
                             height: b.height - 2 * d});
  nb.widgets.forEach((cell, i) => {
    const outputs = cell.node.querySelectorAll('.jp-OutputArea-output');
    outputs.forEach((out) => {
      if (!out.querySelector('.jupyter-widgets')) return;
      result.texts.push(out.innerText);
      for (const el of out.querySelectorAll('*')) {
        if (el instanceof SVGElement) continue;
        const style = getComputedStyle(el);
        if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 1  // not visually hidden text
            && ['hidden', 'auto', 'scroll', 'clip'].includes(style.overflowX)) {
          result.cut.push(`${where(i, el)} shows ${el.clientWidth} of ${el.scrollWidth} px: `
                          + JSON.stringify((el.innerText || '').slice(0, 80)));
        }
      }
      for (const img of out.querySelectorAll('img')) {
        const shown = img.getBoundingClientRect().width;
        if (img.naturalWidth && shown * window.devicePixelRatio > img.naturalWidth * 1.02) {
          result.images.push(`cell ${i}: ${img.naturalWidth} px image shown ${Math.round(shown)}`
                             + ` CSS px wide at pixel ratio ${window.devicePixelRatio}`);
        }
      }
      for (const svg of out.querySelectorAll('svg')) {
        const scale = svg.getScreenCTM().a;
        const texts = Array.from(svg.querySelectorAll('text'));
        for (const t of texts) {
          const px = parseFloat(getComputedStyle(t).fontSize) * scale;
          if (px < minPx) {
            result.small.push(`cell ${i}: ${px.toFixed(1)} px: ${t.textContent.slice(0, 40)}`);
          }
        }
        const boxes = texts.map((t) => ({t, box: shrink(t.getBBox(), 1)}));
        const circles = Array.from(svg.querySelectorAll('circle')).map((c) => c.getBBox());
        const edges = Array.from(svg.querySelectorAll('line, path'));
        for (const {t, box} of boxes) {
          const what = JSON.stringify(t.textContent.slice(0, 40));
          for (const e of edges) {
            const n = e.getTotalLength();
            for (let s = 0; s <= n; s += 2) {
              if (inside(e.getPointAtLength(s), box)) {
                result.overlaps.push(`cell ${i}: label ${what} on edge ${
                  (e.querySelector('title') || e).textContent.slice(0, 30)}`);
                break;
              }
            }
          }
          for (const c of circles) {  // a node's own text lies inside its circle
            const within = box.x >= c.x && box.y >= c.y && box.x + box.width <= c.x + c.width
                           && box.y + box.height <= c.y + c.height;
            if (meet(box, c) && !within) {
              result.overlaps.push(`cell ${i}: label ${what} on a node`);
            }
          }
        }
        boxes.forEach((a, k) => boxes.slice(k + 1).forEach((b) => {
          if (meet(a.box, b.box)) {
            result.overlaps.push(`cell ${i}: labels ${JSON.stringify(a.t.textContent)} and ${
              JSON.stringify(b.t.textContent)} overlap`);
          }
        }));
      }
    });
  });
  return result;
}
"""

#: The screens every view must fit: a laptop and a desktop monitor (CSS pixels).
SCREENS = {"1280x800": {"width": 1280, "height": 800}, "1920x1080": {"width": 1920, "height": 1080}}
#: The device pixel ratio of the browser of the layout tests (a laptop's screen).
PIXEL_RATIO = 2
#: The smallest text a diagram may show on the screen (CSS px).
MIN_TEXT_PX = 10.5
#: How long ``view_layout`` waits for the sharp pictures (a deadline against a hang, no limit).
SHARP_WAIT_MS = 60_000
#: Every loaded plot image has as many pixels as it is shown with on this screen.
JS_SHARP = """
() => Array.from(document.querySelectorAll('.jp-OutputArea-output img')).every((img) =>
  img.complete && img.naturalWidth
  >= img.getBoundingClientRect().width * window.devicePixelRatio / 1.02)
"""


def view_indices(page) -> list[int]:
    """Indices of the cells that show a widget (every view)."""
    return page.evaluate("""() => window.jupyterapp.shell.currentWidget.content.widgets
        .map((c, i) => [i, c.node]).filter(([i, n]) => n.querySelector(
            '.jp-OutputArea-output .jupyter-widgets')).map(([i]) => i)""")


def view_layout(page, screen: str, shots: Path | None = None, name: str = "") -> dict:
    """Resize the page to ``SCREENS[screen]``, measure the views (``JS_LAYOUT``) and, with
    ``shots``, save one screenshot per view (scrolled to the view's top, CSS pixels) as
    ``<shots>/<name>_cell<i>_<screen>.png``."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.set_viewport_size(SCREENS[screen])
    page.wait_for_timeout(500)  # JupyterLab lays out again on resize
    page.evaluate("() => document.fonts.ready")
    try:  # the kernel draws the sharp pictures once the figures stand still (FigureView)
        page.wait_for_function(JS_SHARP, timeout=SHARP_WAIT_MS, polling=200)
    except PlaywrightTimeout:
        pass  # measured (and reported) below

    result = page.evaluate(JS_LAYOUT, MIN_TEXT_PX)
    if shots is not None:
        shots.mkdir(parents=True, exist_ok=True)
        for index in view_indices(page):
            page.evaluate("""(i) => window.jupyterapp.shell.currentWidget.content.widgets[i]
                .node.scrollIntoView({block: 'start'})""", index)
            page.wait_for_timeout(100)
            page.screenshot(path=str(shots / f"{name}_cell{index}_{screen}.png"), scale="css")
    return result
