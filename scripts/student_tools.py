"""The student edition's JupyterLab without nbgrader's instructor tools.

    python scripts/student_tools.py [--handin platform|hub] [--prefix DIR]

Disables (and locks, so that they cannot be switched on again in the plugin manager)
nbgrader's lab extensions "Create Assignment", "Formgrader" and "Course List", and turns off the
formgrader and course-list server extensions, for this Python environment: the same files
``jupyter labextension disable/lock --level=sys_prefix`` and ``jupyter server extension disable
--sys-prefix`` write (nbgrader's documentation, "Installation"), in ``<prefix>/etc/jupyter``.
Validate stays. The assignment list stays only with ``--handin hub`` (students fetch and submit
through a hub's exchange); with ``platform`` (the default) there is no exchange, the list could
only fail ("Error fetching courses!"), and it is switched off too: students upload the .ipynb.
"""

import argparse
import json
import sys
from pathlib import Path

LAB = ["@jupyter/nbgrader:create-assignment", "@jupyter/nbgrader:formgrader",
       "@jupyter/nbgrader:course-list"]
SERVER = ["nbgrader.server_extensions.formgrader", "nbgrader.server_extensions.course_list"]
EXCHANGE = {  # what only works with an exchange (a hub): off unless handin is "hub"
    "lab": ["@jupyter/nbgrader:assignment-list"],
    "server": ["nbgrader.server_extensions.assignment_list"],
}


def disable(prefix, handin="platform"):
    """Write the configuration into ``<prefix>/etc/jupyter``; returns the files written."""
    hub = handin == "hub"
    lab = {name: True for name in LAB} | {name: not hub for name in EXCHANGE["lab"]}
    servers = {name: False for name in SERVER} | {name: hub for name in EXCHANGE["server"]}
    etc = Path(prefix) / "etc" / "jupyter"
    page = etc / "labconfig" / "page_config.json"
    config = json.loads(page.read_text()) if page.exists() else {}
    for key in ("disabledExtensions", "lockedExtensions"):
        config.setdefault(key, {}).update(lab)
    server = etc / "jupyter_server_config.d" / "zz_nnkit_student.json"  # after nbgrader.json
    for path in (page, server):
        path.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(json.dumps(config, indent=2))
    server.write_text(json.dumps({"ServerApp": {"jpserver_extensions": servers}}, indent=2))
    return [page, server]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--handin", choices=["platform", "hub"], default="platform")
    parser.add_argument("--prefix", default=sys.prefix)
    args = parser.parse_args(argv)
    for path in disable(args.prefix, args.handin):
        print(f"written {path}")


if __name__ == "__main__":
    main()
