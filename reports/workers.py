"""Worker processes for the parts of a report: one forked process per task, at most N at once.

Each task (a part, the front matter, the page overlay) runs in a process of its own, forked
by the rendering thread itself when a place is free, which sends back its result through a
pipe and exits: a worker's memory is that of one task, and a fork happens only where the
rendering thread is, never inside WeasyPrint. A process pool (billiard's, with one task per
worker) forked each replacement from its own thread a tenth of a second or more after the
last one ended, up to 0.8 s at 500 activities: the two cores sat idle for 2 to 3 s of a 14 s
report. Here the next task starts as soon as the pipe of the last one closes.

``os.fork`` rather than ``multiprocessing``: a Celery prefork worker runs its tasks in
daemonic processes, which ``multiprocessing`` forbids to have children. A child never returns
into its parent's code (``os._exit``): it does not touch the inherited database connections,
run exit handlers or flush the parent's buffers.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import select
import signal
import time
from collections import deque

from django.conf import settings
from django.db import connections

from . import forksafe, rendering

# How long the rendering thread waits at most for a worker before it looks at the clock.
POLL_SECONDS = 0.02


class ReportRenderError(RuntimeError):
    """A part of the report could not be rendered in a worker process."""


_fonts_loaded = False


def load_fonts() -> None:
    """Lay out a line of the report's type once in this process, before forking workers:
    fontconfig and the Noto Sans CJK faces are then loaded once and shared, not loaded again
    by each worker (a third of a second or more each)."""
    global _fonts_loaded
    if _fonts_loaded:
        return
    rendering.lay_out(
        f'<link rel="stylesheet" href="{rendering.static_url("reports/report.css")}">'
        "<p>Page 1 <b>Page</b> 第1页 <b>第1页</b></p>"
    )
    _fonts_loaded = True


@contextlib.contextmanager
def heap_frozen():
    """The objects of this process kept out of the garbage collector's way meanwhile
    (``gc.freeze``; entered again, the objects made since are frozen too). A collection
    reads and writes every object it tracks: in a process forked from another (a Celery
    prefork child, a worker) that copies every inherited page of the heap; frozen, the pages
    stay shared. No collection first, for the same reason. The outermost use unfreezes them,
    unless they were frozen before it."""
    outermost = gc.get_freeze_count() == 0
    gc.freeze()
    try:
        yield
    finally:
        if outermost:
            gc.unfreeze()


class Task:
    """A task given to ``Workers``: waiting, running in the process ``pid``, or done."""

    def __init__(self, call, args):
        self.call, self.args = call, args
        self.pid = self.fd = None
        self.chunks: list[bytes] = []
        self.done = False
        self.result = None
        self.error: str | None = None

    def finish(self, status: int) -> None:
        self.done = True
        self.args = None
        try:
            kind, value = pickle.loads(b"".join(self.chunks))  # noqa: S301 - our own child
        except Exception:  # noqa: BLE001 - no answer, or a cut one: the exit says why
            code = os.waitstatus_to_exitcode(status)
            self.error = f"the worker process ended without an answer (exit code {code})"
            return
        finally:
            self.chunks = []
        if kind == "ok":
            self.result = value
        else:
            self.error = value


def _no_database(execute, sql, params, many, context):
    raise RuntimeError("A report's worker process does not use the database.")


def _run(task: Task, fd: int) -> None:
    """In the forked child: ``task``'s result (or its error) pickled into ``fd``; then exit,
    never returning into the parent's code."""
    code = 1
    try:
        # The connections are the parent's (their sockets shared): a query from here would
        # mix into its conversation with the database.
        for connection in connections.all(initialized_only=True):
            connection.execute_wrappers.append(_no_database)
        try:
            answer = ("ok", task.call(*task.args))
        except BaseException as exc:  # noqa: BLE001 - sent to the parent, which raises
            answer = ("error", f"{type(exc).__name__}: {exc}")
        try:
            data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # noqa: BLE001 - an answer that cannot be sent
            data = pickle.dumps(("error", f"{type(exc).__name__}: {exc}"))
        data = memoryview(data)
        while data:
            data = data[os.write(fd, data) :]
        code = 0
    finally:
        os._exit(code)


class Workers:
    """Tasks (``submit``) run in forked processes, at most ``processes`` at once, each in a
    process of its own; ``wait`` gives a task's result. One deadline
    (``REPORT_RENDER_TIMEOUT``) for everything asked of them; ``close()`` kills whatever
    still runs.

    Before the first fork the fonts are loaded and this process's objects frozen out of the
    garbage collector (``gc.freeze``): a worker's collections would otherwise write to every
    object it inherited (the report's data, its HTML) and so copy the parent's heap page by
    page. While they live this process enters no WeasyPrint (``forksafe.forking_workers``):
    its core is theirs, and no fork can find it inside Pango."""

    def __init__(self, processes: int, parts: int):
        self.timeout = settings.REPORT_RENDER_TIMEOUT
        self.processes = max(1, min(processes, parts))
        load_fonts()
        self._guards = contextlib.ExitStack()
        self._guards.enter_context(heap_frozen())
        self._guards.enter_context(forksafe.forking_workers())
        self._waiting: deque[Task] = deque()
        self._running: dict[int, Task] = {}
        self.deadline = time.monotonic() + self.timeout

    def submit(self, call, *args) -> Task:
        task = Task(call, args)
        self._waiting.append(task)
        self._collect(0)
        return task

    def wait(self, task: Task, what: str):
        """The result of ``task``, ``what`` naming it in errors."""
        while not task.done:
            if time.monotonic() > self.deadline:
                raise ReportRenderError(
                    f"The report's {what} was not rendered within {self.timeout} s "
                    "(REPORT_RENDER_TIMEOUT)."
                )
            self._collect(POLL_SECONDS)
        if task.error is not None:
            raise ReportRenderError(f"The report's {what} failed in a worker process: {task.error}")
        return task.result

    def _start(self) -> None:
        while self._waiting and len(self._running) < self.processes:
            task = self._waiting.popleft()
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(read)
                _run(task, write)
            os.close(write)
            task.pid, task.fd = pid, read
            self._running[read] = task

    def _collect(self, timeout: float) -> None:
        """Start what may start; read what the running tasks have sent, waiting up to
        ``timeout`` seconds for it; a task whose pipe has closed is done."""
        self._start()
        if not self._running:
            return
        # A relative timeout: it ends under a faked clock too (libfaketime, with which the
        # suite is run), where a wait for an absolute time may not.
        readable, _, _ = select.select(list(self._running), [], [], timeout)
        for fd in readable:
            task = self._running[fd]
            chunk = os.read(fd, 1 << 20)
            if chunk:
                task.chunks.append(chunk)
                continue
            del self._running[fd]
            os.close(fd)
            _, status = os.waitpid(task.pid, 0)
            task.finish(status)
        self._start()

    def close(self) -> None:
        try:
            self._waiting.clear()
            for fd, task in list(self._running.items()):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(task.pid, signal.SIGKILL)
                os.waitpid(task.pid, 0)
                os.close(fd)
            self._running.clear()
        finally:
            self._guards.close()


class InProcess:
    """``Workers``' interface, doing each task here at once with ``url_fetcher``: for the
    front matter and overlay of a caller with its own fetcher, once the workers have ended."""

    def __init__(self, url_fetcher):
        self.url_fetcher = url_fetcher

    def submit(self, call, *args):
        return call(*args, url_fetcher=self.url_fetcher)

    def wait(self, done, what: str):
        return done
