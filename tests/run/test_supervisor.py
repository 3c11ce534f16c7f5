"""scripts/run_all.py: the three processes of `make run` start together and stop together.

Driven with quick fake commands: what the supervisor does does not depend on what it runs.
"""

import importlib.util
import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

SCRIPT = Path(settings.BASE_DIR) / "scripts" / "run_all.py"
SLEEPER = f"{sys.executable} -c 'import time; time.sleep(120)'"


def stubborn(ready) -> str:
    """A child that ignores SIGTERM; it creates ``ready`` once it does (a SIGTERM before that,
    while Python is still starting on a loaded machine, would simply end it)."""
    return (
        f"{sys.executable} -c 'import pathlib, signal, time; "
        f'signal.signal(signal.SIGTERM, signal.SIG_IGN); pathlib.Path("{ready}").touch(); '
        "time.sleep(300)'"
    )


def _wait_ready(ready, seconds=60) -> None:
    deadline = time.monotonic() + seconds
    while not ready.exists():
        assert time.monotonic() < deadline, "the stubborn child did not start"
        time.sleep(0.05)


def load_run_all():
    """scripts/run_all.py as a module (scripts/ is no package)."""
    spec = importlib.util.spec_from_file_location("run_all", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["run_all"] = module
    spec.loader.exec_module(module)
    return module


def _start(tmp_path, *commands):
    args = [sys.executable, str(SCRIPT)]
    for command in commands:
        args += ["--command", command]
    return subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=tmp_path
    )


def _pids(output: str) -> dict[str, int]:
    pids = {}
    for line in output.splitlines():
        if line.startswith("[run] started "):
            name, pid = line.removeprefix("[run] started ").split(" (pid ")
            pids[name] = int(pid.rstrip(")"))
    return pids


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # A zombie not yet reaped by anyone would still answer; the supervisor waits for its own.
    return False


def _wait_started(process, count):
    lines = []
    while len([line for line in lines if line.startswith("[run] started ")]) < count:
        line = process.stdout.readline()
        assert line, "".join(lines)
        lines.append(line)
    return "".join(lines)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_stops_every_child(tmp_path, signum):
    process = _start(tmp_path, f"web={SLEEPER}", f"worker={SLEEPER}", f"beat={SLEEPER}")
    started = _wait_started(process, 3)
    pids = _pids(started)
    assert set(pids) == {"web", "worker", "beat"}
    assert all(not _gone(pid) for pid in pids.values())
    process.send_signal(signum)
    output, _ = process.communicate(timeout=60)
    assert process.returncode == 0, output
    assert f"{signal.Signals(signum).name}: stopping web, worker, beat" in output
    assert all(_gone(pid) for pid in pids.values())


def test_a_child_that_stops_stops_the_others(tmp_path):
    dying = f"{sys.executable} -c 'import sys, time; time.sleep(1); sys.exit(3)'"
    process = _start(tmp_path, f"web={SLEEPER}", f"worker={dying}", f"beat={SLEEPER}")
    output, _ = process.communicate(timeout=60)
    assert process.returncode == 3, output
    assert "worker stopped (exit code 3): stopping the others" in output
    assert all(_gone(pid) for pid in _pids(output).values())


def test_a_child_that_ignores_sigterm_is_killed(monkeypatch, tmp_path):
    run_all = load_run_all()
    monkeypatch.setattr(run_all, "STOP_SECONDS", 1)
    ready = tmp_path / "ready"
    supervisor = run_all.Supervisor([run_all.Child("stubborn", shlex.split(stubborn(ready)))])
    previous = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    try:
        supervisor.start()
        _wait_ready(ready)
        supervisor.stop_signal = signal.SIGTERM
        assert supervisor.wait() == 0
    finally:
        signal.signal(signal.SIGINT, previous[0])
        signal.signal(signal.SIGTERM, previous[1])
    assert supervisor.children[0].process.returncode == -signal.SIGKILL


def test_a_second_ctrl_c_kills_what_is_still_finishing(tmp_path):
    ready = tmp_path / "ready"
    process = _start(tmp_path, f"worker={stubborn(ready)}", f"web={SLEEPER}")
    pids = _pids(_wait_started(process, 2))
    _wait_ready(ready)
    process.send_signal(signal.SIGINT)
    seen = []
    while "waiting for worker to finish (Ctrl-C again to kill)" not in (seen or [""])[-1]:
        seen.append(process.stdout.readline())
        assert seen[-1], "".join(seen)  # the supervisor ended without waiting for the worker
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=50)  # well before STOP_SECONDS (60)
    assert "worker killed" in output
    assert all(_gone(pid) for pid in pids.values())
