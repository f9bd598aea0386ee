"""Where the repository is, and the grader's version (no imports of the rest of the package).

Kept out of ``__init__`` on purpose: an editable install may register ``autograder`` as a
namespace package, in which case ``__init__`` never runs.
"""

import sys
from pathlib import Path

VERSION = "0.3.2"  #: part of every cache key: bump when grading behaviour changes
ROOT = Path(__file__).resolve().parent.parent  #: the repository (holds ``workbook``)

if str(ROOT) not in sys.path and (ROOT / "workbook").is_dir():
    sys.path.insert(0, str(ROOT))  # in case ``workbook`` is not installed

# jsonschema (imported by nbformat and nbgrader) imports rfc3987_syntax if it is installed (a
# dependency of jupyter_events), which builds about 40 Lark parsers on import: 1.3 s CPU in the
# grader and in every grading process, for the "iri" formats that no schema here uses (nbformat
# and nbgrader validate without format checking). Without it jsonschema skips these two formats
# (python-jsonschema/jsonschema#1428).
sys.modules.setdefault("rfc3987_syntax", None)
