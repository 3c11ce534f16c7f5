"""The load test's pieces and the gunicorn settings it shares with make run and the image.
No timings here: ``python -m bench.load`` measures (bench/load.py)."""

import importlib.util
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bench.load import gunicorn_args, parse_args

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "config" / "gunicorn.conf.py"


def test_the_gunicorn_settings_are_threaded_workers(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.delenv("WEB_THREADS", raising=False)
    settings = runpy.run_path(str(CONFIG))
    assert settings["worker_class"] == "gthread"
    assert settings["threads"] == 4 and 2 <= settings["workers"] <= 9
    assert settings["keepalive"] == 0
    monkeypatch.setenv("WEB_CONCURRENCY", "5")
    monkeypatch.setenv("WEB_THREADS", "2")
    settings = runpy.run_path(str(CONFIG))
    assert (settings["workers"], settings["threads"]) == (5, 2)


def test_make_run_the_image_and_the_bench_serve_with_that_file():
    from bench import server

    run_all = (ROOT / "scripts" / "run_all.py").read_text()
    assert '"config" / "gunicorn.conf.py"' in run_all
    assert "config/gunicorn.conf.py" in (ROOT / "Dockerfile").read_text()
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert "--config=config/gunicorn.conf.py" in compose["services"]["web"]["command"]
    assert server.CONFIG == CONFIG


def test_the_load_test_is_bounded():
    for argv in (["--users", "201"], ["--users", "0"], ["--duration", "601"]):
        with pytest.raises(SystemExit):
            parse_args(argv)
    args = parse_args(["--worker-class", "sync", "--workers", "3"])
    extra = gunicorn_args(args, Path("/tmp/access.log"))
    # A sync comparison stays sync: gunicorn switches to gthread when threads > 1.
    assert extra[-6:] == ["--worker-class", "sync", "--workers", "3", "--threads", "1"]


@pytest.mark.skipif(not importlib.util.find_spec("locust"), reason="locust is not installed")
def test_the_locustfile_loads():
    # In a process of its own: importing Locust patches the standard library (gevent).
    result = subprocess.run(
        [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--list"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Member" in result.stdout
