"""Measurement of the assistant from outside: benchmarks whose questions and expectations are written
from the domain spec and the stored reports, never from the answering code's own vocabulary, so that
what they measure is the answering, not the agreement of two halves of one glossary.

Production code never imports this package.
"""

# the kinds of generated question (measure.questions), here so the CLI can list them without loading it
KINDS: tuple[str, ...] = (
    "single",
    "compound_cells",
    "compound_years",
    "compound_bodies",
    "range",
    "prose",
    "ambiguous",
    "not_held",
    "unknown_body",
)
