"""Training and evaluation: corpus readers, model fitting, cross-validation, metrics.

Nothing here is imported by what ``plannlp ingest`` loads (:mod:`plannlp.classify` holds only
inference); ``plannlp train`` and ``plannlp evaluate`` import it. See docs/architecture.md.
"""
