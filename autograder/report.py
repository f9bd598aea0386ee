"""RESULTS/report.png: how the class did, per unit (assignment) and per exercise."""

from __future__ import annotations

from collections import defaultdict


def write_report(path, results, course):
    """``results``: the worker results of every graded submission."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    per_assignment = defaultdict(list)  # unit -> [percent] (both languages together)
    per_cell = defaultdict(list)  # (unit, grade id) -> [fraction of points]
    order = {}  # (unit, grade id) -> position in the notebook
    for r in results:
        assignment = course.assignments[r["assignment"]]
        for entry in r["notebooks"].values():
            if entry["max_score"]:
                per_assignment[assignment.unit].append(100 * entry["score"] / entry["max_score"])
            for gid, g in entry["grades"].items():
                if g["max_score"] and gid in assignment.auto:
                    per_cell[(assignment.unit, gid)].append((g["auto_score"] or 0) / g["max_score"])
                    order[(assignment.unit, gid)] = assignment.auto.index(gid)
    names = sorted(per_assignment, key=lambda u: (len(u), u))
    cells = sorted(per_cell, key=lambda k: (names.index(k[0]), order[k]))
    height = max(4.0, 1.2 + 0.22 * len(cells))
    fig = Figure(figsize=(13, height), layout="constrained")
    left, right = fig.subplots(1, 2, width_ratios=[1, 1.3])
    if names:
        left.boxplot([per_assignment[n] for n in names], orientation="horizontal",
                     tick_labels=[f"{n} (n={len(per_assignment[n])})" for n in names])
        for i, n in enumerate(names, start=1):
            left.scatter(per_assignment[n], [i] * len(per_assignment[n]), s=12, alpha=0.5)
        left.invert_yaxis()
    left.set_xlim(-5, 105)
    left.set_xlabel("score (% of the notebook's points, manual grading pending counts 0)")
    left.set_title("Score distribution per unit (de + en)")
    if cells:
        means = [100 * sum(per_cell[c]) / len(per_cell[c]) for c in cells]
        right.barh(range(len(cells)), means, color="#0072B2")
        labels = [f"{g.removesuffix('_check')} (n={len(per_cell[(u, g)])})" for u, g in cells]
        right.set_yticks(range(len(cells)), labels, fontsize=8)
        right.invert_yaxis()
    right.set_xlim(0, 100)
    right.set_xlabel("students with full points (%)")
    right.set_title("Autograded exercises")
    fig.suptitle(f"nnkit workbook: {sum(len(v) for v in per_assignment.values())} notebooks")
    fig.savefig(path, dpi=110)
