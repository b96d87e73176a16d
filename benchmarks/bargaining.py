"""Benchmark of the bargaining models against straightforward Python loops, in one run.

    .venv/bin/python benchmarks/bargaining.py

1. Static models: 10,000 Monte Carlo draws x 8 issues x 25 actors through `weighted_median`
   and `compromise` (target: under 1 s together), against a per-row Python loop measured on a
   slice of the same draws and scaled up.
2. Expected-utility model: the vectorised `expected_utility` against a per-pair Python loop of
   the same rules (Scholz et al. defaults) on the same inputs (target: at least 20x faster).
   Both must give the same positions before any timing is reported.
3. Report-grade expected utility: the scenario engine's shapes (200 draws, one run per issue with as
   many actors as hold a stance on it in the shipped data, 10 rounds; issue 21: the report-grade
   recompute <= 200 ms), against the same run with the win probabilities summed over the
   (draws x n x n x n) vote tensor, as the model did before (positions checked equal first).
"""

from __future__ import annotations

import os
from unittest import mock

import numpy as np
from timing import best_time, median_time

from analysis_helpers import load
from analysis_helpers.analysis import bargaining
from analysis_helpers.analysis.bargaining import compromise, expected_utility, weighted_median
from analysis_helpers.stances import latest_stances

DRAWS, ISSUES, ACTORS = 10_000, 8, 25
LOOP_SLICE = 200  # draws the pure-Python baseline runs on; its time is scaled to DRAWS
ROUNDS = 10
REPORT_DRAWS = 200



def loop_weighted_median(position, weight) -> float:
    pairs = sorted(zip(position, weight, strict=True))
    half, running = sum(weight) / 2, 0.0
    for value, w in pairs:
        running += w
        if running >= half:
            return value
    return pairs[-1][0]


def loop_compromise(position, weight) -> float:
    return sum(x * w for x, w in zip(position, weight, strict=True)) / sum(weight)


def loop_static(position, capability, salience):
    """Both static models, one (draw, issue) row at a time."""
    medians, means = np.empty(position.shape[:-1]), np.empty(position.shape[:-1])
    for index in np.ndindex(position.shape[:-1]):
        x = position[index].tolist()
        w = (capability[index] * salience[index]).tolist()
        medians[index] = loop_weighted_median(x, w)
        means[index] = loop_compromise(x, w)
    return medians, means


def loop_expected_utility(position, capability, salience, rounds, q=1.0):
    """Bueno de Mesquita's model as a per-pair Python loop (Scholz et al. replication rules)."""
    x = [float(v) for v in position]
    n = len(x)
    s = [float(v) for v in salience]
    w = [float(c) * float(v) for c, v in zip(capability, salience, strict=True)]
    scale = (max(x) - min(x)) or 1.0
    history = [list(x)]

    def vote(k, a, b, r):
        return w[k] * ((abs(x[k] - x[b]) / scale) ** r[k] - (abs(x[k] - x[a]) / scale) ** r[k])

    def all_votes(r):
        return sum(abs(vote(k, a, b, r)) for k in range(n) for a in range(n) for b in range(n))

    def probability(a, b, r, total):
        if x[a] == x[b] or total == 0:
            return 0.0
        return sum(max(0.0, vote(k, a, b, r)) for k in range(n)) / total

    def challenge(a, b, rr, r, total):
        """Expected utility of a challenging b, seen with risk exponent rr."""
        p = probability(a, b, r, total)
        gap = abs(x[a] - x[b]) / scale
        success = 2 - 4 * (0.5 - 0.5 * gap) ** rr
        failure = 2 - 4 * (0.5 + 0.5 * gap) ** rr
        return s[b] * (p * success + (1 - p) * failure) + (1 - s[b]) * success - q * (2 - 4 * 0.5 ** rr)

    for _ in range(rounds):
        neutral = [1.0] * n
        neutral_total = all_votes(neutral)
        danger = [sum(challenge(j, i, 1.0, neutral, neutral_total) for j in range(n) if j != i) for i in range(n)]
        low, high = min(danger), max(danger)
        acceptance = [(2 * d - high - low) / (high - low) if high > low else 0.0 for d in danger]
        risk = [(1 - a / 3) / (1 + a / 3) for a in acceptance]
        total = all_votes(risk)
        new_x = list(x)
        for i in range(n):
            best = {"confrontation": None, "compromise": None}
            for j in range(n):
                if x[i] == x[j]:
                    continue
                eu_ij = challenge(i, j, risk[i], risk, total)
                eu_ji = challenge(j, i, risk[i], risk, total)
                if eu_ji > eu_ij > 0:
                    key, offer = abs(x[i] - x[j]), x[j]
                    if best["confrontation"] is None or key < best["confrontation"][0]:
                        best["confrontation"] = (key, offer)
                elif eu_ji > 0 > eu_ij and eu_ji > abs(eu_ij):
                    offer = x[i] + (x[j] - x[i]) * abs(eu_ij / eu_ji)
                    key = (abs(eu_ij) * x[i] + abs(eu_ji) * x[j]) / (abs(eu_ij) + abs(eu_ji))
                    if best["compromise"] is None or key < best["compromise"][0]:
                        best["compromise"] = (key, offer)
            chosen = best["confrontation"] or best["compromise"]
            if chosen is not None:
                new_x[i] = chosen[1]
        x = new_x
        history.append(list(x))
    return np.array(history)


def tensor_win_probability(pairs, risk, variant):
    """The win probabilities as the model computed them before: the whole vote tensor, summed."""
    distance = pairs.gap if risk is None else pairs.gap ** risk[:, :, None]  # [row, k, a] = (|x_k - x_a| / scale) ** r_k
    vote = pairs.weight[:, :, None, None] * (distance[:, :, None, :] - distance[:, :, :, None])
    for_a = np.maximum(vote, 0.0).sum(axis=1)
    total = np.abs(vote).sum(axis=(1, 2, 3))[:, None, None] if variant == "all_pairs" else np.abs(vote).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        probability = np.where(total > 0, for_a / total, 0.0)
    return np.where(pairs.distinct, probability, 0.0)


def shipped_actors_per_issue() -> tuple[int, ...]:
    """Actors with a stance on each issue in the shipped data today: the shapes a report runs."""
    counts = latest_stances(load("stances")).groupby("issue_id")["actor_id"].nunique()
    return tuple(int(n) for n in counts)


def report_grade(rng) -> None:
    actors = shipped_actors_per_issue()
    issues = [(rng.uniform(0, 100, (REPORT_DRAWS, n)), rng.uniform(0.05, 1, (REPORT_DRAWS, n)),
               rng.uniform(0.05, 1, (REPORT_DRAWS, n))) for n in actors]

    def run():
        return [expected_utility(*inputs, rounds=ROUNDS).positions for inputs in issues]

    current = run()
    # The tensor baseline in the row groups the model used with it (96 KiB arrays): in today's
    # 1 MiB groups its (rows, n, n, n) votes outgrow the caches and it runs slower still.
    with mock.patch.object(bargaining, "_win_probability", tensor_win_probability), \
            mock.patch.object(bargaining, "_GROUP_BYTES", 96 * 1024):
        assert all(np.allclose(a, b, rtol=1e-12) for a, b in zip(run(), current, strict=True))
        tensor = median_time(run, 5)
    vectorised = median_time(run, 5)
    print(f"report-grade expected utility ({REPORT_DRAWS} draws, issues of {actors} actors, {ROUNDS} rounds):")
    print(f"  {vectorised * 1000:.0f} ms (target <= 200 ms: {'met' if vectorised <= 0.2 else 'MISSED'}); "
          f"with the vote tensor {tensor * 1000:.0f} ms -> {tensor / vectorised:.1f}x "
          f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


def main() -> None:
    rng = np.random.default_rng(0)
    position = rng.uniform(0, 100, (DRAWS, ISSUES, ACTORS))
    capability = rng.uniform(1, 100, (DRAWS, 1, ACTORS))
    salience = rng.uniform(1, 100, (DRAWS, ISSUES, ACTORS))

    vectorised = best_time(lambda: (weighted_median(position, capability, salience),
                                    compromise(position, capability, salience)))
    sliced = (position[:LOOP_SLICE], np.broadcast_to(capability, position.shape)[:LOOP_SLICE], salience[:LOOP_SLICE])
    loop_medians, loop_means = loop_static(*sliced)
    assert np.allclose(loop_medians, weighted_median(*sliced)) and np.allclose(loop_means, compromise(*sliced))
    loop_time = best_time(lambda: loop_static(*sliced), repeat=1) * DRAWS / LOOP_SLICE
    print(f"static models, {DRAWS} draws x {ISSUES} issues x {ACTORS} actors:")
    print(f"  vectorised weighted_median + compromise: {vectorised:.3f} s (target < 1 s: "
          f"{'met' if vectorised < 1 else 'MISSED'})")
    print(f"  Python loop baseline (scaled from {LOOP_SLICE} draws): {loop_time:.2f} s -> "
          f"{loop_time / vectorised:.0f}x faster")

    issue_position = rng.uniform(0, 100, (ISSUES, ACTORS))
    issue_capability = rng.uniform(0.05, 1, ACTORS)
    issue_salience = rng.uniform(0.05, 1, (ISSUES, ACTORS))
    vector_run = expected_utility(issue_position, issue_capability, issue_salience, rounds=ROUNDS).positions
    for k in range(ISSUES):
        looped = loop_expected_utility(issue_position[k], issue_capability, issue_salience[k], ROUNDS)
        assert np.allclose(looped, vector_run[k]), f"loop and vectorised runs differ on issue {k}"
    vector_eu = best_time(lambda: expected_utility(issue_position, issue_capability, issue_salience, rounds=ROUNDS))
    loop_eu = best_time(lambda: [loop_expected_utility(issue_position[k], issue_capability, issue_salience[k], ROUNDS)
                                 for k in range(ISSUES)], repeat=1)
    print(f"expected-utility model, {ISSUES} issues x {ACTORS} actors x {ROUNDS} rounds (same positions checked):")
    print(f"  vectorised: {vector_eu * 1000:.1f} ms; per-pair Python loop: {loop_eu:.2f} s -> "
          f"{loop_eu / vector_eu:.0f}x faster (target >= 20x: {'met' if loop_eu / vector_eu >= 20 else 'MISSED'})")
    report_grade(rng)


if __name__ == "__main__":
    main()
