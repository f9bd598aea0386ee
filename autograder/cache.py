"""RESULTS/.cache: the result of a job, keyed by what decides it.

key = sha256(course key (sources, seed, time limit, grader version), student, assignment, and
every submitted notebook's name and bytes). An unchanged submission is not executed again; its
stored result is merged, exported and reported like a fresh one. Failed jobs are not cached.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path


def job_key(course_key, job):
    h = hashlib.sha256(f"{course_key}\0{job['student']}\0{job['assignment']}\0"
                       f"{job.get('timestamp')}\0".encode())
    for name in sorted(job["notebooks"]):
        h.update(name.encode() + b"\0" + hashlib.sha256(job["notebooks"][name]).digest())
    return h.hexdigest()


class Cache:
    def __init__(self, folder):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)

    def _path(self, key):
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key):
        path = self._path(key)
        try:
            return json.loads(path.read_text())
        except (OSError, ValueError):
            return None

    def put(self, key, result):
        path = self._path(key)
        path.parent.mkdir(exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(result))
        os.replace(tmp, path)
