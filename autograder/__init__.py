"""The instructor's command line of the nnkit workbook: ``python -m autograder --help``."""

from autograder._root import ROOT, VERSION

__all__ = ["ROOT", "VERSION"]
