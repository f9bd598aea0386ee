"""The course's reference maths: the networks, data, formulas and their gradients of the units,
built on nnkit (one module per topic, named like the view that shows it).

The units' exercises judge answers against it, the views draw it; it is the answer key, so the
grader treats it like nnkit: an answer that uses it scores 0 for that exercise
(autograder/screen.py), and in the grading kernel it computes nothing for a notebook's code
(autograder/guard.py). Student-facing helpers
(workbook.i18n, workbook.symbolic) never import it.

- ``relu_neuron``       unit 1: the mini network z = w1 x1 + w2 x2, y = ReLU(z)
- ``output_neuron``     unit 2: one ReLU output neuron and its gradients
- ``gradient_descent``  unit 2: J(w) = (w - 3)^2 + 1 and gradient descent on it
- ``sine_network``      unit 3: the 1-3-1 sigmoid network, its data, the lecture's table, sympy
- ``computational_graph`` unit 4, section 0: f = (x + y) · max(z, w) node by node
- ``dead_relu``         unit 4: the skip-connection network by hand and by nnkit, 1000 runs
- ``vanishing``         unit 5: the chain of N neurons, skip connections, sheet 11 in sympy,
                        the wide chain of the remedies (initialisation, batch norm, clipping)
"""
