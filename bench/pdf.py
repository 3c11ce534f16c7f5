"""The PDF rows: the bilingual progress report against a plain table of the same text, on one
core and two, and its peak memory.

    python -m bench.pdf [--activities 500] [--memory-activities 2000] [--rounds 3]

Run by ``python -m bench`` in a process of its own, on a scratch SQLite database in a
temporary folder (never ``db.sqlite3``): the report covers a whole plan, so it needs a plan of
exactly 500 (then 2,000) activities, not the 10,000 of the page benchmark. The database is
nearly all of nothing here: 96 % of a render is WeasyPrint's layout and writing.

Formerly ``bench/report_bench.py``; its findings are in bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime
import html
import inspect
import io
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.measure import Row, interleave

ROOT = Path(__file__).resolve().parent.parent
LANGUAGE = "bilingual"


def setup_django(db_path: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", os.urandom(32).hex())
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.chdir(ROOT)
    import django

    django.setup()
    import logging

    # WeasyPrint logs every page at INFO; the numbers are what matter here.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)


def build_plan(n_activities: int):
    """Migrate, load the real plan, create the users, add ``n_activities`` evenly spread."""
    from django.core.management import call_command

    from bench import seed
    from cooperation.models import ActionPlan

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_action_plan", verbosity=0)
    plan = ActionPlan.objects.get(code=seed.PLAN_CODE)
    users = seed.ensure_users(plan)
    seed.add_activities(plan, n_activities, users=users, big=None)
    return plan, users


# --- the reference: the same text as a plain table --------------------------------------

# The report's page and type (static/reports/report.css: A4, these margins, 9pt Noto), so
# that the page counts compare the layouts, not the paper.
REFERENCE_CSS = """
@page { size: A4; margin: 20mm 16mm 18mm 16mm; }
body { font-family: "Noto Sans", "Noto Sans CJK SC", sans-serif; font-size: 9pt; margin: 0; }
table { width: 100%; border-collapse: collapse; }
td { border-bottom: 0.5pt solid #999; vertical-align: top; padding: 2pt; width: 50%; }
"""


def reference_html(plan, as_of) -> str:
    """The report's activities as one plain table: a row per activity with the English and
    the Chinese of every text the report prints for it (status, title, dates, lead agencies,
    description, outcomes, latest note), under the themes' names."""
    from django.utils import translation

    from reports.snapshot import collect

    data = collect(plan, None, as_of)
    esc = html.escape

    def side(activity, row, language: str) -> str:
        with translation.override(language):
            suffix = "en" if language == "en" else "zh_hans"
            leads = " / ".join(
                getattr(agency, f"name_{suffix}") or ""
                for agency in (activity.first_lead_agency, activity.second_lead_agency)
                if agency
            )
            parts = [
                f"<b>{esc(getattr(activity, f'title_{suffix}') or '')}</b>",
                esc(str(row.status_label)),
                esc(str(row.planned or "")),
                esc(str(row.actual or "")),
                esc(leads),
                esc(getattr(activity, f"description_{suffix}") or ""),
                esc(getattr(activity, f"outcomes_{suffix}") or ""),
            ]
        return "<br>".join(p for p in parts if p)

    out = [f"<!doctype html><html lang='en'><head><style>{REFERENCE_CSS}</style></head><body>"]
    for chapter in data.chapters:
        out.append(f"<h2>{esc(chapter.theme.name_en)} {esc(chapter.theme.name_zh_hans or '')}</h2>")
        out.append("<table>")
        rows = [r for c in chapter.commitments for r in c.activities] + list(chapter.loose)
        for row in rows:
            note = f"<br>{esc(row.note)}" if row.note else ""
            out.append(
                f"<tr><td>{side(row.activity, row, 'en')}{note}</td>"
                f"<td>{side(row.activity, row, 'zh-hans')}</td></tr>"
            )
        out.append("</table>")
    out.append("</body></html>")
    return "".join(out)


# --- timings ----------------------------------------------------------------------------


def parallel_supported() -> bool:
    from reports.services import write_report_pdf

    return "processes" in inspect.signature(write_report_pdf).parameters


def render_report(plan, as_of, **extra) -> tuple[float, int]:
    from reports.services import write_report_pdf

    started = time.perf_counter()
    result = write_report_pdf(
        plan=plan, theme=None, language=LANGUAGE, as_of=as_of, output=io.BytesIO(), **extra
    )
    return time.perf_counter() - started, result.page_count


def busiest_worker(seconds: list[float], workers: int) -> float:
    """The CPU seconds of the busiest of ``workers`` processes given tasks of ``seconds``
    largest first, each to the least busy (as ``reports.workers`` starts them)."""
    loads = [0.0] * workers
    for task in sorted(seconds, reverse=True):
        loads[loads.index(min(loads))] += task
    return max(loads)


def render_cpu(plan, as_of, processes: int) -> tuple[float, float]:
    """(wall seconds, critical-path CPU seconds) of one render: on one process its CPU; in
    parts this process's CPU (all of it, as if none ran beside the workers: an upper bound)
    plus, for each round of worker tasks (the parts, then the overlay and the front), the
    busiest worker's CPU. Independent of what else loads the machine."""
    from reports.services import write_report_pdf

    started, cpu = time.perf_counter(), time.process_time()
    result = write_report_pdf(
        plan=plan,
        theme=None,
        language=LANGUAGE,
        as_of=as_of,
        output=io.BytesIO(),
        processes=processes,
    )
    seconds, critical = time.perf_counter() - started, time.process_time() - cpu
    for round_ in result.worker_cpu:
        critical += busiest_worker(round_, processes) if round_ else 0.0
    return seconds, critical


def render_reference(reference: str) -> tuple[float, int]:
    from reports.rendering import html_to_pdf

    started = time.perf_counter()
    pages, _layout, _write = html_to_pdf(reference, io.BytesIO())
    return time.perf_counter() - started, pages


# --- memory -----------------------------------------------------------------------------


def _pss_and_rss(pid: int) -> tuple[int, int]:
    """(proportional, resident) set size of ``pid`` in bytes. Proportional: a page shared by
    n processes counts 1/n in each, so forked workers' shared fonts and code count once."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
            for line in fh:
                if line.startswith(b"Rss:"):
                    rss = int(line.split()[1]) * 1024
                elif line.startswith(b"Pss:"):
                    pss = int(line.split()[1]) * 1024
    except OSError:
        pass
    return pss, rss


def tree_memory_bytes(root_pid: int) -> tuple[int, int]:
    """(proportional memory of ``root_pid`` and all its descendants, the largest resident
    memory of one of them), from /proc (Linux)."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        # The command name may hold spaces: the parent id is the 2nd field after its ")".
        ppid = int(stat.rsplit(b")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    total = largest = 0
    todo = [root_pid]
    while todo:
        pid = todo.pop()
        pss, rss = _pss_and_rss(pid)
        total += pss
        largest = max(largest, rss)
        todo.extend(children.get(pid, []))
    return total, largest


def peak_memory_mib(plan, as_of) -> tuple[float, float, float]:
    """(peak proportional memory of a render and its workers, the peak resident memory of one
    of them, seconds it took): sampled every 20 ms. The render runs in a fresh interpreter, as
    in a Celery worker: forked from this process it would carry the heap of the dozen renders
    measured before it (about 350 MiB), which is the benchmark's, not the report's."""
    from django.conf import settings
    from django.db import connections

    connections.close_all()
    command = [
        sys.executable,
        "-m",
        "bench.pdf",
        "--render-plan",
        str(plan.pk),
        "--database",
        str(settings.DATABASES["default"]["NAME"]),
        "--as-of",
        as_of.isoformat(),
    ]
    peak = largest = 0
    started = time.perf_counter()
    # The parallel path, whose memory is bounded by its parts; tagged unless the environment
    # says REPORT_TAGGED=false.
    env = dict(os.environ)
    process = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603 - our interpreter
    done = threading.Event()

    def sample():
        nonlocal peak, largest
        while not done.is_set():
            total, one = tree_memory_bytes(process.pid)
            peak, largest = max(peak, total), max(largest, one)
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    process.wait()
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise RuntimeError(f"the render failed (exit code {process.returncode})")
    mib = 1024 * 1024
    return peak / mib, largest / mib, time.perf_counter() - started


def render_once(plan_id: int, as_of: datetime.date) -> None:
    """The memory row's render, in the fresh interpreter ``peak_memory_mib`` starts."""
    from cooperation.models import ActionPlan

    render_report(ActionPlan.objects.get(pk=plan_id), as_of)


# --- the rows ---------------------------------------------------------------------------


ROWS = ("reference", "cores", "memory")


def _tagging() -> str:
    from django.conf import settings

    return "tagged" if settings.REPORT_TAGGED else "untagged"


def cores_row(plan, rounds: int, warmup: int) -> Row:
    """The report on two processes against one, with the critical path in CPU seconds.

    Tagged as configured (``REPORT_TAGGED``, on by default): the parts' structure trees are
    merged too."""
    from bench import seed

    row = Row(f"the same PDF on 2 cores ({_tagging()})", "its own one-core time")
    if not parallel_supported():
        row.note = "no parallel path"
        return row

    cpu = {1: [], 2: []}

    def on(processes: int) -> float:
        seconds, critical = render_cpu(plan, seed.AS_OF, processes)
        cpu[processes].append(critical)
        return seconds

    interleave(row, lambda: on(2), lambda: on(1), rounds=rounds, warmup=warmup)
    # The critical path in CPU seconds, warm-up pairs left out: what two otherwise idle
    # cores would take, whatever the load of this machine.
    two, one = statistics.median(cpu[2][warmup:]), statistics.median(cpu[1][warmup:])
    row.note = f"critical path {two / one:.2f}× ({two:.1f} vs {one:.1f} s CPU)"
    return row


def run(n_activities: int, n_memory: int, rounds: int, warmup: int = 1, rows=ROWS) -> list[str]:
    """Build the scratch plan, print the PDF rows (``rows``, of ``ROWS``) as they are
    measured, return them."""
    from bench import seed

    lines = []

    def say(line: str) -> None:
        lines.append(line)
        print(line, flush=True)

    started = time.perf_counter()
    plan, users = build_plan(n_activities)
    say(f"pdf: scratch plan of {n_activities} activities ({time.perf_counter() - started:.0f} s)")
    reference = reference_html(plan, seed.AS_OF)
    pages = {}

    # One process against one process: the parallel path has its own row below.
    one_process = {"processes": 1} if parallel_supported() else {}

    def target():
        seconds, pages["report"] = render_report(plan, seed.AS_OF, **one_process)
        return seconds

    def ref():
        seconds, pages["reference"] = render_reference(reference)
        return seconds

    row = Row(f"bilingual PDF, {n_activities} activities", "plain table layout, same text")
    if "reference" in rows:
        interleave(row, target, ref, rounds=rounds, warmup=warmup)
        row.note = f"{pages['report']} pages vs {pages['reference']} pages {row.note}".strip()
        say(row.line())

    if "cores" in rows:
        say(cores_row(plan, rounds, warmup).line())
    if "memory" not in rows:
        return lines

    seed.add_activities(plan, n_memory - n_activities, users=users, big=None, rng_seed=8)
    peak, largest, seconds = peak_memory_mib(plan, seed.AS_OF)
    say(
        f"{f'PDF peak memory, {n_memory} activities ({_tagging()})':<44} {peak:>7.0f} MiB  "
        f"(proportional set size of the process and its workers; the largest one alone "
        f"{largest:.0f} MiB resident; one render of {seconds:.0f} s)"
    )
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--activities", type=int, default=500)
    parser.add_argument("--memory-activities", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument(
        "--rows",
        default=",".join(ROWS),
        help=f"which rows, comma-separated, of {', '.join(ROWS)} (default: all)",
    )
    # The memory row's own render (peak_memory_mib): not for use by hand.
    parser.add_argument("--render-plan", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    parser.add_argument("--as-of", type=datetime.date.fromisoformat, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.render_plan is not None:
        setup_django(Path(args.database))
        render_once(args.render_plan, args.as_of)
        return
    if args.memory_activities < args.activities:
        parser.error("--memory-activities must be at least --activities")
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as tmp:
        setup_django(Path(tmp) / "bench.sqlite3")
        rows = [row.strip() for row in args.rows.split(",") if row.strip()]
        if not set(rows) <= set(ROWS):
            parser.error(f"--rows: choose among {', '.join(ROWS)}")
        run(args.activities, args.memory_activities, args.rounds, args.warmup, rows)


if __name__ == "__main__":
    main()
