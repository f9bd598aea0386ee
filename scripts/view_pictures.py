"""Did a change to the views change a picture? Record every view's pictures in two trees, compare.

    python scripts/view_pictures.py record TREE OUT.json   # TREE: a checkout (e.g. git archive)
    python scripts/view_pictures.py compare BEFORE.json AFTER.json

``record`` imports ``workbook`` and ``bench`` from TREE and, in German and English, builds every
View of workbook.views (``bench.sliders.discover``), makes 12 seeded control changes (the
benchmark's ``next_value``: steps and jumps, every control in turn), runs ``train()`` once where
a view has it, and shows the static figures ``data_view()`` and ``architecture_figure()``. After
each change it records every Image widget's decoded pixels (mode, size, SHA-256 of the bytes) and
every HTML widget's text (readouts, diagrams). Without an event loop progressive views complete
at once: the final pictures are compared, not the timed intermediate ones.
``compare`` prints how many states differ and where (exit code 1 if any).
"""

import hashlib
import io
import json
import sys

CHANGES = 12


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def _state(widget):
    """What the view shows: pixels of every image, text of every HTML widget (hashed)."""
    import ipywidgets
    from PIL import Image

    shown = []
    for w in _walk(widget):
        if isinstance(w, ipywidgets.Image):
            image = Image.open(io.BytesIO(bytes(w.value)))
            shown.append(f"image {image.mode} {image.size} "
                         + hashlib.sha256(image.tobytes()).hexdigest()[:16])
        elif isinstance(w, ipywidgets.HTML):
            shown.append("html " + hashlib.sha256(w.value.encode()).hexdigest()[:16])
    return shown


def record(tree):
    """{"<lang> <module>.<View>": [state after building, after change 1, ...], ...}"""
    sys.path.insert(0, tree)
    import numpy as np

    from bench import sliders
    from workbook.i18n import set_language
    from workbook.views import sine_network, vanishing

    states = {}
    for lang in ("de", "en"):
        set_language(lang)
        for module, cls in sliders.discover():
            rng = np.random.default_rng(7)
            view = cls()
            shown = [_state(view.widget)]
            names = list(view.controls)
            for i in range(CHANGES):
                control = view.controls[names[i % len(names)]]
                control.value = sliders.next_value(control, rng, small=i % 3 != 2)
                shown.append(_state(view.widget))
            if hasattr(view, "train"):
                view.train()
                shown.append(_state(view.widget))
            states[f"{lang} {module.__name__.rsplit('.', 1)[-1]}.{cls.__name__}"] = shown
        states[f"{lang} data_view"] = [_state(sine_network.data_view().widget)]
        states[f"{lang} architecture_figure"] = [
            _state(vanishing.architecture_figure().widget),
            _state(vanishing.architecture_figure(6, "relu", 1.5).widget)]
    return states


def compare(before, after):
    """The (view, state index) pairs that differ; a view only one side has counts as differing."""
    differ = [(name, None) for name in before.keys() ^ after.keys()]
    for name in before.keys() & after.keys():
        a, b = before[name], after[name]
        differ += [(name, i) for i in range(max(len(a), len(b)))
                   if i >= len(a) or i >= len(b) or a[i] != b[i]]
    return sorted(differ, key=str)


def main(argv):
    if len(argv) == 3 and argv[0] == "record":
        states = record(argv[1])
        with open(argv[2], "w") as out:
            json.dump(states, out, indent=0)
        images = sum(e.startswith("image") for s in states.values() for shown in s for e in shown)
        print(f"{len(states)} views, {sum(map(len, states.values()))} states, {images} images")
        return 0
    if len(argv) == 3 and argv[0] == "compare":
        with open(argv[1]) as a, open(argv[2]) as b:
            before, after = json.load(a), json.load(b)
        differ = compare(before, after)
        print(f"{len(before)} views, {sum(map(len, before.values()))} states: "
              f"{len(differ)} differ", *differ[:20], sep="\n  " if differ else " ")
        return 1 if differ else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
