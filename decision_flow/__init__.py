"""decision-flow: major administrative decisions (重大行政决策) run through their mandatory procedure.

The engine modules here import neither typer nor rich; ``cli.py`` is the thin command layer
and :mod:`decision_flow.presentation.render` the only place that draws for a terminal.
"""

__version__ = "0.1.0"
