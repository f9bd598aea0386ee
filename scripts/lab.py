"""``make lab``: the workbook in JupyterLab, opened at the start page of one language.

    python scripts/lab.py [--lang de|en|auto] [--port 8888]

Writes the interface defaults (scripts/lab_settings.py) and replaces itself with JupyterLab
serving :func:`workspace`: in the lecturer's repository working copies of ``notebooks/`` in the
git-ignored ``build/lab/`` (what JupyterLab autosaves never touches the committed notebooks,
from which nothing is built anyway); in the student edition ``notebooks/`` itself (the
student's own files). The start page is given as an absolute path: Jupyter resolves the file
to open from the working directory, not from ``root_dir`` (``en/0_start.ipynb`` made the server
exit with "No such file or directory").
"""

import argparse
import filecmp
import os
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lab_settings import choose_language, write_overrides  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
WORKING = Path("build") / "lab"  # under the root: the lecturer's working copies (git-ignored)


def workspace(root=ROOT):
    """The folder JupyterLab serves. With the unit sources (``workbook/units``: the lecturer's
    repository) ``build/lab/``, where every notebook of ``notebooks/`` missing there is copied;
    one already there is kept (the lecturer's work) and named when it differs from
    ``notebooks/``. Without them (the student edition) ``notebooks/``."""
    root = Path(root)
    notebooks = root / "notebooks"
    if not (root / "workbook" / "units").is_dir():
        return notebooks
    working = root / WORKING
    for source in sorted(notebooks.glob("*/*.ipynb")):
        copy = working / source.relative_to(notebooks)
        if not copy.exists():
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, copy)
        elif not filecmp.cmp(source, copy, shallow=False):
            print(f"{copy.relative_to(root)}: your copy, kept (differs from "
                  f"{source.relative_to(root)}; delete it for a fresh one)")
    return working


def command(root: Path, lang: str, port: int, *extra: str) -> list:
    """The JupyterLab command line: ``root`` as root dir, ``<lang>/0_start.ipynb`` opened."""
    cmd = [sys.executable, "-m", "jupyterlab", f"--ServerApp.port={port}",
           f"--ServerApp.root_dir={root}", str(Path(root) / lang / "0_start.ipynb"), *extra]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    return cmd


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=["de", "en", "auto"], default="auto")
    parser.add_argument("--port", type=int, default=8888)
    args = parser.parse_args(argv)
    lang = choose_language(args.lang)
    write_overrides(lang)
    cmd = command(workspace(), lang, args.port)
    os.execv(cmd[0], cmd)


if __name__ == "__main__":
    main()
