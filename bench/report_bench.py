"""Benchmark: the bilingual progress report of a plan with 500 activities.

    .venv/bin/python bench/report_bench.py [--activities 500] [--language bilingual]
                                           [--runs 3] [--output /tmp/bench-report.pdf]

Builds a scratch SQLite database in a temporary folder (never the project's database): the real
Helsinki–Beijing plan from data/plans (10 themes, 44 commitments), then N activities spread
over its themes and commitments with English and Chinese titles, descriptions and outcomes,
lead agencies on both sides, and one to three status updates each. Then, each in a fresh
forked process so that one measurement cannot warm or bloat the next:

- the whole render (``write_report_pdf``: queries, HTML, layout, PDF), with the time of each
  phase and the process's peak resident memory (``ru_maxrss``) above what it held before;
- WeasyPrint alone on the same HTML (``HTML(...).write_pdf()``), time and peak memory;
- the whole render again under tracemalloc, for the Python heap's peak (slower, so untimed).

The first render in a process also loads the fonts (fontconfig, the Noto Sans CJK files):
``--runs`` repeats the whole render in one process and reports the first and the best.
"""

from __future__ import annotations

import argparse
import datetime
import io
import multiprocessing
import os
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AS_OF = datetime.date(2023, 12, 31)

EN_TEXT = (
    "joint seminar on smart mobility and clean energy for city districts with partners from "
    "universities enterprises and municipal agencies including site visits exchange of "
    "experts training for young professionals and a public exhibition of results"
)
EN_WORDS = EN_TEXT.split(" ")
ZH_TEXT = (
    "双方围绕智慧交通与清洁能源举办联合研讨会，邀请高校、企业和市政机构参加，"
    "组织实地考察、专家交流和青年人才培训，并面向公众举办成果展览。"
)


def _setup_django(db_path: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "true")
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    import django

    django.setup()
    import logging

    # WeasyPrint logs every page at INFO; the numbers are what matter here.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(EN_WORDS) for _ in range(n)).capitalize() + "."


def build_plan(n_activities: int, seed: int = 7):
    """Migrate the scratch database, load the real plan, add ``n_activities`` activities."""
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from cooperation.models import (
        ActionPlan,
        Activity,
        ActivityStatus,
        ResponsibilityRole,
        StatusUpdate,
    )
    from plandata.loader import load_plan_file
    from plandata.planfile import DEFAULT_PLAN_FILE

    call_command("migrate", verbosity=0, interactive=False)
    load_plan_file(ROOT / DEFAULT_PLAN_FILE)
    plan = ActionPlan.objects.get(code="hki-bj-2019-2023")
    partnership = plan.partnership
    themes = list(
        plan.themes.order_by("order").prefetch_related("commitments", "responsibilities__agency")
    )
    rng = random.Random(seed)
    statuses = [
        ActivityStatus.PLANNED,
        ActivityStatus.IN_PROGRESS,
        ActivityStatus.COMPLETED,
        ActivityStatus.COMPLETED,
        ActivityStatus.ON_HOLD,
        ActivityStatus.CANCELLED,
    ]
    activities, paths = [], []
    for i in range(n_activities):
        theme = themes[i % len(themes)]
        commitments = list(theme.commitments.all())
        leads = [
            r.agency for r in theme.responsibilities.all() if r.role == ResponsibilityRole.LEAD
        ]
        first = next((a for a in leads if a.city_id == partnership.first_city_id), None)
        second = next((a for a in leads if a.city_id == partnership.second_city_id), None)
        start = datetime.date(2019, 11, 1) + datetime.timedelta(days=rng.randrange(0, 1400))
        end = start + datetime.timedelta(days=rng.randrange(30, 400))
        final = rng.choice(statuses)
        path = [ActivityStatus.PLANNED]
        if final != ActivityStatus.PLANNED:
            if final != ActivityStatus.CANCELLED:
                path.append(ActivityStatus.IN_PROGRESS)
            if final != ActivityStatus.IN_PROGRESS:
                path.append(final)
        done = final == ActivityStatus.COMPLETED
        activities.append(
            Activity(
                theme=theme,
                commitment=commitments[i % len(commitments)] if commitments and i % 7 else None,
                title_en=f"{_words(rng, 7)[:-1]} ({i + 1})",
                title_zh_hans=f"{ZH_TEXT[rng.randrange(0, 20) :][:16]}（{i + 1}）",
                description_en=_words(rng, rng.randrange(12, 30)),
                description_zh_hans=ZH_TEXT[: rng.randrange(30, len(ZH_TEXT))],
                outcomes_en=_words(rng, 10) if done else "",
                outcomes_zh_hans=ZH_TEXT[:20] + "。" if done else "",
                first_lead_agency=first,
                second_lead_agency=second,
                planned_start=start,
                planned_end=end,
                actual_start=start if len(path) > 1 and final != ActivityStatus.CANCELLED else None,
                actual_end=min(end, AS_OF) if done else None,
                status=final,
            )
        )
        paths.append((path, start))
    with transaction.atomic():
        Activity.objects.bulk_create(activities, batch_size=200)
        updates = []
        tz = timezone.get_current_timezone()
        for activity, (path, start) in zip(activities, paths, strict=True):
            for seq, (before, after) in enumerate(zip(path, path[1:], strict=False), start=1):
                day = start + datetime.timedelta(days=60 * (seq - 1))
                updates.append(
                    StatusUpdate(
                        activity=activity,
                        sequence=seq,
                        from_status=before,
                        to_status=after,
                        note=_words(rng, rng.randrange(5, 12)),
                        created_at=datetime.datetime.combine(day, datetime.time(12), tz),
                    )
                )
        # auto_now_add overwrites created_at on insert: date the rows back afterwards.
        when = [update.created_at for update in updates]
        StatusUpdate.objects.bulk_create(updates, batch_size=500)
        for update, created_at in zip(updates, when, strict=True):
            StatusUpdate.objects.filter(pk=update.pk).update(created_at=created_at)
        Activity.objects.filter(theme__plan=plan).update(
            created_at=datetime.datetime(2019, 10, 15, 12, tzinfo=datetime.UTC)
        )
    return plan.pk, len(updates)


def _rss_mib() -> float:
    # Linux reports ru_maxrss in KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _children() -> tuple[float, float]:
    """CPU seconds and the largest peak RSS (MiB) of this process's finished children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def _whole_render(
    plan_id: int, language: str, runs: int, output: str | None, processes: int | None = None
) -> dict:
    from cooperation.models import ActionPlan
    from reports.services import write_report_pdf

    plan = ActionPlan.objects.get(pk=plan_id)
    before = _rss_mib()
    times, cpu, phases, pages = [], [], None, 0
    for _ in range(runs):
        buffer = io.BytesIO()
        started, started_cpu = time.perf_counter(), time.process_time()
        children_cpu = _children()[0]
        result = write_report_pdf(
            plan=plan,
            theme=None,
            language=language,
            as_of=AS_OF,
            output=buffer,
            processes=processes,
        )
        times.append(time.perf_counter() - started)
        # With worker processes (--processes), their CPU time counts too.
        cpu.append(time.process_time() - started_cpu + _children()[0] - children_cpu)
        if phases is None or times[-1] == min(times):
            phases = (result.html_seconds, result.layout_seconds, result.write_seconds)
        pages = result.page_count
    if output:
        Path(output).write_bytes(buffer.getvalue())
    return {
        "first": times[0],
        "best": min(times),
        "cpu": min(cpu),
        "phases": phases,
        "pages": pages,
        "bytes": len(buffer.getvalue()),
        "rss_before": before,
        "rss_peak": _rss_mib(),
        "activities": result.activity_count,
        "processes": result.processes,
        "children_rss_peak": _children()[1],
    }


def _weasyprint_only(plan_id: int, language: str, runs: int) -> dict:
    from weasyprint import HTML

    from cooperation.models import ActionPlan
    from reports.fetcher import REPORT_BASE_URL, StaticFilesFetcher
    from reports.rendering import render_html
    from reports.snapshot import collect

    plan = ActionPlan.objects.get(pk=plan_id)
    html = render_html(collect(plan, None, AS_OF), language)
    before = _rss_mib()
    times, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        HTML(string=html, base_url=REPORT_BASE_URL, url_fetcher=StaticFilesFetcher()).write_pdf()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return {
        "first": times[0],
        "best": min(times),
        "cpu": min(cpu),
        "rss_before": before,
        "rss_peak": _rss_mib(),
        "html_kib": len(html.encode()) / 1024,
    }


def _traced_render(plan_id: int, language: str) -> dict:
    from cooperation.models import ActionPlan
    from reports.services import write_report_pdf

    plan = ActionPlan.objects.get(pk=plan_id)
    tracemalloc.start()
    write_report_pdf(plan=plan, theme=None, language=language, as_of=AS_OF, output=io.BytesIO())
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"python_peak": peak / 1024 / 1024}


def _in_child(func, *args):
    """Run ``func(*args)`` in a forked process (a clean heap, its own peak RSS)."""
    from django.db import connections

    connections.close_all()
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(1) as pool:
        return pool.apply(func, args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--activities", type=int, default=500)
    parser.add_argument("--language", default="bilingual", choices=["en", "zh-hans", "bilingual"])
    parser.add_argument("--runs", type=int, default=3, help="renders per measurement")
    parser.add_argument("--output", help="also write the rendered PDF here")
    parser.add_argument(
        "--processes",
        type=int,
        help="worker processes for the chapters (default: REPORT_RENDER_PROCESSES)",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="report-bench-") as tmp:
        _setup_django(Path(tmp) / "bench.sqlite3")
        started = time.perf_counter()
        plan_id, n_updates = build_plan(args.activities)
        print(
            f"scratch plan: {args.activities} activities, {n_updates} status updates "
            f"({time.perf_counter() - started:.1f} s to build)"
        )
        print(
            f"report: {args.language}, as of {AS_OF}, {args.runs} runs per measurement, "
            f"{os.cpu_count()} CPUs"
        )

        whole = _in_child(
            _whole_render, plan_id, args.language, args.runs, args.output, args.processes
        )
        alone = _in_child(_weasyprint_only, plan_id, args.language, args.runs)
        traced = _in_child(_traced_render, plan_id, args.language)

        html_s, layout_s, write_s = whole["phases"]
        print(f"load average before: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
        print()
        header = f"{'':34}{'first':>9}{'best':>9}{'best CPU':>10}{'peak RSS':>12}{'RSS added':>12}"
        print(header)
        for label, row in (
            ("whole render (write_report_pdf)", whole),
            ("WeasyPrint alone, same HTML", alone),
        ):
            print(
                f"{label:34}{row['first']:>8.2f}s{row['best']:>8.2f}s{row['cpu']:>9.2f}s"
                f"{row['rss_peak']:>8.0f} MiB{row['rss_peak'] - row['rss_before']:>8.0f} MiB"
            )
        print()
        print(
            f"best whole render: queries + HTML {html_s:.2f} s, layout {layout_s:.2f} s, "
            f"PDF {write_s:.2f} s; portal overhead over WeasyPrint: "
            f"{whole['best'] - alone['best']:+.2f} s"
        )
        print(
            f"{whole['pages']} pages, {whole['bytes'] / 1024:.0f} KiB PDF, "
            f"{alone['html_kib']:.0f} KiB HTML, {whole['activities']} activities in the report; "
            f"Python heap peak (tracemalloc) {traced['python_peak']:.0f} MiB"
        )
        print(
            f"laid out in {whole['processes']} process(es); largest worker's peak RSS "
            f"{whole['children_rss_peak']:.0f} MiB (a forked worker counts the pages it shares)"
        )
        if args.output:
            print(f"PDF written to {args.output}")


if __name__ == "__main__":
    main()
