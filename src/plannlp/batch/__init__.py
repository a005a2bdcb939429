"""Batch runs over many plan files: ``plannlp.batch.run_batch(collect([...]), "out/")``."""

from .inputs import WorkItem, collect
from .runner import BatchSummary, run_batch

__all__ = ["WorkItem", "collect", "run_batch", "BatchSummary"]
