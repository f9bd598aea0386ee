"""Start a kernel under resource limits: ``python -m autograder.launch [limits] -- cmd ...``.

The kernel manager of :mod:`autograder.execute` puts this launcher in front of the kernel's
command line; it sets the limits on itself and then ``exec``s the kernel (same process id, so
interrupting and killing the kernel work as usual).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys

LIMITS = {"memory": resource.RLIMIT_AS, "fsize": resource.RLIMIT_FSIZE,
          "nproc": resource.RLIMIT_NPROC, "cpu": resource.RLIMIT_CPU}


def limit_args(**limits):
    """``["--memory", "2000000000", ...]`` for the limits that are set (not None)."""
    args = []
    for name, value in limits.items():
        if name not in LIMITS:
            raise ValueError(f"unknown limit {name!r}")
        if value is not None:
            args += [f"--{name}", str(int(value))]
    return args


def apply(limits):
    """Lower the soft and hard limits (never raise them above the current hard limit)."""
    for name, value in limits.items():
        if value is None:
            continue
        which = LIMITS[name]
        _, hard = resource.getrlimit(which)
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(which, (value, value))


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if "--" not in argv:
        print("usage: python -m autograder.launch [--memory B] [--fsize B] [--nproc N] "
              "[--cpu S] -- cmd ...", file=sys.stderr)
        return 2
    split = argv.index("--")
    parser = argparse.ArgumentParser(prog="autograder.launch")
    for name in LIMITS:
        parser.add_argument(f"--{name}", type=int)
    limits = vars(parser.parse_args(argv[:split]))
    cmd = argv[split + 1:]
    apply(limits)
    os.execvp(cmd[0], cmd)


if __name__ == "__main__":
    sys.exit(main())
