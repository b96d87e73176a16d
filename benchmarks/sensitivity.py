"""Sensitivity runs: evaluations per second on 1 core, all local cores and a 2-worker Dask cluster
(issue 14: at least 1.7x one evaluation in a loop on 2 cores).

The baseline, measured in the same run, is the engine's central run called once per design row
in a plain loop (what one would write by hand). Then `sensitivity.analyse` (design, runs, SALib
indices) with `workers=1` (in process), with every local core (process pool, its start-up
included), and on a `LocalCluster` of 2 single-threaded worker processes (cluster start-up
excluded, connection and data transfer included). From the measured rates it states how long a
report-grade Sobol run (1,024 base samples) takes here, and on 32 cores at the parallel efficiency
measured on 2 (an extrapolation: a real cluster adds network latency, and a busy machine here
lowers the measured efficiency).

    .venv/bin/python benchmarks/sensitivity.py [--scenario NAME] [--samples N] [--repeat N]
"""

from __future__ import annotations

import argparse
import os

from timing import best_time

from analysis_helpers.analysis import sensitivity as core
from analysis_helpers.sensitivity import analyse, plan

TARGET_SPEEDUP_2_CORES = 1.7
REPORT_SOBOL_SAMPLES = 1024
CLUSTER_CORES = 32


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="ukraine_gains_leverage")
    parser.add_argument("--samples", type=int, default=40, help="Morris trajectories per timed run")
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()

    scenario, baseline, inputs, X, outputs, _, _ = plan(options.scenario, method="morris", samples=options.samples)
    runs = len(X)
    core.evaluate(scenario, baseline, inputs, X[:2], outputs)  # warm the baseline's memos, as analyse's plan does

    def loop():
        for row in X:
            core.evaluate(scenario, baseline, inputs, row[None, :], outputs)

    def run(**where):
        return lambda: analyse(scenario, outputs, "morris", options.samples, seed=0, **where)

    rates = {"one evaluation in a loop": runs / best_time(loop, options.repeat)}
    rates["analyse, 1 core"] = runs / best_time(run(workers=1), options.repeat)
    cores = os.cpu_count() or 1
    rates[f"analyse, {cores} local cores (process pool)"] = runs / best_time(run(workers=cores), options.repeat)
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        rates["analyse, 2-worker Dask LocalCluster"] = runs / best_time(run(scheduler=cluster.scheduler_address),
                                                                         options.repeat)

    loop_rate = rates["one evaluation in a loop"]
    print(f"Sensitivity evaluations per second, scenario {scenario.name}: Morris, {options.samples} trajectories "
          f"x {len(inputs) + 1} = {runs} engine runs, {len(outputs)} outputs; fastest of {options.repeat} "
          f"(target >= {TARGET_SPEEDUP_2_CORES}x the loop on 2 cores)")
    for label, rate in rates.items():
        print(f"  {label:42s} {rate:8.1f} runs/s   {rate / loop_rate:5.2f}x the loop")
    two_core = {label: rate / loop_rate for label, rate in rates.items() if "2" in label.split(",")[-1]}
    for label, speedup in two_core.items():
        verdict = "ok" if speedup >= TARGET_SPEEDUP_2_CORES else "UNDER TARGET"
        print(f"  2 cores, {label}: {speedup:.2f}x | {verdict}")

    best_parallel = max(rate for label, rate in rates.items() if "loop" not in label and "1 core" not in label)
    measured = best_parallel / (2 * rates["analyse, 1 core"])
    efficiency = min(measured, 1.0)  # above 1 only when the machine's other load eased mid-run
    report_runs = core.evaluations("sobol", REPORT_SOBOL_SAMPLES, len(inputs))
    here = report_runs / best_parallel
    cluster_rate = rates["analyse, 1 core"] * CLUSTER_CORES * efficiency
    print(f"  report-grade Sobol ({REPORT_SOBOL_SAMPLES} base samples x ({len(inputs)} inputs + 2) = {report_runs} "
          f"runs): {here:6.0f} s here at {best_parallel:.0f} runs/s; on {CLUSTER_CORES} cores at "
          f"{efficiency:.0%} parallel efficiency (measured on 2: {measured:.0%}): "
          f"{report_runs / cluster_rate:5.1f} s (extrapolated)")
    print(f"  (load average during the run: {os.getloadavg()[0]:.1f} on {cores} cores; the machine is shared, "
          f"so other processes lower the parallel ratios)")


if __name__ == "__main__":
    main()
