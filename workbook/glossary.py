"""The German/English glossary: one German term per concept.

``TERMS`` is the glossary (rendered into docs/glossary.md by ``python -m workbook.glossary``);
``FORBIDDEN`` lists variants that must not appear in German text; :func:`violations` finds them
(the tests scan every German notebook with it).
"""

import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Term:
    de: str
    en: str
    note: str = ""  # the rule, in German (the glossary is for the German text)
    avoid: tuple = ()  # variants that must not appear in German text (regular expressions)


TERMS = [
    Term("Gradient (der, des Gradienten; die Gradienten)", "gradient",
         "Vektor aller partiellen Ableitungen.", (r"Gradiente\b", r"Gradientvektor")),
    Term("Ableitung", "derivative", "Auch für f'(z); nicht „Derivative“.", (r"\bDerivative\b",)),
    Term("partielle Ableitung", "partial derivative", "", (r"[Pp]artialableitung",)),
    Term("Kettenregel", "chain rule", "", (r"Ketten[- ]Regel",)),
    Term("Aktivierungsfunktion", "activation function", "Das g bzw. σ einer Schicht.",
         (r"Aktivierungs[- ][Ff]unktion", r"Aktivationsfunktion")),
    Term("Sigmoid-Funktion, Leaky ReLU, Maxout", "sigmoid, leaky ReLU, maxout",
         "Namen, im deutschen Text groß (im Code klein: `sigmoid`, `leaky_relu`, `maxout`).",
         (r"\bsigmoid\b", r"\bleaky[- ]ReLU", r"\bmaxout\b", r"Sigmoid(funktion|kurve|stufe)")),
    Term("Verlust, Verlustfunktion L", "loss, loss function",
         "Fehler für EIN Beispiel, z. B. L = |y − ŷ|.",
         (r"\bLoss(es)?\b", r"Loss-?[Ff]unktion", r"Verlust[- ][Ff]unktion", r"Fehlerfunktion")),
    Term("Kosten, Kostenfunktion J", "cost, cost function",
         "Mittel der Verluste über die Trainingsdaten, z. B. J = 1/(2n) Σ (y − ŷ)². "
         "Was der Gradientenabstieg minimiert.", (r"Kosten[- ][Ff]unktion", r"Zielfunktion")),
    Term("Lernrate η", "learning rate", "", (r"Lern[- ][Rr]ate",)),
    Term("Gradientenabstieg", "gradient descent", "Ein Schritt: w ← w − η ∂J/∂w.",
         (r"Gradienten[- ][Aa]bstieg", r"Gradientabstieg", r"Gradientenverfahren")),
    Term("Aktualisierungsregel", "update rule", "Die Regel eines Schritts, w ← w − η ∂J/∂w.",
         (r"Update-?[Rr]egel",)),
    Term("Vorwärtsdurchlauf", "forward pass", "",
         (r"Vorwärts[- ][Dd]urchlauf", r"Vorwärtspass", r"\bForward[- ]?[Pp]ass")),
    Term("Rückwärtsdurchlauf", "backward pass", "Der Durchlauf, der die Gradienten berechnet.",
         (r"Rückwärts[- ][Dd]urchlauf", r"\bBackward[- ]?[Pp]ass")),
    Term("Backpropagation (die)", "backpropagation", "Der Algorithmus (Kettenregel rückwärts).",
         (r"Fehlerrückführung", r"Rückpropagierung", r"Back-Propagation")),
    Term("Gewicht w", "weight", "", ()),
    Term("Bias b (der)", "bias", "Nicht „Schwellwert“ oder „Offset“.",
         (r"Schwellwert", r"\bOffset")),
    Term("Schicht", "layer", "Eingabeschicht, verborgene Schicht, Ausgabeschicht.",
         (r"\bLayer\b", r"versteckte Schicht", r"\bHidden[- ]Layer")),
    Term("Neuron (das, die Neuronen)", "neuron (unit)", "", (r"\bNeuronen-Netz",)),
    Term("neuronales Netz", "neural network", "Nicht „Netzwerk“.", (r"[Nn]etzwerk",)),
    Term("totes Neuron, tote ReLU", "dead neuron, dead ReLU",
         "Ein ReLU-Neuron, dessen Eingabe für alle Trainingsdaten negativ ist.",
         (r"\b[Dd]ead[- ]ReLU", r"\bDead[- ]Neuron", r"abgestorbene")),
    Term("verschwindende Gradienten", "vanishing gradients", "",
         (r"\b[Vv]anishing[- ]Gradient", r"\bschwindende Gradienten")),
    Term("explodierende Gradienten", "exploding gradients", "", (r"\b[Ee]xploding[- ]Gradient",)),
    Term("Skip-Verbindung", "skip connection", "Überspringt eine oder mehrere Schichten.",
         (r"Skip[ ]?[Vv]erbindung", r"Sprungverbindung", r"\bSkip[- ]Connection")),
    Term("Residualverbindung", "residual connection", "Addiert die Eingabe einer Schicht zu ihrer "
         "Ausgabe (h + F(h)).", (r"Residual[- ][Vv]erbindung", r"Restverbindung")),
    Term("Zufallsinitialisierung", "random initialisation",
         "Als Verb: „zufällig initialisieren“.", (r"Zufalls-Initialisierung", r"Random-Init")),
    Term("Trainingsdaten", "training data", "", (r"Trainings-Daten", r"Trainingsmenge")),
    Term("Vorhersage ŷ", "prediction", "", (r"Prädiktion", r"Prognose")),
    Term("Eingabe x, Ausgabe", "input, output", "", (r"\bInputs?\b", r"\bOutputs?\b")),
    Term("Differenzenquotient", "difference quotient", "Vorwärts- und zentraler "
         "Differenzenquotient.", (r"Differenzquotient",)),
    Term("Gradientenprüfung", "gradient check", "",
         (r"Gradient(en)?-?[Cc]heck", r"Gradientencheck")),
    Term("Rechengraph", "computational graph", "Knoten: Operationen; Kanten: Zwischenergebnisse.",
         (r"Berechnungsgraph", r"Rechen-Graph", r"\b[Cc]omputational[- ][Gg]raph")),
    Term("ankommender, lokaler, weitergegebener Gradient", "upstream, local, downstream gradient",
         "An einem Knoten rückwärts: weitergegeben = ankommend · lokal.",
         (r"\b[Uu]pstream", r"\b[Dd]ownstream")),
    Term("Batch-Normalisierung, Normalisierung", "batch normalisation, normalisation", "",
         (r"Batchnormalisierung", r"\bBatch[- ]?Norm\b")),
    Term("Prüfzelle, Selbstprüfung", "check cell, self-check", "Die Zelle `check(\"…\")` unter "
         "einer Antwortzelle; im Feedback die bewertete Zelle.",
         (r"Testzelle", r"Selbstkontrolle")),
    Term("Mini-Batch", "mini-batch", "Die Beispiele, die gemeinsam durch das Netz laufen.",
         (r"\bStapel\b",)),
    Term("Abhilfe", "remedy", "Was gegen ein Problem des Trainings hilft (tote Neuronen, "
         "verschwindende Gradienten).", (r"Gegenmittel",)),
]

# Formal address ("Sie") throughout; the informal forms are forbidden.
INFORMAL = (r"\b[Dd]u\b", r"\b[Dd]ein(e|er|en|em|es)?\b", r"\bdich\b", r"\bdir\b", r"\beuch\b")

FORBIDDEN = [(pattern, t.de) for t in TERMS for pattern in t.avoid] + [
    (pattern, "Sie (formal address)") for pattern in INFORMAL]

RULES = """\
* **Eine deutsche Bezeichnung pro Begriff**: die Spalte „Deutsch“. Die Varianten unter
  „Nicht verwenden“ prüft ein Test in jedem deutschen Notebook.
* **Verlust und Kosten**: der *Verlust* L gilt für ein Beispiel, die *Kosten* J sind das Mittel der
  Verluste über die Trainingsdaten. Der Gradientenabstieg minimiert die Kostenfunktion.
* **Backpropagation** heißt der Algorithmus, **Rückwärtsdurchlauf** der einzelne Durchlauf durch
  das Netz, der die Gradienten berechnet.
* **Anrede**: durchgehend „Sie“.
* Fachwörter ohne eingeführte deutsche Entsprechung (ReLU, Sigmoid, Maxout, Bias, Backpropagation,
  Gradient Clipping) bleiben englisch; zusammengesetzt mit Bindestrich: ReLU-Neuron,
  Sigmoid-Funktion.
* Zitate in „…“ (etwa die Wortwahl eines Übungsblatts) sind von der Prüfung ausgenommen.
* Zahlen im Fließtext mit Dezimalkomma (0,1); im Code immer mit Punkt (0.1).
"""


def _prose(text):
    """Markdown without code blocks, inline code, math, link targets and „quotations“."""
    text = re.sub(r"```.*?```", " ", text, flags=re.DOTALL)
    text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.DOTALL)
    text = re.sub(r"\$[^$]*\$", " ", text)
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"„[^“]*“", " ", text)  # quoting the original wording of a sheet is fine
    return re.sub(r"\]\([^)]*\)", "]", text)


def violations(text):
    """``[(found, preferred term), ...]`` for forbidden variants in German markdown ``text``."""
    prose = _prose(text)
    return [(m.group(0), term) for pattern, term in FORBIDDEN
            for m in re.finditer(pattern, prose)]


def markdown():
    """docs/glossary.md."""
    def cell(avoid):
        return ", ".join(f"`{a}`" for a in avoid) or "–"

    rows = "\n".join(f"| {t.de} | {t.en} | {t.note or '–'} | {cell(t.avoid)} |" for t in TERMS)
    return (
        "# Glossar / Glossary\n\n"
        "Generated from `workbook/glossary.py` (`python -m workbook.glossary`); do not edit.\n\n"
        f"## Regeln\n\n{RULES}\n"
        "## Begriffe\n\n| Deutsch | English | Regel | Nicht verwenden (regulärer Ausdruck) |\n"
        f"|---|---|---|---|\n{rows}\n\n"
        f"Informelle Anrede (nicht verwenden): {cell(INFORMAL)}\n")


DOC = Path(__file__).resolve().parent.parent / "docs" / "glossary.md"

if __name__ == "__main__":
    DOC.write_text(markdown())
    print(f"wrote {DOC}")
