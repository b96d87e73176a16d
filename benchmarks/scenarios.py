"""How long a scenario change takes to recompute, Monte Carlo intervals included (issue 6: < 200 ms).

A "change" is one control of the custom-scenario builder moved: the engine re-runs the scenario
on the prepared baseline. Two kinds are timed, since the engine keeps the parts a change leaves
alone:

* front / damage / funding / settlement date moved: territory and needs redrawn, stances reused;
* mediation or an actor moved: everything, including the three bargaining models' Monte Carlo.

Both run as the builder runs them (expected-utility model on LIVE_EXPECTED_UTILITY_DRAWS draws).
Each is printed (median and fastest of the repeats) with its ratio to the same change computed
without intervals (draws=0), measured in the same run; then the full builder step (engine +
figure + HTML render) and, for scale, a stance change at the report's setting.

    .venv/bin/python benchmarks/scenarios.py [--repeat N] [--draws N]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics

from timing import wall_times

from analysis_helpers import load, setup_notebook
from analysis_helpers.analysis import scenarios as engine
from analysis_helpers.analysis.scenarios import custom_scenario
from analysis_helpers.scenarios import baseline_for, list_scenarios, load_scenario
from analysis_helpers.widgets.scenarios import LIVE_EXPECTED_UTILITY_DRAWS, scenario_explorer

TARGET_MS = 200


def parts(widget) -> list:
    """Every widget inside `widget`, itself included."""
    return [widget, *(w for child in getattr(widget, "children", ()) for w in parts(child))]


def timed_ms(action, repeat: int) -> tuple[float, float]:
    """Median and fastest wall time of `action()` over `repeat` calls, in milliseconds (the fastest
    is the better guide on a busy machine: other processes only ever add time)."""
    times = [1000 * seconds for seconds in wall_times(action, repeat)]
    return statistics.median(times), min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--draws", type=int, default=1000)
    options = parser.parse_args()

    baseline = baseline_for()
    start = load_scenario("baseline")
    counter = iter(range(10**9))

    def front_change(draws: int):
        # A new front factor on every call, so nothing is served from the memo but the stances.
        factor = 0.5 + (next(counter) % 100) / 100
        return lambda: engine.run(custom_scenario(start, 12, factor, 1.0, 0.0, 1.0, (), 50), baseline, draws=draws,
                                  expected_utility_draws=LIVE_EXPECTED_UTILITY_DRAWS)

    def mediation_change(draws: int):
        def change():
            salience = 40 + next(counter) % 60  # a new salience every call: the bargaining models re-run
            engine.run(custom_scenario(start, 12, 1.0, 1.0, 0.0, 1.0, ("turkey", "qatar"), salience), baseline,
                       draws=draws, expected_utility_draws=LIVE_EXPECTED_UTILITY_DRAWS)
        return change

    for draws in (0, options.draws):  # warm the memos a first change would fill (front rate, funding, stances)
        engine.run(custom_scenario(start, 12, 1.0, 1.0, 0.0, 1.0, (), 50), baseline, draws=draws,
                   expected_utility_draws=LIVE_EXPECTED_UTILITY_DRAWS)
    print(f"Scenario change recompute as the builder runs it: {options.draws} draws "
          f"({LIVE_EXPECTED_UTILITY_DRAWS} for the expected-utility model), median of {options.repeat} "
          f"(target < {TARGET_MS} ms)")
    for label, make in (("front/damage/funding moved", front_change), ("mediation/actor moved", mediation_change)):
        floor, floor_best = timed_ms(make(0), options.repeat)
        full, full_best = timed_ms(make(options.draws), options.repeat)
        verdict = "ok" if full < TARGET_MS else "OVER TARGET"
        print(f"  {label:28s} {full:7.1f} ms (fastest {full_best:6.1f}) with intervals | {floor:7.1f} ms "
              f"(fastest {floor_best:6.1f}) without (draws=0) | ratio {full / floor:4.2f} | {verdict}")

    setup_notebook()
    defined = {name: load_scenario(name) for name in list_scenarios()}
    builder = scenario_explorer(baseline, defined, load("actors"), load("issues"), baseline.as_of, draws=options.draws,
                                sources=load("sources"))
    front = next(w for w in parts(builder) if getattr(w, "description", "") == "Front pace (x model)")
    values = iter([v / 4 for v in range(-12, 13)] * 100)

    def move_slider():
        front.value = next(values)

    # Outside a kernel, display() prints the figure's repr: send it nowhere (the step still builds
    # the figure; a kernel would serialise it instead of printing it).
    with contextlib.redirect_stdout(io.StringIO()):
        step, step_best = timed_ms(move_slider, options.repeat)
    def report_setting_change():
        salience = next(counter) % 100
        engine.run(custom_scenario(start, 12, 1.0, 1.0, 0.0, 1.0, ("un",), salience), baseline, draws=options.draws)

    report_run, _ = timed_ms(report_setting_change, 3)
    print(f"  builder slider step (engine + figure + render) {step:7.1f} ms (fastest {step_best:6.1f})")
    print(f"  report setting ({engine.EXPECTED_UTILITY_DRAWS} expected-utility draws), mediation moved "
          f"{report_run:7.1f} ms")
    print(f"  (load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
