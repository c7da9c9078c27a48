"""bench/backend_latency.py's report: the ratios it judges come from the measured figures (no servers here)."""
from __future__ import annotations

import argparse
from pathlib import Path

from bench import backend_latency, wrk


def entry(ms: list[float], rps: float, failed: int = 0) -> dict:
    return {"ms": ms, "failed": failed,
            "wrk": wrk.WrkResult(requests=int(rps * 10), seconds=10.0, non_2xx=0, socket_errors=0,
                                 latency_p50_ms=1.0, latency_p99_ms=2.0)}


def results(front_ms: float, rdflib_ms: float, rdflib_rps: float) -> dict:
    def server(lookup: float, aggregate: float, rps: float = 100.0) -> dict:
        return {"lookup": entry([lookup] * 9, rps), "aggregate": entry([aggregate] * 9, rps),
                "competency": entry([aggregate] * 9, rps)}

    return {"eccp-kg (embedded)": server(2.0, 10.0), "oxigraph (engine alone)": server(4.0, 8.0),
            "eccp-kg -> oxigraph": server(front_ms, 9.0), "virtuoso (engine alone)": server(5.0, 8.0),
            "eccp-kg -> virtuoso": server(9.0, 9.0), "rdflib-endpoint": server(20.0, rdflib_ms, rdflib_rps)}


def args() -> argparse.Namespace:
    return argparse.Namespace(requests=10, seconds=2, rounds=2, connections=4)


def test_report_judges_the_remote_overhead_and_the_rdflib_speed_up(tmp_path: Path) -> None:
    (tmp_path / "dumps").mkdir()
    (tmp_path / "dumps" / "eccp-kg.nq").write_text("<a> <b> <c> .\n", encoding="utf-8")
    good = backend_latency.report(results(front_ms=7.9, rdflib_ms=150.0, rdflib_rps=5.0), tmp_path, args(), (1.0, 1.0, 1.0))
    assert "| lookup p50: eccp-kg -> oxigraph / oxigraph alone | 1.98x | <= 2x | yes |" in good
    assert "| lookup p50: eccp-kg -> virtuoso / virtuoso alone | 1.80x | <= 2x | yes |" in good
    assert "| aggregate p50: rdflib-endpoint / eccp-kg embedded (speed-up) | 15.0x | >= 10x | yes |" in good
    assert "| aggregate req/s: eccp-kg embedded / rdflib-endpoint | 20.0x | >= 10x | yes |" in good
    bad = backend_latency.report(results(front_ms=8.4, rdflib_ms=50.0, rdflib_rps=50.0), tmp_path, args(), (1.0, 1.0, 1.0))
    assert "| lookup p50: eccp-kg -> oxigraph / oxigraph alone | 2.10x | <= 2x | **no** |" in bad
    assert "| aggregate p50: rdflib-endpoint / eccp-kg embedded (speed-up) | 5.0x | >= 10x | **no** |" in bad
    assert "| aggregate req/s: eccp-kg embedded / rdflib-endpoint | 2.0x | >= 10x | **no** |" in bad
    assert "(BUILD: 1 quads in its dump)" in bad
