"""Checking many Ed25519 signatures on every CPU while the chain is walked.

One signature check costs about 110 µs here, several times what hashing and linking an event
costs, so on a long chain the checks dominate `dflow audit verify`. The walk (hashes, links, which
key each actor holds) stays sequential in the verifying process; the signature checks it asks for
go, in batches, to one worker process for every CPU but one. The verifying process takes the last
CPU's share itself: when the workers already have a few batches waiting, it checks the next batch
in place of waiting for them. So no CPU waits and none is shared by two busy processes (a third
process on two CPUs cost the walk a quarter more, its caches emptied by every switch). At most a
few batches are in flight, so memory stays flat. The first failure is the one first in the walk
(chain, then ``seq``), whichever process found it.

:func:`forked` runs whole tasks in workers forked the same way: a repeat verification, whose
signatures were nearly all checked before, walks the organs' chains so, one per CPU.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from decision_flow.identity.keys import verifier

Where = tuple[int, int]  # (the chain's place in the walk, seq): the first failure is the lowest
Check = tuple[Where, str, str, str, str]  # where, actor, public key, event hash, signature
BATCH = 1024  # small enough that the last batches, left to the workers at the end, keep no CPU idle long
PARALLEL_FROM = 5_000  # fewer checks than this are made inline (starting workers costs more)
WAITING = 2  # batches waiting per worker, beyond which the verifying process checks the next one itself


def check_batch(items: list[Check]) -> tuple[Where, str] | None:
    """The first (where, actor) of `items` whose signature does not verify, or None."""
    checks: dict[str, Callable[[str, str], bool] | None] = {}
    for where, actor, public, digest, signature in items:
        if public not in checks:
            checks[public] = verifier(public)
        check = checks[public]
        if check is None or not check(digest, signature):
            return where, actor
    return None


def workers() -> int:
    """How many worker processes check signatures: one for every CPU but the verifying process's own."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(0, cpus - 1)


def can_fork() -> bool:
    """Whether workers can be forked from this process, inheriting what it holds (not on Windows)."""
    return "fork" in multiprocessing.get_all_start_methods()


_job: Callable[..., Any] | None = None  # what a forked worker runs: set in the verifying process before it forks


def _run_job(*args: Any) -> Any:
    assert _job is not None
    return _job(*args)


def forked(
    job: Callable[..., Any], tasks: Sequence[tuple[Any, ...]], costs: Sequence[int], processes: int
) -> list[Any]:
    """`job(*task)` for each of `tasks` in `processes` forked workers, which inherit everything
    this process holds (so `job` may be a closure over it); the costliest tasks first, so the last
    to finish is a small one; the results in the order of `tasks`. An exception a task raises is
    raised here."""
    global _job
    context = multiprocessing.get_context("fork")
    _job = job
    try:
        with ProcessPoolExecutor(max_workers=max(1, min(processes, len(tasks))), mp_context=context) as pool:
            order = sorted(range(len(tasks)), key=lambda i: -costs[i])
            futures = {i: pool.submit(_run_job, *tasks[i]) for i in order}
            return [futures[i].result() for i in range(len(tasks))]
    finally:
        _job = None


class ParallelChecks:
    """Collects signature checks and runs them in worker processes, a batch at a time."""

    def __init__(self, processes: int) -> None:
        context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
        self._pool = ProcessPoolExecutor(max_workers=processes, mp_context=context)
        self._limit = WAITING * processes
        self._pending: deque[Future[tuple[Where, str] | None]] = deque()
        self._batch: list[Check] = []
        self.failures: list[tuple[Where, str]] = []

    def add(self, where: Where, actor: str, public: str, digest: str, signature: str) -> None:
        self._batch.append((where, actor, public, digest, signature))
        if len(self._batch) >= BATCH:
            self._submit()

    def _submit(self) -> None:
        while self._pending and self._pending[0].done():
            self._found(self._pending.popleft().result())
        if self._batch:
            if len(self._pending) < self._limit:
                self._pending.append(self._pool.submit(check_batch, self._batch))
            else:  # the workers have enough waiting: check this batch here rather than wait idle
                self._found(check_batch(self._batch))
            self._batch = []

    def _found(self, failure: tuple[Where, str] | None) -> None:
        if failure is not None:
            self.failures.append(failure)

    def first_failure(self) -> tuple[Where, str] | None:
        """Wait for every check; the failure with the lowest seq, if any."""
        self._submit()
        while self._pending:
            self._found(self._pending.popleft().result())
        self._pool.shutdown()
        return min(self.failures) if self.failures else None

    def close(self) -> None:
        self._pool.shutdown(cancel_futures=True)
