"""No fork while WeasyPrint runs: the guard of the report's worker processes.

A process forked while another thread of its parent is inside WeasyPrint may inherit a lock
that Pango (or fontconfig, cairo, HarfBuzz) holds at that moment, and wait for it for ever.
CI hung so: billiard's pool forked a replacement worker from its own thread while the parent
laid out the front matter. The workers are now forked by the rendering thread itself
(``reports.workers``), never from a thread of their own, and two guards remain:

- a process whose workers are alive (``forking_workers``: it forks the next whenever one
  ends) must not enter WeasyPrint (``weasyprint``): ``ForkHazard``;
- a fork made while this process is inside WeasyPrint is recorded here
  (``forks_inside_weasyprint``) and marks the child, which then refuses to enter WeasyPrint
  (``ForkHazard`` at once, instead of hanging).

``reports.rendering`` enters WeasyPrint only through ``weasyprint()``.
"""

from __future__ import annotations

import contextlib
import os
import threading


class ForkHazard(RuntimeError):
    """WeasyPrint asked for where a fork could leave it holding a lock for ever."""


_inside = 0  # threads of this process inside WeasyPrint now
_inside_lock = threading.Lock()
_pools = 0  # sets of worker processes of this process alive now
_forked_inside = False  # this process was forked while its parent was inside WeasyPrint

#: The names of the threads that forked while this process was inside WeasyPrint.
forks_inside_weasyprint: list[str] = []


@contextlib.contextmanager
def weasyprint():
    """Around every use of WeasyPrint in this process (layout and writing)."""
    global _inside
    if _forked_inside:
        raise ForkHazard(
            "This process was forked while its parent was inside WeasyPrint, "
            "so it may hold one of Pango's locks: it lays nothing out."
        )
    if _pools:
        raise ForkHazard(
            "WeasyPrint is not used while this process's workers live: "
            "it forks the next one whenever one ends, and a child could inherit a held lock."
        )
    with _inside_lock:
        _inside += 1
    try:
        yield
    finally:
        with _inside_lock:
            _inside -= 1


@contextlib.contextmanager
def forking_workers():
    """While worker processes of this process live (it forks the next whenever one ends)."""
    global _pools
    _pools += 1
    try:
        yield
    finally:
        _pools -= 1


def _before_fork() -> None:
    if _inside:
        forks_inside_weasyprint.append(threading.current_thread().name)


def _after_fork_in_child() -> None:
    global _forked_inside, _inside, _inside_lock, _pools
    # The threads that were inside are gone, and the parent's workers are not ours; a lock another
    # thread held at the fork would stay held.
    _forked_inside = _forked_inside or _inside > 0
    _inside, _pools, _inside_lock = 0, 0, threading.Lock()


os.register_at_fork(before=_before_fork, after_in_child=_after_fork_in_child)
