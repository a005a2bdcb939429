"""Where a batch run's documents are processed: ``local`` (a process pool) or ``dask`` (a
``distributed`` cluster: a scheduler address, or a LocalCluster). Both keep at most two
documents in flight per worker, and both yield one outcome record per task.

A worker process that dies (killed by the system, often for lack of memory, or a crash in a
native library) takes the documents it held with it, and the engines cannot tell which of
them killed it: a local pool is broken as a whole (every document in flight fails with
``BrokenProcessPool``), and Dask gives up on a task whose worker died (``KilledWorker``)
whether or not that task was the cause. Those documents are *suspects*: each is run again on
its own, one at a time (:func:`_run_pool`, :func:`_isolate_on_dask`). A suspect that kills its
worker when it is alone is recorded failed (:class:`~plannlp.errors.WorkerDiedError`); the
others are processed normally. Locally, the pool that replaces a broken one runs the suspects
first, one at a time, then the rest of the queue with every worker.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Generator, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from ..errors import MissingDependencyError, WorkerDiedError
from ..workers import parent_watch_args
from .document import init_worker, process_document
from .inputs import WorkItem

Task = tuple[WorkItem, str]  # (item, sha256)
Outcome = dict[str, Any]
#: Documents in flight per worker: enough to keep it busy, few enough to bound memory.
IN_FLIGHT_PER_WORKER = 2


def run_local(tasks: list[Task], out_dir: Path, pipeline_name: str, workers: int) -> Iterator[Outcome]:
    queue, suspects = deque(tasks), deque()
    while queue or suspects:
        suspects = deque((yield from _run_pool(queue, suspects, out_dir, pipeline_name, workers)))


def _run_pool(queue: deque[Task], suspects: deque[Task], out_dir: Path, pipeline_name: str,
              workers: int) -> Generator[Outcome, None, list[Task]]:
    """One process pool: each suspect on its own first, then the queue, until both are empty
    or the pool breaks. Returns the suspects left: those not run yet when a suspect killed
    its worker (it is recorded failed), or the tasks in flight when the pool broke."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=init_worker,
                             initargs=(pipeline_name, *parent_watch_args())) as pool:
        while suspects:
            for item, sha in (yield from _run_in(pool, deque([suspects.popleft()]), 1, out_dir, pipeline_name)):
                yield worker_died(item, sha)
                return list(suspects)
        return (yield from _run_in(pool, queue, IN_FLIGHT_PER_WORKER * workers, out_dir, pipeline_name))


def _run_in(pool: ProcessPoolExecutor, queue: deque[Task], limit: int, out_dir: Path,
            pipeline_name: str) -> Generator[Outcome, None, list[Task]]:
    """Tasks from ``queue``, at most ``limit`` in flight, until it is empty or the pool breaks;
    returns the tasks in flight when it broke (none if it did not)."""
    running: dict[Future, Task] = {}
    broken: list[Task] = []
    while True:
        while queue and not broken and len(running) < limit:
            task = queue.popleft()
            try:
                running[pool.submit(process_document, task[0], str(out_dir), pipeline_name, task[1])] = task
            except (BrokenProcessPool, OSError):  # broken, or no process could be started
                broken.append(task)
        if not running:
            return broken
        done, _ = wait(running, return_when=FIRST_COMPLETED)
        for future in done:
            task = running.pop(future)
            if isinstance(future.exception(), BrokenProcessPool):
                broken.append(task)
            else:
                yield outcome_of(future, *task)


def run_dask(tasks: list[Task], out_dir: Path, pipeline_name: str, workers: int,
             scheduler: str | None) -> Iterator[Outcome]:
    client, cluster = _dask_client(workers, scheduler)
    try:
        slots = IN_FLIGHT_PER_WORKER * max(workers, len(client.scheduler_info().get("workers", {})) or 1)
        suspects = yield from _run_on_dask(client, deque(tasks), out_dir, pipeline_name, slots)
        yield from _isolate_on_dask(client, suspects, out_dir, pipeline_name)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _dask_client(workers: int, scheduler: str | None):
    try:
        from distributed import Client, LocalCluster
    except ImportError as e:
        raise MissingDependencyError("distributed", "dask", "The Dask engine") from e
    import dask

    if scheduler:
        return Client(scheduler), None
    # Documents take hundreds of milliseconds each: the workers' statistical profiler
    # (every 10 ms) and a fast event-loop tick only cost CPU that the workers need. A task
    # whose worker died is not retried by the scheduler (allowed-failures 0): plannlp runs it
    # again on its own (see the module docstring), so one document that kills its worker
    # cannot take innocent documents down with it.
    with dask.config.set({"distributed.worker.profile.enabled": False,
                          "distributed.admin.tick.interval": "500ms",
                          "distributed.worker.memory.monitor-interval": "1s",
                          "distributed.scheduler.work-stealing": False,
                          "distributed.scheduler.allowed-failures": 0}):
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=40)
    return Client(cluster), cluster


def _run_on_dask(client, queue: deque[Task], out_dir: Path, pipeline_name: str,
                 slots: int) -> Generator[Outcome, None, list[Task]]:
    """Process the queue with at most ``slots`` tasks in flight; returns the tasks whose
    worker died (``KilledWorker``)."""
    from distributed import as_completed
    from distributed.scheduler import KilledWorker

    owners: dict[str, Task] = {}
    pending = as_completed()
    killed: list[Task] = []

    def submit_next() -> None:
        if queue:
            item, sha = task = queue.popleft()
            future = client.submit(process_document, item, str(out_dir), pipeline_name, sha, pure=False)
            owners[future.key] = task
            pending.add(future)

    for _ in range(slots):
        submit_next()
    for future in pending:
        task = owners.pop(future.key)
        if future.status == "error" and isinstance(future.exception(), KilledWorker):
            killed.append(task)
        else:
            yield outcome_of(future, *task)
        submit_next()
    return killed


def _isolate_on_dask(client, suspects: list[Task], out_dir: Path, pipeline_name: str) -> Iterator[Outcome]:
    for task in suspects:
        for item, sha in (yield from _run_on_dask(client, deque([task]), out_dir, pipeline_name, 1)):
            yield worker_died(item, sha)


def outcome_of(future, item: WorkItem, sha: str) -> Outcome:
    try:
        return future.result()
    except Exception as e:  # a bug escaped process_document: record it, keep the run going
        return failed_outcome(item, sha, {"error_type": type(e).__name__, "code": None,
                                          "message": str(e) or repr(e), "hint": None})


def worker_died(item: WorkItem, sha: str) -> Outcome:
    error = WorkerDiedError("The process reading this file stopped abruptly (killed by the system, "
                            "often for lack of memory, or crashed), also when the file was run "
                            "on its own.", path=item.path)
    return failed_outcome(item, sha, error.to_record())


def failed_outcome(item: WorkItem, sha: str, error: dict[str, Any]) -> Outcome:
    return {"path": item.path, "sha256": sha, "status": "failed", "seconds": 0.0,
            "error": {**error, "file": item.path, "stage": "worker"}}
