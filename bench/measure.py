"""Interleaved measurement: a target and its reference, alternately, and their medians.

On a shared two-core machine absolute times drift with whatever else runs; a target measured
right next to its reference, A B A B …, suffers the same drift, so the median of the per-pair
ratios holds where the absolute medians do not.
"""

from __future__ import annotations

import http.client
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Row:
    """One row of the table: what was measured against what, and the outcome."""

    label: str
    reference: str
    target_ms: list[float] = field(default_factory=list)
    reference_ms: list[float] = field(default_factory=list)
    note: str = ""
    # The issue states the API rows as a speed, a fraction of the hello-world view's
    # (reference time / target time, higher is better); every other row as a time ratio.
    speed: bool = False

    @property
    def ratios(self) -> list[float]:
        if self.speed:
            return pair_ratios(self.reference_ms, self.target_ms)
        return pair_ratios(self.target_ms, self.reference_ms)

    @property
    def ratio(self) -> float | None:
        ratios = self.ratios
        return statistics.median(ratios) if ratios else None

    def line(self) -> str:
        if not self.target_ms:
            return f"{self.label:<44} {self.note or 'not measured':>8}   vs {self.reference}"
        ratio = self.ratio
        kind = "speed" if self.speed else "time "
        target, reference = statistics.median(self.target_ms), statistics.median(self.reference_ms)
        text = (
            f"{self.label:<44} {ratio:>7.{2 if ratio >= 0.1 else 3}f}× {kind} {target:>9.1f} ms vs "
            f"{reference:>8.1f} ms  {self.reference}"
            f"  (n={len(self.ratios)})"
        )
        return f"{text}  {self.note}" if self.note else text


HEADER = (
    "ratio = median of the per-pair ratios of interleaved requests; 'time' rows are this "
    "row's time / the reference's (lower is better), 'speed' rows the reference's time / "
    "this row's (higher is better); then the median ms of each side"
)


def pair_ratios(targets: list[float], references: list[float]) -> list[float]:
    """target/reference of each pair (pairs whose reference took no time are left out)."""
    return [t / r for t, r in zip(targets, references, strict=True) if r > 0]


def interleave(
    row: Row,
    target: Callable[[], float],
    reference: Callable[[], float],
    *,
    rounds: int,
    warmup: int = 2,
    budget_seconds: float | None = None,
) -> Row:
    """Alternate ``target`` and ``reference`` (each returns its own seconds): ``warmup`` pairs
    thrown away, then ``rounds`` pairs kept, or fewer when ``budget_seconds`` runs out (at
    least three pairs are kept)."""
    for _ in range(warmup):
        target()
        reference()
    started = time.monotonic()
    for n in range(rounds):
        # Alternate which goes first, so neither always runs on a cache the other warmed.
        if n % 2:
            r, t = reference(), target()
        else:
            t, r = target(), reference()
        row.target_ms.append(t * 1000)
        row.reference_ms.append(r * 1000)
        if budget_seconds and n >= 2 and time.monotonic() - started > budget_seconds:
            row.note = f"(stopped at the time budget after {n + 1} pairs)"
            break
    return row


def load_average() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float


class HttpClient:
    """Plain HTTP/1.1 requests to the benchmark server on loopback, one connection each
    (gunicorn's sync workers close every connection after its response anyway)."""

    def __init__(self, port: int, host: str = "127.0.0.1"):
        self.host, self.port = host, port

    def get(self, path: str, headers: dict[str, str] | None = None) -> Response:
        started = time.perf_counter()
        connection = http.client.HTTPConnection(self.host, self.port, timeout=300)
        try:
            connection.request("GET", path, headers=headers or {})
            response = connection.getresponse()
            body = response.read()
        finally:
            connection.close()
        seconds = time.perf_counter() - started
        lowered = {k.lower(): v for k, v in response.getheaders()}
        return Response(response.status, lowered, body, seconds)

    def timer(self, path: str, headers: dict[str, str] | None = None, expect: int = 200):
        """A function timing one GET of ``path``; it raises when the answer is not ``expect``
        (a login page or an error measured as if it were the page would mislead)."""

        def run() -> float:
            response = self.get(path, headers)
            if response.status != expect:
                raise UnexpectedAnswer(path, response.status, expect)
            return response.seconds

        return run


class UnexpectedAnswer(Exception):
    def __init__(self, path: str, status: int, expected: int):
        super().__init__(f"{path} answered {status}, not {expected}")
        self.status = status
