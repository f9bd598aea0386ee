"""``make lab``: the workbook in JupyterLab, opened at the start page of one language.

    python scripts/lab.py [--lang de|en|auto] [--port 8888]

Writes the interface defaults (scripts/lab_settings.py) and replaces itself with JupyterLab
serving ``notebooks/``. The start page is given as an absolute path: Jupyter resolves the file
to open from the working directory, not from ``root_dir`` (``en/0_start.ipynb`` made the server
exit with "No such file or directory").
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lab_settings import choose_language, write_overrides  # noqa: E402

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def command(lang: str, port: int, *extra: str) -> list:
    """The JupyterLab command line: ``notebooks/`` as root, ``<lang>/0_start.ipynb`` opened."""
    cmd = [sys.executable, "-m", "jupyterlab", f"--ServerApp.port={port}",
           f"--ServerApp.root_dir={NOTEBOOKS}", str(NOTEBOOKS / lang / "0_start.ipynb"), *extra]
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
    cmd = command(lang, args.port)
    os.execv(cmd[0], cmd)


if __name__ == "__main__":
    main()
