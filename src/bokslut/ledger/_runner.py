"""Database work inside one transaction that stays open across calls: here, or on a thread.

The import writes a year's vouchers while the file is still being read. The writes must
all land in one transaction that is committed only once the whole file has been
validated, and rolled back otherwise. :class:`InlineRunner` does that on the calling
thread (inside a caller's transaction it becomes a savepoint); :class:`ThreadRunner`
does it on a writer thread with its own connection, so that the database's work (SQLite's
B-tree inserts, which release the GIL; PostgreSQL's server process) overlaps with
parsing on the other core.

Tasks are plain callables, run in submission order; they use Django's ORM and
``connections[using]`` as usual, which on the writer thread means its own connection.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, Protocol, TypeVar

from django.db import connections, transaction

__all__ = ["InlineRunner", "ThreadRunner", "TransactionRunner", "can_use_thread"]

T = TypeVar("T")

#: Tasks waiting for the writer thread; bounds memory when the database falls behind.
_QUEUE_DEPTH = 4
_POLL_SECONDS = 0.05


class TransactionRunner(Protocol):
    """Runs tasks in one open transaction until :meth:`commit` or :meth:`rollback`."""

    def submit(self, task: Callable[[], object]) -> None:
        """Run ``task`` in the transaction (maybe later, always in submission order)."""

    def call(self, task: Callable[[], T]) -> T:
        """Run ``task`` in the transaction and return its result."""

    def commit(self) -> None:
        """Commit everything the tasks wrote; raises the first task's error if one failed."""

    def rollback(self) -> None:
        """Undo everything; safe to call after a failure or more than once."""


class _Rollback(Exception):
    """Raised inside the transaction to leave it without committing."""


def can_use_thread(using: str = "default") -> bool:
    """Whether a writer thread with its own connection would see and keep the same data.

    Not inside a caller's transaction (a second connection would be outside it, and on
    SQLite would wait for its lock), and not on an in-memory SQLite database (the test
    database: a second connection shares it only with table-level locks).
    """
    connection = connections[using]
    if connection.in_atomic_block:
        return False
    if connection.vendor != "sqlite":
        return True
    in_memory: bool = getattr(connection, "is_in_memory_db")()  # noqa: B009 -- SQLite only
    return not in_memory


class InlineRunner:
    """Runs tasks immediately, inside ``transaction.atomic()`` entered at construction."""

    def __init__(self, using: str = "default") -> None:
        self._atomic = transaction.atomic(using=using)
        self._atomic.__enter__()
        self._open = True

    def submit(self, task: Callable[[], object]) -> None:
        """Run ``task`` now."""
        task()

    def call(self, task: Callable[[], T]) -> T:
        """Run ``task`` now and return its result."""
        return task()

    def commit(self) -> None:
        """Leave the atomic block normally (commit, or release the savepoint)."""
        if self._open:
            self._open = False
            self._atomic.__exit__(None, None, None)

    def rollback(self) -> None:
        """Leave the atomic block as if an exception had been raised (roll back)."""
        if self._open:
            self._open = False
            self._atomic.__exit__(_Rollback, _Rollback(), None)


class ThreadRunner:
    """Runs tasks on a writer thread, in a transaction on that thread's own connection."""

    def __init__(self, using: str = "default") -> None:
        self._using = using
        self._queue: queue.Queue[tuple[Callable[[], Any], Future[Any]] | str] = queue.Queue(
            maxsize=_QUEUE_DEPTH
        )
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="bokslut-import-writer")
        self._thread.start()

    def submit(self, task: Callable[[], object]) -> None:
        """Queue ``task``; blocks while the queue is full; raises if the writer failed."""
        self._put((task, Future()))

    def call(self, task: Callable[[], T]) -> T:
        """Queue ``task`` and wait for its result (or its exception)."""
        future: Future[T] = Future()
        self._put((task, future))
        while True:
            try:
                return future.result(timeout=_POLL_SECONDS)
            except TimeoutError:
                if not self._thread.is_alive() and not future.done():
                    raise self._error or RuntimeError(
                        "the import's writer thread has stopped"
                    ) from None

    def commit(self) -> None:
        """Commit on the writer thread and wait for it to end."""
        self._put("commit")
        self._thread.join()
        if self._error is not None:
            raise self._error

    def rollback(self) -> None:
        """Roll back on the writer thread and wait for it to end."""
        if self._thread.is_alive():
            # A writer that already stopped has rolled back by itself.
            with contextlib.suppress(Exception):
                self._put("rollback")
        self._thread.join()

    def _put(self, item: tuple[Callable[[], Any], Future[Any]] | str) -> None:
        # A writer that died (its task failed) stops reading the queue: do not wait on it.
        while True:
            if self._error is not None:
                raise self._error
            if not self._thread.is_alive():
                raise RuntimeError("the import's writer thread has stopped")
            try:
                self._queue.put(item, timeout=_POLL_SECONDS)
            except queue.Full:
                continue
            return

    def _run(self) -> None:
        connection = connections[self._using]
        try:
            with transaction.atomic(using=self._using):
                while True:
                    item = self._queue.get()
                    if item == "commit":
                        break
                    if item == "rollback":
                        raise _Rollback
                    assert not isinstance(item, str)
                    task, future = item
                    try:
                        future.set_result(task())
                    except BaseException as exc:
                        future.set_exception(exc)
                        raise
        except _Rollback:
            pass
        except BaseException as exc:
            self._error = exc
        finally:
            self._fail_pending()
            connection.close()

    def _fail_pending(self) -> None:
        # Whoever waits on a task the writer will never run must not wait forever.
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return
            if not isinstance(item, str):
                item[1].set_exception(RuntimeError("the import's writer thread has stopped"))
