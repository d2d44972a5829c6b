"""``make bench`` says which of the load's targets a run met and which not, with the
figures (tools/bench/run.py, ``load_verdict``)."""

import importlib.util
from pathlib import Path

import pytest

RUN = Path(__file__).resolve().parent.parent / "tools" / "bench" / "run.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_run", RUN)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load(throughput: float, p95: float, errors: int = 0) -> dict:
    return {"throughput": throughput, "p95_ms": p95, "errors": errors}


def test_a_run_within_every_target_says_so_with_its_figures(bench):
    verdict = bench.load_verdict(load(45.1, 230), 50)
    assert verdict.startswith("**Targets met**")
    assert "45.1 requests/s, 90.2% of the 50 offered" in verdict
    assert "p95 230 ms" in verdict


@pytest.mark.parametrize(
    ("run", "missed"),
    [
        (load(44.2, 277), "44.2 requests/s, 88.4% of the 50 offered (target at least 90%)"),
        (load(46, 640), "p95 640 ms (target 500 ms)"),
        (load(46, 200, errors=3), "3 errors (target 0)"),
    ],
)
def test_a_run_that_misses_a_target_names_it(bench, run, missed):
    verdict = bench.load_verdict(run, 50)
    assert verdict.startswith("**Targets not met:** " + missed)
