"""The nnkit workbook: unit sources, exercises, self-checks and the notebook build."""
