"""The report's worker processes (``reports.workers``): one forked process per task, at most
N at once, forked by the calling thread itself (no pool thread that could fork while this
process is inside WeasyPrint), answers of any size, and clear errors for a task that fails,
dies or outlives the deadline."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest
from django.contrib.auth import get_user_model

from reports import forksafe, rendering, workers


@pytest.fixture(autouse=True)
def bounded(settings):
    settings.REPORT_RENDER_TIMEOUT = 120


def _spell(seconds: float) -> tuple[int, float, float]:
    """(this process, when it began, when it ended), busy ``seconds`` meanwhile."""
    began = time.monotonic()
    while time.monotonic() - began < seconds:
        sum(range(1000))
    return os.getpid(), began, time.monotonic()


def test_each_task_has_a_process_of_its_own_and_at_most_n_run_at_once():
    threads = threading.active_count()
    pool = workers.Workers(2, 5)
    try:
        tasks = [pool.submit(_spell, 0.3) for _ in range(5)]
        # No thread of the pool's own: every fork is made by this thread, between layouts.
        assert threading.active_count() == threads
        spells = [pool.wait(task, f"task {i}") for i, task in enumerate(tasks)]
    finally:
        pool.close()
    pids = {pid for pid, _, _ in spells}
    assert len(pids) == 5 and os.getpid() not in pids
    for _, began, _ in spells:
        running = [s for s in spells if s[1] <= began < s[2]]
        assert len(running) <= 2


def _big(size: int) -> bytes:
    return bytes(range(256)) * (size // 256)


def test_an_answer_larger_than_a_pipe_holds_arrives_whole():
    pool = workers.Workers(2, 2)
    try:
        small, big = pool.submit(_big, 256), pool.submit(_big, 8 * 1024 * 1024)
        assert pool.wait(big, "big") == _big(8 * 1024 * 1024)
        assert pool.wait(small, "small") == _big(256)
    finally:
        pool.close()


def _fails():
    raise ValueError("no such page")


def _dies():
    os._exit(3)


def _killed():
    os.kill(os.getpid(), signal.SIGKILL)


def _unsendable():
    return lambda: None


@pytest.mark.parametrize(
    ("task", "reason"),
    [
        (_fails, "failed in a worker process: ValueError: no such page"),
        (_dies, r"ended without an answer \(exit code 3\)"),
        (_killed, r"ended without an answer \(exit code -9\)"),
        (_unsendable, "failed in a worker process: .*pickle"),
    ],
)
def test_a_task_that_fails_or_dies_says_why(task, reason):
    pool = workers.Workers(1, 2)
    try:
        failed, fine = pool.submit(task), pool.submit(_spell, 0)
        with pytest.raises(workers.ReportRenderError, match=reason):
            pool.wait(failed, "part 1 of 2")
        # The next one still runs.
        assert pool.wait(fine, "part 2 of 2")[0] != os.getpid()
    finally:
        pool.close()


def test_a_task_past_the_deadline_fails_and_close_ends_it(settings):
    settings.REPORT_RENDER_TIMEOUT = 1
    pool = workers.Workers(1, 1)
    try:
        slow = pool.submit(_spell, 60)
        with pytest.raises(workers.ReportRenderError, match="not rendered within 1 s"):
            pool.wait(slow, "part 1 of 1")
        pid = slow.pid
    finally:
        pool.close()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # killed and reaped


def test_nothing_is_laid_out_here_while_workers_live():
    pool = workers.Workers(1, 1)
    try:
        with pytest.raises(forksafe.ForkHazard):
            rendering.lay_out("<p>x</p>")
    finally:
        pool.close()
    rendering.lay_out("<p>x</p>")


def _count_people() -> int:
    return get_user_model().objects.count()


@pytest.mark.django_db
def test_a_worker_refuses_the_database_whose_connection_it_shares():
    people = _count_people()
    pool = workers.Workers(1, 1)
    try:
        task = pool.submit(_count_people)
        with pytest.raises(workers.ReportRenderError, match="does not use the database"):
            pool.wait(task, "part 1 of 1")
    finally:
        pool.close()
    assert _count_people() == people  # the parent's conversation with it goes on
