"""Batch runs over many plan files: ``plannlp.batch.run_batch(collect([...]), "out/")``."""

from .inputs import Inputs, WorkItem, collect, collect_inputs
from .runner import BatchSummary, run_batch

__all__ = ["Inputs", "WorkItem", "collect", "collect_inputs", "run_batch", "BatchSummary"]
