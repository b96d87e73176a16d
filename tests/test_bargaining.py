"""Bargaining models: published reference runs, properties, broadcasting."""

import csv
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis_helpers.analysis import bargaining
from analysis_helpers.analysis.bargaining import (
    bargaining_range,
    compromise,
    expected_utility,
    weighted_median,
)

REFERENCE = Path(__file__).resolve().parents[1].parent / "shared" / "reference" / "bargaining"
needs_reference = pytest.mark.skipif(
    not REFERENCE.is_dir(), reason="../shared/reference/bargaining is absent"
)


def read_example_actors():
    with open(REFERENCE / "ExampleActors.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    names = [row["Actor"] for row in rows]
    columns = {key: np.array([float(row[key]) for row in rows]) for key in ("Position", "Capability", "Salience")}
    return names, columns["Position"], columns["Capability"], columns["Salience"]


OFFER_LINE = re.compile(r"^(\w+) (loses confrontation to|compromises with|capitulates to) (\w+)$")
KIND_OF_VERB = {
    "loses confrontation to": "confrontation",
    "compromises with": "compromise",
    "capitulates to": "capitulation",
}


def parse_log(path):
    """Rounds of a replication log: offers, and the statistics printed after each round."""
    rounds = [{"offers": [], "stats": {}}]
    lines = path.read_text().splitlines()
    index = 0
    while index < len(lines):
        line = lines[index].strip()
        if line.startswith("ROUND"):
            rounds.append({"offers": [], "stats": {}})
        elif match := OFFER_LINE.match(line):
            own_eu, other_eu = (float(v) for v in lines[index + 1].split(" vs "))
            new_position = float(lines[index + 2].split("=")[1])
            actor, verb, challenger = match.groups()
            rounds[-1]["offers"].append(
                (actor, KIND_OF_VERB[verb], challenger, own_eu, other_eu, new_position)
            )
            index += 2
        elif line.endswith(tuple("0123456789")) and "position:" in line:
            label, value = line.split(" position: ")
            rounds[-1]["stats"][label] = float(value)
        index += 1
    return rounds


@needs_reference
def test_expected_utility_reproduces_scholz_replication_round_by_round():
    names, position, capability, salience = read_example_actors()
    published = parse_log(REFERENCE / "Example.log")
    run = expected_utility(position, capability, salience, rounds=10, names=names)

    assert run.positions.shape == (11, len(names))
    for round_number in range(1, 11):
        ours = [
            (o.actor, o.kind, o.challenger, o.actor_eu, o.challenger_eu, o.new_position)
            for o in run.offers
            if o.round_ == round_number
        ]
        theirs = published[round_number]["offers"]
        assert [o[:3] for o in ours] == [t[:3] for t in theirs], f"round {round_number}"
        np.testing.assert_allclose([o[3:] for o in ours], [t[3:] for t in theirs], rtol=1e-9)


@needs_reference
def test_round_statistics_match_published_mean_and_true_median():
    _names, position, capability, salience = read_example_actors()
    mean_log = parse_log(REFERENCE / "Example.log")
    median_log = parse_log(REFERENCE / "Example_rerun_true_median.log")
    run = expected_utility(position, capability, salience, rounds=10)

    # Example.log prints the mean under both labels after round 0; the rerun has the true median.
    np.testing.assert_allclose(
        compromise(run.positions, capability, salience),
        [r["stats"]["Mean"] for r in mean_log],
        rtol=1e-12,
    )
    np.testing.assert_allclose(
        weighted_median(run.positions, capability, salience),
        [r["stats"]["Median"] for r in median_log],
        rtol=1e-12,
    )
    assert weighted_median(position, capability, salience) == 7.0


@needs_reference
def test_textbook_variant_runs_and_differs_from_replication():
    _, position, capability, salience = read_example_actors()
    textbook = expected_utility(
        position, capability, salience, rounds=10,
        win_probability="pair", offer_choice="least_move", capitulation=True,
    )
    replication = expected_utility(position, capability, salience, rounds=10)
    assert not np.allclose(textbook.positions, replication.positions)
    assert np.all((textbook.positions >= position.min()) & (textbook.positions <= position.max()))


def read_decide(path):
    """Positions, saliences and capabilities (issues x actors) of a decide input file."""
    records = []
    for line in path.read_text().splitlines():
        parts = [part.strip("'") for part in line.split("\t")]
        if parts[0] == "#D":
            records.append((parts[1], parts[2], float(parts[3]), float(parts[4]), float(parts[5])))
    actors = sorted({r[0] for r in records})
    issues = sorted({r[1] for r in records})
    shape = (len(issues), len(actors))
    position, salience, capability = (np.full(shape, np.nan) for _ in range(3))
    for actor, issue, x, s, c in records:
        at = issues.index(issue), actors.index(actor)
        position[at], salience[at], capability[at] = x, s, c
    return issues, actors, position, capability, salience


@needs_reference
def test_static_models_on_cop21_match_per_issue_definition():
    issues, _actors, position, capability, salience = read_decide(REFERENCE / "decide_cop21.csv")
    assert position.shape == (13, 15)
    medians = weighted_median(position, capability, salience)
    means = compromise(position, capability, salience)
    for k in range(len(issues)):
        present = ~np.isnan(position[k])
        x, w = position[k, present], (capability * salience)[k, present]
        assert means[k] == pytest.approx(np.average(x, weights=w))
        # The median voter: no held position beats it in a weighted pairwise vote.
        for rival in x:
            prefer_rival = w[np.abs(x - rival) < np.abs(x - medians[k])].sum()
            prefer_median = w[np.abs(x - medians[k]) < np.abs(x - rival)].sum()
            assert prefer_rival <= prefer_median
    low, high = bargaining_range(position, capability, salience)
    assert np.all((low <= medians) & (medians <= high) & (low <= means) & (means <= high))


def test_weighted_median_small_cases():
    assert weighted_median([0, 50, 100], [1, 1, 1], [1, 1, 1]) == 50
    assert weighted_median([0, 50, 100], [5, 1, 1], [1, 1, 1]) == 0
    assert weighted_median([10, np.nan, 90], [1, 9, 2], [1, 1, 1]) == 90
    assert compromise([0, 100], [1, 3], [1, 1]) == 75


def test_leading_axes_broadcast_and_match_row_by_row():
    rng = np.random.default_rng(1)
    position = rng.uniform(0, 100, size=(50, 4, 9))
    capability = rng.uniform(0.1, 1, size=9)
    salience = rng.uniform(0.1, 1, size=(4, 9))
    medians = weighted_median(position, capability, salience)
    assert medians.shape == (50, 4)
    assert medians[7, 2] == weighted_median(position[7, 2], capability, salience[2])
    assert compromise(position, capability, salience)[3, 1] == pytest.approx(
        compromise(position[3, 1], capability, salience[1])
    )


def test_expected_utility_batches_match_single_runs():
    rng = np.random.default_rng(2)
    position = rng.uniform(0, 100, size=(3, 6))
    capability = rng.uniform(0.1, 1, size=6)
    salience = rng.uniform(0.1, 1, size=(3, 6))
    batched = expected_utility(position, capability, salience, rounds=4)
    assert batched.positions.shape == (3, 5, 6)
    for row in range(3):
        single = expected_utility(position[row], capability, salience[row], rounds=4)
        np.testing.assert_allclose(batched.positions[row], single.positions)
        np.testing.assert_array_equal(batched.offer_kind[row], single.offer_kind)


def vote_sum_win_probability(position, weight, risk, variant):
    """The win probabilities by their definition: every voter's vote on every pair, summed."""
    spread = position.max(axis=-1) - position.min(axis=-1)
    scale = np.where(spread > 0, spread, 1.0)[:, None, None]
    distance = (np.abs(position[:, :, None] - position[:, None, :]) / scale) ** risk[:, :, None]  # [row, k, a]
    vote = weight[:, :, None, None] * (distance[:, :, None, :] - distance[:, :, :, None])  # [row, k, a, b]
    for_a = np.maximum(vote, 0.0).sum(axis=1)
    cast = np.abs(vote).sum(axis=(1, 2, 3))[:, None, None] if variant == "all_pairs" else np.abs(vote).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        probability = np.where(cast > 0, for_a / cast, 0.0)
    return np.where(position[:, :, None] == position[:, None, :], 0.0, probability)


@pytest.mark.parametrize("variant", bargaining.WIN_PROBABILITY_VARIANTS)
def test_win_probabilities_equal_the_sum_of_every_voters_votes(variant):
    rng = np.random.default_rng(3)
    rows, n = 40, 9
    spread_out = rng.uniform(0, 100, (rows, n))
    on_few_positions = rng.integers(0, 4, (rows, n)).astype(float)  # ties, voters on midpoints
    for position in (spread_out, on_few_positions):
        for weight in (rng.uniform(0.05, 1, (rows, n)), rng.uniform(-0.5, 1, (rows, n))):
            for risk in (None, rng.uniform(0.5, 2, (rows, n))):  # None: risk-neutral
                spread = position.max(axis=-1) - position.min(axis=-1)
                scale = np.where(spread > 0, spread, 1.0)[:, None, None]
                ours = bargaining._win_probability(bargaining._pairs(position, weight, scale), risk, variant)
                # "pair" divides two small vote counts when a and b are close: rounding shows more.
                exponent = np.ones((rows, n)) if risk is None else risk
                np.testing.assert_allclose(ours, vote_sum_win_probability(position, weight, exponent, variant),
                                           rtol=0, atol=1e-15 if variant == "all_pairs" else 1e-11)


def test_expected_utility_played_in_row_groups_matches_single_runs():
    rng = np.random.default_rng(4)
    n = 19
    group = bargaining._GROUP_BYTES // (8 * n * n)
    rows = 2 * group + 3  # three groups of 19 actors, the last one short
    position, capability, salience = rng.uniform(0, 100, (rows, n)), rng.uniform(0.1, 1, n), rng.uniform(0.1, 1, (rows, n))
    batched = expected_utility(position, capability, salience, rounds=3)
    for row in (0, group + 1, rows - 1):
        single = expected_utility(position[row], capability, salience[row], rounds=3)
        np.testing.assert_allclose(batched.positions[row], single.positions, rtol=1e-12)
        np.testing.assert_array_equal(batched.offer_from[row], single.offer_from)


def test_expected_utility_rejects_missing_actor_and_unknown_variant():
    with pytest.raises(ValueError, match="every actor"):
        expected_utility([1.0, np.nan], [1, 1], [1, 1])
    with pytest.raises(ValueError, match="win_probability"):
        expected_utility([1.0, 2.0], [1, 1], [1, 1], win_probability="other")


actor_rows = st.integers(min_value=2, max_value=12).flatmap(
    lambda n: st.tuples(
        st.lists(st.floats(0, 100), min_size=n, max_size=n),
        st.lists(st.floats(0.01, 1), min_size=n, max_size=n),
        st.lists(st.floats(0.01, 1), min_size=n, max_size=n),
    )
)


@given(actor_rows)
def test_outcomes_lie_within_the_bargaining_range_and_ignore_actor_order(rows):
    position, capability, salience = (np.array(v) for v in rows)
    low, high = bargaining_range(position)
    order = np.random.default_rng(0).permutation(len(position))
    for model in (weighted_median, compromise):
        outcome = model(position, capability, salience)
        assert low - 1e-9 <= outcome <= high + 1e-9
        assert model(position[order], capability[order], salience[order]) == pytest.approx(outcome)
    final = expected_utility(position, capability, salience, rounds=3).final_positions
    assert np.all((final >= low - 1e-9) & (final <= high + 1e-9))
