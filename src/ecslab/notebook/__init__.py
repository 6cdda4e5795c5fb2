"""The notebook face: what a learner calls in a cell, the widgets and the checks."""
