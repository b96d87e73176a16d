"""Sensitivity analysis: SALib designs and indices over a scenario's ranged inputs, local or on Dask."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from analysis_helpers import DataValidationError, sensitivity
from analysis_helpers.__main__ import main
from analysis_helpers.analysis import sensitivity as core
from analysis_helpers.scenarios import load_scenario

OUTPUTS = ["settlement_months", "occupied_km2", "needs_usd_bn", "funding_gap_usd_bn", "settlement:territory"]


@pytest.fixture(scope="module")
def leverage():
    return load_scenario("ukraine_gains_leverage")


@pytest.fixture(scope="module")
def morris_table(leverage):
    return sensitivity.analyse(leverage, OUTPUTS, method="morris", samples=4, seed=3, workers=1)


def test_inputs_are_every_ranged_magnitude_of_the_file(leverage):
    inputs = core.uncertain_inputs(leverage)
    assert list(inputs["input"]) == ["settlement.months", "front.factor", "territory[UA-23].change_km2",
                                     "damage.factor"]
    assert (inputs["low"] < inputs["high"]).all()
    changed = core.with_inputs(leverage, inputs, [7.0, -0.5, -100.0, 1.0])
    assert changed.assumptions["front"]["factor"] == -0.5
    assert changed.assumptions["territory"][0]["change_km2"] == -100.0
    assert leverage.assumptions["front"]["factor"] == {"value": -1.0, "low": -2.0, "high": 0.0}  # left untouched


def test_morris_table_is_tidy_and_ranks_what_the_engine_uses(morris_table, leverage):
    assert list(morris_table.columns) == ["scenario", *core.INDEX_COLUMNS]
    assert set(morris_table["index"]) == {"mu_star", "sigma"}
    assert morris_table.attrs["evaluations"] == 4 * (4 + 1)
    mu = morris_table[morris_table["index"] == "mu_star"].set_index(["output", "input"])["value"]
    # Months to settlement depend on the settlement input alone; damage moves needs, not area.
    assert mu["settlement_months", "settlement.months"] > 0
    assert mu["settlement_months"].drop("settlement.months").eq(0).all()
    assert mu["occupied_km2", "damage.factor"] == 0 and mu["needs_usd_bn", "damage.factor"] > 0
    assert mu["occupied_km2", "front.factor"] > 0
    # Positions depend on actors and mediation, fixed numbers in the schema: said, not hidden.
    territory = morris_table[morris_table["output"] == "settlement:territory"]
    assert (territory["value"] == 0).all() and (territory["note"] == core.NO_VARIATION).all()
    top = core.tornado_order(morris_table, "settlement_months")
    assert top.loc[0, "input"] == "settlement.months"


def test_sobol_indices_have_confidence_intervals_and_same_seed_same_table(leverage):
    first = sensitivity.analyse(leverage, ["occupied_km2"], method="sobol", samples=8, seed=1, workers=1)
    again = sensitivity.analyse(leverage, ["occupied_km2"], method="sobol", samples=8, seed=1, workers=2)
    pd.testing.assert_frame_equal(first, again)
    assert set(first["index"]) == {"S1", "ST"}
    assert first["conf"].notna().all() and np.allclose(first["high"] - first["low"], 2 * first["conf"])
    assert first.attrs["evaluations"] == 8 * (4 + 2)


def test_same_seed_same_results_on_a_dask_cluster(leverage, morris_table):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=":0") as cluster:
        on_cluster = sensitivity.analyse(leverage, OUTPUTS, method="morris", samples=4, seed=3,
                                         scheduler=cluster.scheduler_address)
    pd.testing.assert_frame_equal(on_cluster, morris_table)


def test_scheduler_from_the_environment_and_unreachable_address(leverage, monkeypatch):
    monkeypatch.setattr(sensitivity, "CONNECT_TIMEOUT_S", 1)
    monkeypatch.setenv(sensitivity.SCHEDULER_ENV, "tcp://127.0.0.1:9")  # discard port: nothing listens
    with pytest.raises(sensitivity.SchedulerUnreachable, match=r"127\.0\.0\.1:9"):
        sensitivity.analyse(leverage, ["occupied_km2"], method="morris", samples=2)


def test_bad_input_is_refused_before_any_run(leverage):
    fixed = dataclasses.replace(leverage, assumptions={
        **leverage.assumptions, "settlement": {"months": 12, "reasoning": "x" * 20},
        "front": {"factor": {"value": 1.0, "low": 1.0, "high": 1.0}, "reasoning": "x" * 20},
        "territory": [], "damage": {"factor": 1.0, "reasoning": "x" * 20}})
    with pytest.raises(DataValidationError, match="no input with a range"):
        sensitivity.analyse(fixed, ["occupied_km2"], samples=2)
    with pytest.raises(DataValidationError, match=r"front\.factor.*no range"):
        sensitivity.analyse(fixed, ["occupied_km2"], samples=2, inputs=["front.factor"])
    with pytest.raises(DataValidationError, match="no such input"):
        sensitivity.analyse(leverage, ["occupied_km2"], samples=2, inputs=["front.speed"])
    with pytest.raises(ValueError, match=r"unknown output: area_lost.*occupied_km2"):
        sensitivity.analyse(leverage, ["area_lost"], samples=2)
    with pytest.raises(ValueError, match=r"morris needs samples >= 2"):
        sensitivity.analyse(leverage, ["occupied_km2"], method="morris", samples=1)
    with pytest.raises(ValueError, match="power of two"):
        sensitivity.analyse(leverage, ["occupied_km2"], method="sobol", samples=100)
    with pytest.raises(ValueError, match="method must be one of"):
        sensitivity.analyse(leverage, ["occupied_km2"], method="fast", samples=8)


def test_command_line_writes_the_csv_only_when_the_run_succeeds(tmp_path, capsys):
    out = tmp_path / "results.csv"
    assert main(["sensitivity", "ukraine_gains_leverage", "--method", "sobol", "--samples", "6",
                 "--out", str(out)]) == 1
    assert "power of two" in capsys.readouterr().err and not out.exists()
    assert main(["sensitivity", "ukraine_gains_leverage", "--samples", "2", "--workers", "1",
                 "--outputs", "occupied_km2", "--out", str(out)]) == 0
    table = pd.read_csv(out)
    assert set(table["output"]) == {"occupied_km2"} and len(table) == 2 * 4
    assert list(tmp_path.iterdir()) == [out]  # no temporary file left behind
    before = out.read_text()
    assert main(["sensitivity", "baseline", "--samples", "2", "--out", str(out)]) == 2  # never overwrites
    assert out.read_text() == before


def test_seed_zero_gives_the_same_table_twice(leverage):
    # SALib reads seed 0 as "no seed" (unseeded bootstrap); the kit hands it seed + 1.
    first = sensitivity.analyse(leverage, ["occupied_km2"], method="sobol", samples=8, seed=0, workers=1)
    again = sensitivity.analyse(leverage, ["occupied_km2"], method="sobol", samples=8, seed=0, workers=1)
    pd.testing.assert_frame_equal(first, again)
    assert core.salib_seed(0) == 1


def test_sobol_draws_the_engines_triangles():
    inputs = pd.DataFrame({"input": ["a"], "value": [-1.0], "low": [-2.0], "high": [2.0], "source_id": [""],
                           "group": ["a"]})
    inputs.attrs["paths"] = [("front", "factor")]
    X = core.design(inputs, "sobol", 256, seed=0)[:, 0]
    assert X.min() >= -2 and X.max() <= 2
    assert np.mean(X) == pytest.approx((-2 - 1 + 2) / 3, abs=0.1)  # the triangle's mean, not the uniform's 0


def test_actor_ranges_move_positions_grouped_per_actor_with_convergence(leverage):
    ranges = {"actors[russia].capability_factor": (0.8, 1.0, 1.2), "actors[russia].position_shift": (-10, 10),
              "actors[usa].salience": (30, 60, 90)}
    table = sensitivity.analyse(leverage, ["settlement:territory"], method="sobol", samples=4, seed=0,
                                workers=1, ranges=ranges, groups=True, convergence=True,
                                inputs=["front.factor", *ranges])
    assert set(table["input"]) == {"front.factor", "russia", "usa"}
    st = table[table["index"] == "ST"].set_index("input")["value"]
    assert st["front.factor"] == 0 and (st[["russia", "usa"]] != 0).any()  # positions now move
    assert table.attrs["evaluations"] == 8 * (3 + 2)
    report = table.attrs["convergence"]
    assert list(report.columns) == core.CONVERGENCE_COLUMNS and not report["converged"].all()
    bad = table[~table["resolved"]]
    for (_, name), rows in table[table["method"] == "sobol"].groupby(["output", "input"]):
        values = rows.set_index("index")["value"]
        unresolved = values.min() < 0 or values["S1"] > values["ST"]
        assert unresolved == (name in set(bad["input"]))


def test_ranges_the_engine_cannot_vary_are_refused(leverage):
    with pytest.raises(DataValidationError, match="engine cannot vary"):
        sensitivity.analyse(leverage, ["occupied_km2"], samples=2, ranges={"stances.territory": (0, 10)})
    with pytest.raises(DataValidationError, match=r"engine cannot vary actors\.rounds"):
        sensitivity.analyse(leverage, ["occupied_km2"], samples=2, ranges={"actors[usa].rounds": (1, 10)})
    with pytest.raises(DataValidationError, match="low <= value <= high"):
        sensitivity.analyse(leverage, ["occupied_km2"], samples=2, ranges={"actors[usa].salience": (50, 150)})
    with pytest.raises(DataValidationError, match="no such actor"):
        sensitivity.analyse(leverage, ["occupied_km2"], samples=2, ranges={"actors[mars].salience": (10, 50)})
    with pytest.raises(ValueError, match="convergence check compares Sobol"):
        sensitivity.analyse(leverage, ["occupied_km2"], samples=2, convergence=True)


def test_two_threads_per_worker_give_the_local_table_and_another_kit_is_refused(leverage, monkeypatch):
    distributed = pytest.importorskip("distributed")
    ranges = {"actors[russia].capability_factor": (0.8, 1.0, 1.2)}
    outputs = ["settlement:territory", "occupied_km2"]
    local = sensitivity.analyse(leverage, outputs, method="sobol", samples=4, seed=0, workers=1, ranges=ranges)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=True, host="127.0.0.1",
                                  dashboard_address=":0") as cluster:
        on_cluster = sensitivity.analyse(leverage, outputs, method="sobol", samples=4, seed=0, ranges=ranges,
                                         scheduler=cluster.scheduler_address)
        pd.testing.assert_frame_equal(on_cluster, local)  # the worker's two threads share one memo
        # This process now claims another source: the (unchanged) worker no longer matches it.
        monkeypatch.setattr(sensitivity, "kit_fingerprint", lambda: ("0.1.0", "0" * 64))
        with pytest.raises(sensitivity.ClusterMismatch, match="1 of 1 Dask workers run another kit"):
            sensitivity.analyse(leverage, ["occupied_km2"], method="morris", samples=2,
                                scheduler=cluster.scheduler_address)


@pytest.mark.slow
def test_a_worker_from_another_venv_with_another_kit_is_refused(leverage, tmp_path):
    """A real worker process started from a separate virtual environment whose kit is a changed copy
    (another version, another source): the run stops before any evaluation and names the worker."""
    distributed = pytest.importorskip("distributed")
    import shutil
    import subprocess
    import sys
    import sysconfig
    from importlib import resources

    kit = tmp_path / "kit"
    shutil.copytree(str(resources.files("analysis_helpers")), kit / "analysis_helpers",
                    ignore=shutil.ignore_patterns("__pycache__"))
    with open(kit / "analysis_helpers" / "conventions.py", "a") as changed:
        changed.write("\n# another source\n")
    metadata = kit / "analysis_helpers-0.0.9.dist-info"
    metadata.mkdir()
    (metadata / "METADATA").write_text("Metadata-Version: 2.1\nName: analysis-helpers\nVersion: 0.0.9\n")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next((venv / "lib").glob("python*/site-packages"))
    # The copy first; the libraries (dask, pandas...) from this environment's site-packages, whose
    # .pth files (the editable install of the kit) a path added this way does not run.
    (site / "other_kit.pth").write_text(f"{kit}\n{sysconfig.get_paths()['purelib']}\n")
    with distributed.LocalCluster(n_workers=0, processes=True, host="127.0.0.1", dashboard_address=":0") as cluster:
        worker = subprocess.Popen([str(venv / "bin" / "python"), "-m", "distributed.cli.dask_worker",
                                   cluster.scheduler_address, "--nthreads", "1", "--no-nanny",
                                   "--dashboard-address", ":0"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            with distributed.Client(cluster) as client:
                client.wait_for_workers(1, timeout=60)
            with pytest.raises(sensitivity.ClusterMismatch, match=r"version 0\.0\.9"):
                sensitivity.analyse(leverage, ["occupied_km2"], method="morris", samples=2,
                                    scheduler=cluster.scheduler_address)
        finally:
            worker.terminate()
            worker.wait(timeout=30)
