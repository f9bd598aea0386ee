"""Write JupyterLab's default settings for the workbook into the active environment.

    python scripts/lab_settings.py --lang de|en|auto

`auto` picks German when the system locale ($LC_ALL, $LC_MESSAGES or $LANG) is German.
The settings go to <env>/share/jupyter/lab/settings/overrides.json, so they are defaults:
every student can still switch the interface language under Settings -> Language.
"""

import argparse
import json
import os
import sys
from pathlib import Path

LOCALES = {"de": "de_DE", "en": "en"}


def system_language() -> str:
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "de" if value.lower().startswith("de") else "en"
    return "en"


def overrides(lang: str) -> dict:
    return {
        "@jupyterlab/translation-extension:plugin": {"locale": LOCALES[lang]},
        # The news/update pop-up covers the lower right corner of the notebook.
        "@jupyterlab/apputils-extension:notification": {
            "checkForUpdates": False,
            "fetchNews": "false",
        },
    }


def choose_language(lang: str) -> str:
    """``de`` or ``en``; ``auto``: the system locale's."""
    return system_language() if lang == "auto" else lang


def write_overrides(lang: str) -> None:
    """The defaults for ``lang`` in <env>/share/jupyter/lab/settings/overrides.json."""
    path = Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(overrides(lang), indent=2) + "\n", encoding="utf-8")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=["de", "en", "auto"], default="auto")
    args = parser.parse_args(argv)
    lang = choose_language(args.lang)
    write_overrides(lang)
    print(lang)


if __name__ == "__main__":
    main()
