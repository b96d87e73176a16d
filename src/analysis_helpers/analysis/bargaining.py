"""Spatial bargaining models on one-dimensional issues (analysis layer: pure NumPy).

Every model takes ``position``, ``capability`` and ``salience`` arrays whose last axis is
the actors; leading axes (Monte Carlo draws, issues...) broadcast and are kept. An actor's
weight is ``capability * salience``.

* :func:`weighted_median`: the median voter position, weighted by capability x salience
  (Black's median voter; the Condorcet winner on a single-peaked issue).
* :func:`compromise`: the weighted mean of positions with the same weights.
* :func:`expected_utility`: Bueno de Mesquita's expected-utility model of iterated
  challenges between actor pairs, as specified by Scholz, Calbert & Smith (2011,
  Journal of Theoretical Politics 23:510), with endogenous risk attitudes.
* :func:`bargaining_range`: the span of positions a deal must bridge.

Positions with NaN (an actor with no stance) get zero weight in the static models; the
expected-utility model needs complete rows (drop absent actors before calling it).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

OFFER_KINDS = ("none", "confrontation", "compromise", "capitulation")
_NONE, _CONFRONTATION, _COMPROMISE, _CAPITULATION = range(4)

WIN_PROBABILITY_VARIANTS = ("all_pairs", "pair")
OFFER_CHOICE_VARIANTS = ("scholz", "least_move")


def _as_weighted(position, capability, salience):
    """Broadcast inputs to one float shape; absent positions (NaN) weigh nothing."""
    position, capability, salience = np.broadcast_arrays(
        np.asarray(position, dtype=float),
        np.asarray(capability, dtype=float),
        np.asarray(salience, dtype=float),
    )
    weight = capability * salience
    absent = np.isnan(position) | np.isnan(weight)
    if np.any(absent):
        weight = np.where(absent, 0.0, weight)
    if np.any(weight < 0):
        raise ValueError("capability and salience must not be negative")
    return position, weight


def weighted_median(position, capability, salience):
    """Position of the median voter, actors weighted by capability x salience.

    The first position (in ascending order) at which the cumulative weight reaches half the
    total weight. Returns an array of the leading shape (a float for 1-D input).
    """
    position, weight = _as_weighted(position, capability, salience)
    order = np.argsort(position, axis=-1)  # NaN sorts last and weighs nothing
    sorted_position = np.take_along_axis(position, order, axis=-1)
    cumulative = np.cumsum(np.take_along_axis(weight, order, axis=-1), axis=-1)
    reaches_half = cumulative >= 0.5 * cumulative[..., -1:]
    median_index = np.argmax(reaches_half, axis=-1)[..., None]
    median = np.take_along_axis(sorted_position, median_index, axis=-1)[..., 0]
    return median.astype(float)[()]


def compromise(position, capability, salience):
    """Weighted mean of positions, actors weighted by capability x salience."""
    position, weight = _as_weighted(position, capability, salience)
    weighted_sum = np.sum(np.where(weight > 0, position, 0.0) * weight, axis=-1)
    with np.errstate(invalid="ignore"):  # no actor with weight on an issue (e.g. as of 2022): no outcome, NaN
        return (weighted_sum / np.sum(weight, axis=-1))[()]


def bargaining_range(position, capability=None, salience=None):
    """Lowest and highest position held by an actor with weight: what any deal must bridge.

    Returns ``(low, high)``, each of the leading shape.
    """
    position = np.asarray(position, dtype=float)
    if capability is not None and salience is not None:
        position, weight = _as_weighted(position, capability, salience)
        position = np.where(weight > 0, position, np.nan)
    return np.nanmin(position, axis=-1)[()], np.nanmax(position, axis=-1)[()]


@dataclass(frozen=True)
class Offer:
    """One accepted offer: in ``round_``, ``actor`` moved because of ``challenger``."""

    round_: int
    actor: str
    challenger: str
    kind: str
    actor_eu: float
    challenger_eu: float
    new_position: float

    def __str__(self) -> str:
        verb = {
            "confrontation": "loses confrontation to",
            "compromise": "compromises with",
            "capitulation": "capitulates to",
        }[self.kind]
        return (
            f"round {self.round_}: {self.actor} {verb} {self.challenger} "
            f"(EU {self.actor_eu:.3f} vs {self.challenger_eu:.3f}), "
            f"new position {self.new_position:.2f}"
        )


@dataclass(frozen=True)
class ExpectedUtilityRun:
    """Result of :func:`expected_utility`.

    positions: shape (..., rounds + 1, actors), row 0 the starting positions.
    offer_kind: shape (..., rounds, actors), index into ``OFFER_KINDS`` of the offer each
        actor accepted in each round (0 = none).
    offer_from: shape (..., rounds, actors), index of the challenging actor (-1 = none).
    actor_eu, challenger_eu: the two expected utilities behind the accepted offer.
    offers: the accepted offers as readable records (only for a single issue, no leading axes).
    """

    positions: np.ndarray
    offer_kind: np.ndarray
    offer_from: np.ndarray
    actor_eu: np.ndarray
    challenger_eu: np.ndarray
    offers: tuple[Offer, ...]

    @property
    def final_positions(self) -> np.ndarray:
        """Each actor's position after the last round (draws x actors)."""
        return self.positions[..., -1, :]


# Size of one (rows, n, n) float array in a call of _play_round: expected_utility plays the rows
# in groups of this size (why: there).
_GROUP_BYTES = 1024 * 1024
# Freed once per process (see _keep_temporaries_on_the_heap): larger than a group's temporaries
# (the largest, the midpoint comparisons of 21 actors, takes 1.3 MiB) and within the 32 MiB up to
# which glibc lets its thresholds rise.
_RELEASED_BLOCK_BYTES = 16 * 1024 * 1024


@cache
def _keep_temporaries_on_the_heap() -> None:
    """Allocate and free one 16 MiB block, once per process, so that malloc keeps a round's
    temporaries on its heap.

    glibc's malloc maps any block above its mmap threshold (128 KiB at start) afresh, and hands
    memory freed at the top of its heap back to the system above its trim threshold; both
    thresholds rise to the largest mapped block freed so far (mallopt(3), "dynamic threshold").
    In a process that has not yet freed a large array, a round's (rows, n, n) temporaries of up
    to _GROUP_BYTES were otherwise paged in anew at almost every allocation (the report-grade
    benchmark run in a process that had only loaded the kit: 75,000 page faults, 340 ms against
    170 ms). With another allocator this only costs one allocation.
    """
    np.empty(_RELEASED_BLOCK_BYTES, dtype=np.uint8)  # never touched: mapped and unmapped, no page faults


@dataclass(frozen=True)
class _Pairs:
    """One round's actors pair by pair ([row, a, b]) and as voters sorted by position ([row, k]),
    shared by the round's two win-probability steps and its expected utilities. (``gap`` and
    ``weight`` in actor order are also what the benchmark's vote-tensor baseline reads.)"""

    difference: np.ndarray  # [row, a, b]: x_a - x_b
    distance: np.ndarray  # [row, a, b]: |x_a - x_b|
    gap: np.ndarray  # [row, a, b]: |x_a - x_b| / scale
    # [row, a, b]: 0.5 - 0.5 * gap and 0.5 + 0.5 * gap, what the utilities of winning and losing
    # raise to the risk exponent (computed once for the round's two utility steps)
    success_base: np.ndarray
    failure_base: np.ndarray
    distinct: np.ndarray  # [row, a, b]: x_a != x_b
    right_of: np.ndarray  # [row, a, b]: x_a > x_b
    weight: np.ndarray  # [row, a]: capability x salience
    voter_order: np.ndarray  # [row, k]: the actors from the leftmost position to the rightmost
    voter_gap: np.ndarray  # [row, k, a]: gap of the k-th voter from the left to actor a
    # [row, k, 1]: the voters' weights (>= 0) voting for the position they prefer, and (None when
    # no weight is negative) those voting for the one they like less
    voter_weight: np.ndarray
    contrary_voter_weight: np.ndarray | None
    left_voters: np.ndarray  # [t, k]: 1 for k < t, so left_voters @ v sums v over the t leftmost voters
    midpoint_index: np.ndarray  # [row, a, b]: flat index of [row, voters left of (x_a + x_b) / 2, b]


@dataclass(frozen=True)
class _Layout:
    """Index arrays that depend only on the number of actors: built once per n, read-only."""

    pair_a: np.ndarray  # [pair]: a of each unordered pair of two actors a < b, in np.triu_indices order
    pair_b: np.ndarray  # [pair]: b of each pair
    pair_of: np.ndarray  # [a, b]: the index of the pair {a, b}; for a == b, one past the last pair
    left_voters: np.ndarray  # see _Pairs.left_voters


@cache
def _layout(n: int) -> _Layout:
    """The index arrays for n actors (cached: every round of every call with n actors reads them)."""
    pair_a, pair_b = np.triu_indices(n, 1)
    pair_of = np.empty((n, n), dtype=np.intp)
    pair_of[pair_a, pair_b] = pair_of[pair_b, pair_a] = np.arange(len(pair_a))
    np.fill_diagonal(pair_of, len(pair_a))
    # running sums along a middle axis as a matrix product: numpy's cumsum there is several times slower
    layout = _Layout(pair_a=pair_a, pair_b=pair_b, pair_of=pair_of, left_voters=np.tri(n + 1, n, -1))
    for array in vars(layout).values():
        array.flags.writeable = False
    return layout


def _pairs(position, weight, scale) -> _Pairs:
    """The pairwise arrays of one round's positions (rows x actors) and weights."""
    batch, n = position.shape
    layout = _layout(n)
    row = np.arange(batch)[:, None]
    order = np.argsort(position, axis=-1)
    voter_position, voter_weight = position[row, order], weight[row, order, None]
    difference = position[:, :, None] - position[:, None, :]  # x_a - x_b: 0 exactly when x_a == x_b
    distance = np.abs(difference)
    gap = distance / scale
    half_gap = 0.5 * gap
    # The voters left of each midpoint, counted once per unordered pair of two actors: x_a + x_b
    # and x_b + x_a are the same float, so (a, b) and (b, a) have one count, and this halves the
    # n^3 comparisons. Voters on the middle axis so each comparison runs over all pairs at once,
    # summed in the smallest integer type that holds n (half again as fast as in intp). An actor
    # facing itself casts votes equal to a running sum minus itself, 0 whichever sum it reads:
    # it is given none (the column after the pairs, 0 voters).
    midpoint = (position[:, layout.pair_a] + position[:, layout.pair_b]) / 2
    voters_left = np.sum(voter_position[:, :, None] < midpoint[:, None, :], axis=1, dtype=np.min_scalar_type(n))
    # [row, pair]: flat index of the first running sum that pair reads, [row, voters left, 0]
    first_read = np.zeros((batch, len(layout.pair_a) + 1), dtype=np.intp)
    np.multiply(voters_left, n, out=first_read[:, :-1], dtype=np.intp)  # intp: uint8 * n overflows
    first_read += row * ((n + 1) * n)
    midpoint_index = first_read[:, layout.pair_of]
    midpoint_index += np.arange(n)
    return _Pairs(
        difference=difference,
        distance=distance,
        gap=gap,
        success_base=0.5 - half_gap,
        failure_base=0.5 + half_gap,
        distinct=difference != 0,
        right_of=difference > 0,
        weight=weight,
        voter_order=order,
        voter_gap=gap[row, order],  # rows of gap in voter order
        voter_weight=np.maximum(voter_weight, 0.0),
        contrary_voter_weight=np.maximum(-voter_weight, 0.0) if np.any(weight < 0) else None,
        left_voters=layout.left_voters,
        midpoint_index=midpoint_index,
    )


def _win_probability(pairs, risk, variant):
    """P[a, b]: probability that position a prevails against position b, per batch row.

    Each actor k votes ``weight_k * (u_k(a) - u_k(b))`` with its own risk exponent (``risk``
    None: risk-neutral, all exponents 1). The textbook ("pair") normalises by the votes cast on
    this pair, so P[a,b] + P[b,a] = 1; the Scholz et al. replication ("all_pairs") normalises by
    the votes cast on all pairs.

    Computed in n^2 steps per row instead of summing n^3 votes: utility falls with distance
    whatever the risk exponent, so k prefers the nearer of a and b, and the voters preferring
    the left one of a pair are those left of its midpoint. With the voters sorted by position,
    the votes for a are differences of running sums of ``weight_k * distance_k`` read at the
    midpoint (a voter exactly at a midpoint counts on either side: its vote is zero). Same
    numbers as summing the votes, up to the rounding of the running sums: ~1e-16 with
    "all_pairs"; with "pair", whose shares divide two small vote counts when a and b are close,
    up to ~1e-12.
    """
    # distance[row, k, a] = gap ** r_k, voters k from the left
    if risk is None:
        distance = pairs.voter_gap
    else:
        voter_risk = risk[np.arange(len(risk))[:, None], pairs.voter_order, None]
        # numpy's power is several times slower on vectors holding a zero base, and every voter
        # is at gap 0 from its own position (and from those who share it): the zeros are raised
        # from 1 instead and set back (1 ** r - 1 = 0 = 0 ** r, and gap ** r - 0 is gap ** r).
        on_position = (pairs.voter_gap == 0).astype(float)
        distance = (pairs.voter_gap + on_position) ** voter_risk
        distance -= on_position

    def votes_for(voter_weight):
        """[row, a, b]: the votes for a against b of voters with these weights."""
        running = pairs.left_voters @ (voter_weight * distance)  # [row, t, a]: sum of w_k d_k(a), k < t
        left_of_midpoint = running.take(pairs.midpoint_index)  # [row, a, b]: those voters' sum for b
        left_prefer_a = left_of_midpoint - np.swapaxes(left_of_midpoint, 1, 2)
        everyone_prefers_a = running[:, -1, None, :] - running[:, -1, :, None]
        # a left of b: the voters left of the midpoint vote for a; a right of b: those right of it.
        return np.where(pairs.right_of, everyone_prefers_a - left_prefer_a, left_prefer_a)

    for_a = votes_for(pairs.voter_weight)
    if pairs.contrary_voter_weight is not None:  # a negative weight votes for the position it likes less
        for_a += np.swapaxes(votes_for(pairs.contrary_voter_weight), 1, 2)
    # A difference of running sums can fall a rounding error below zero where the votes are nil,
    # or off zero for actors on one position, who cast no votes on each other.
    np.maximum(for_a, 0.0, out=for_a)
    for_a *= pairs.distinct
    if variant == "all_pairs":
        total = 2.0 * for_a.sum(axis=(1, 2))[:, None, None]
    else:
        total = for_a + np.swapaxes(for_a, 1, 2)
    # Where no vote is cast (total 0), for_a is 0 too and stays the probability: divided by 1
    # (a plain division: with where= numpy's divide is several times slower).
    for_a /= np.where(total > 0, total, 1.0)
    return for_a


def _challenge_utilities(pairs, salience, risk, probability, q, *, challenged_only=False):
    """Expected utilities of challenges between every pair, as actor i perceives them.

    Returns (eu_ij, eu_ji): eu_ij[i, j] is i's expected utility of challenging j, eu_ji[i, j]
    is j's expected utility of challenging i, both computed with i's risk exponent (``risk``
    None: risk-neutral). ``challenged_only``: eu_ij is not computed (None), for the danger
    step, which needs only eu_ji.
    """
    if risk is None:  # risk-neutral (the danger step): x ** 1.0 is x exactly, so no powers
        u_success = 2.0 - 4.0 * pairs.success_base
        u_failure = 2.0 - 4.0 * pairs.failure_base
        u_status_quo = q * (2.0 - 4.0 * 0.5)
    else:
        r = risk[:, :, None]
        u_success = 2.0 - 4.0 * pairs.success_base**r
        u_failure = 2.0 - 4.0 * pairs.failure_base**r
        u_status_quo = q * (2.0 - 4.0 * 0.5**r)
    # Scholz's expression, term for term: an algebraically equal form with fewer passes rounds
    # differently, and in near-ties (actors 1e-12 apart, EUs of 1e-15) that picks another
    # challenger, whose move can carry a draw's later rounds tens of points elsewhere.
    s_j = salience[:, None, :]
    s_i = salience[:, :, None]
    p_ij = probability
    p_ji = np.swapaxes(probability, 1, 2).copy()  # one strided pass instead of two
    eu_ij = None if challenged_only else (
        s_j * (p_ij * u_success + (1 - p_ij) * u_failure) + (1 - s_j) * u_success - u_status_quo
    )
    eu_ji = s_i * (p_ji * u_success + (1 - p_ji) * u_failure) + (1 - s_i) * u_success
    if risk is not None or u_status_quo != 0:  # risk-neutral, it is q * 0.0, and x - 0.0 is x
        eu_ji -= u_status_quo
    return eu_ij, eu_ji


def _risk_exponents(pairs, salience, q, variant):
    """Each actor's risk exponent r in [0.5, 2] from its danger level (Scholz et al. eq. 6-7).

    Danger: the sum of the expected utilities of the others challenging the actor, computed
    with risk-neutral actors. Risk acceptance R compares it with the least and most
    endangered actors; r = (1 - R/3) / (1 + R/3).
    """
    probability = _win_probability(pairs, None, variant)
    _, eu_ji = _challenge_utilities(pairs, salience, None, probability, q, challenged_only=True)
    # eu_ji[i, i] is exactly 0 here (no gap: the utilities of winning, losing and the status quo
    # are all 2 - 4 * 0.5 = 0), so the row sum is the danger from the others.
    danger = eu_ji.sum(axis=-1)
    low = danger.min(axis=-1, keepdims=True)
    high = danger.max(axis=-1, keepdims=True)
    spread = high - low
    with np.errstate(invalid="ignore", divide="ignore"):
        acceptance_third = np.where(spread > 0, (2 * danger - high - low) / spread, 0.0) / 3
    return (1 - acceptance_third) / (1 + acceptance_third)


def _pick(eligible, key):
    """Index of the smallest key among eligible challengers (first on ties), and whether any."""
    masked = np.where(eligible, key, np.inf)
    # Whether any: the first eligible one (argmax of the flags, 0 when none) is eligible. (numpy's
    # any() along a short last axis takes several times as long as this argmax.)
    first = np.argmax(eligible, axis=-1)
    return np.argmin(masked, axis=-1), (first > 0) | eligible[..., 0]


def _compromise_position(x_i, difference, eu_ij, eu_ji):
    """Where i moves to compromise with j: x_i + (x_j - x_i) * |eu_ij / eu_ji|, computed as
    x_i - (x_i - x_j) * |eu_ij / eu_ji|, the same number (x_j - x_i is -(x_i - x_j) exactly)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return x_i - difference * np.abs(eu_ij / eu_ji)


def _play_round(position, weight, salience, scale, q, variant, offer_choice, capitulation):
    """One round: every actor accepts its best offer; all moves happen at once."""
    pairs = _pairs(position, weight, scale)
    risk = _risk_exponents(pairs, salience, q, variant)
    probability = _win_probability(pairs, risk, variant)
    eu_ij, eu_ji = _challenge_utilities(pairs, salience, risk, probability, q)

    x_i = position[:, :, None]
    x_j = position[:, None, :]
    distinct = pairs.distinct
    size_ij = np.abs(eu_ij)
    confrontation = distinct & (eu_ji > eu_ij) & (eu_ij > 0)
    # i may yield to j when eu_ji > 0 > eu_ij; it concedes when eu_ji > |eu_ij|, which implies eu_ji > 0
    concession = distinct & (eu_ij < 0) & (eu_ji > size_ij)
    # A confrontation or a capitulation moves i to x_j, a compromise to _compromise_position.
    if offer_choice == "scholz":
        # Scholz's code ranks compromises by the EU-weighted midpoint of the two positions
        # (lowest first), not by the size of the move; kept to reproduce the published run.
        strength_j = np.abs(eu_ji)
        with np.errstate(invalid="ignore", divide="ignore"):
            compromise_key = (size_ij * x_i + strength_j * x_j) / (size_ij + strength_j)
    else:
        compromise_key = np.abs(x_i - _compromise_position(x_i, pairs.difference, eu_ij, eu_ji))

    kind = np.full(position.shape, _NONE)
    chosen = np.full(position.shape, -1)
    # Precedence: a lost confrontation, else a compromise, else a capitulation (later picks win).
    candidates = [(_COMPROMISE, concession, compromise_key), (_CONFRONTATION, confrontation, pairs.distance)]
    if capitulation:  # off in the replication, whose capitulation test is never true: not computed
        may_yield = distinct & (eu_ji > 0) & (eu_ij < 0)
        candidates.insert(0, (_CAPITULATION, may_yield & (size_ij > eu_ji), pairs.distance))
    for code, eligible, key in candidates:
        index, available = _pick(eligible, key)
        kind = np.where(available, code, kind)
        chosen = np.where(available, index, chosen)

    has_offer = chosen >= 0
    row, actor, challenger = np.arange(len(position))[:, None], np.arange(position.shape[1]), np.maximum(chosen, 0)
    taken = row, actor, challenger
    taken_eu_ij, taken_eu_ji = eu_ij[taken], eu_ji[taken]
    # (computed for the taken offers only: elementwise, the same numbers as over all pairs)
    compromise_position = _compromise_position(position, pairs.difference[taken], taken_eu_ij, taken_eu_ji)
    offered = np.where(kind == _COMPROMISE, compromise_position, position[row, challenger])
    new_position = np.where(has_offer, offered, position)
    actor_eu = np.where(has_offer, taken_eu_ij, np.nan)
    challenger_eu = np.where(has_offer, taken_eu_ji, np.nan)
    return new_position, kind, chosen, actor_eu, challenger_eu


def expected_utility(
    position,
    capability,
    salience,
    rounds: int = 10,
    *,
    q: float = 1.0,
    win_probability: str = "all_pairs",
    offer_choice: str = "scholz",
    capitulation: bool = False,
    names=None,
) -> ExpectedUtilityRun:
    """Bueno de Mesquita's expected-utility model, iterated for ``rounds`` rounds.

    ``salience`` is read as a share (0-1): it is also the probability that a challenged
    actor resists. In each round every actor's risk exponent is re-derived from its danger
    level, every actor weighs the challenges it could face, accepts the best offer
    (a lost confrontation, else a compromise, else a capitulation) and all actors move at
    once. The position range used to scale distances is that of the starting positions.

    The defaults reproduce the Scholz, Calbert & Smith (2011) replication code round by
    round: win probabilities normalised by the votes on all pairs (``"all_pairs"``),
    compromises ranked by their EU-weighted midpoint (``"scholz"``) and no capitulations
    (the replication's capitulation test can never be true). The textbook variant is
    ``win_probability="pair", offer_choice="least_move", capitulation=True``.
    ``q`` is the probability the status quo holds absent a challenge.
    """
    if win_probability not in WIN_PROBABILITY_VARIANTS:
        raise ValueError(f"win_probability must be one of {WIN_PROBABILITY_VARIANTS}")
    if offer_choice not in OFFER_CHOICE_VARIANTS:
        raise ValueError(f"offer_choice must be one of {OFFER_CHOICE_VARIANTS}")
    position, capability, salience = np.broadcast_arrays(
        np.asarray(position, dtype=float),
        np.asarray(capability, dtype=float),
        np.asarray(salience, dtype=float),
    )
    if np.isnan(position).any() or np.isnan(capability).any() or np.isnan(salience).any():
        raise ValueError("expected_utility needs a position, capability and salience for every actor")
    leading, n_actors = position.shape[:-1], position.shape[-1]
    x = position.reshape(-1, n_actors).copy()
    weight = (capability * salience).reshape(-1, n_actors)
    s = salience.reshape(-1, n_actors)
    spread = x.max(axis=-1) - x.min(axis=-1)
    scale = np.where(spread > 0, spread, 1.0)[:, None, None]

    history = [x]
    kinds, partners, own_eus, other_eus = [], [], [], []
    # A row where no actor accepted an offer keeps its positions, so every later round would
    # replay the same state: such rows are settled and only the others are played (same result).
    moving = np.arange(len(x))
    # Rows are played in groups whose (rows, n, n) arrays take about _GROUP_BYTES: a round costs
    # some 160 numpy calls per group whatever its size, and larger groups outgrow the caches.
    # (In the report-grade benchmark on 2 cores, 96 KiB groups, under malloc's initial mmap
    # threshold, took about 195 ms; 1 MiB ones, with the thresholds raised, about 170 ms.)
    _keep_temporaries_on_the_heap()
    rows_per_group = max(1, _GROUP_BYTES // (8 * n_actors * n_actors))
    for _ in range(rounds):
        kind = np.full(x.shape, _NONE)
        chosen = np.full(x.shape, -1)
        own_eu = np.full(x.shape, np.nan)
        other_eu = np.full(x.shape, np.nan)
        x = x.copy()
        every_row_moves = len(moving) == len(x)  # then a group is a slice: views in, no index arrays
        for start in range(0, len(moving), rows_per_group):
            rows = slice(start, start + rows_per_group) if every_row_moves else moving[start : start + rows_per_group]
            (x[rows], kind[rows], chosen[rows], own_eu[rows], other_eu[rows]) = _play_round(
                x[rows], weight[rows], s[rows], scale[rows], q, win_probability, offer_choice, capitulation
            )
        moving = moving[(kind[moving] != _NONE).any(axis=-1)]
        history.append(x)
        kinds.append(kind)
        partners.append(chosen)
        own_eus.append(own_eu)
        other_eus.append(other_eu)

    def stack(arrays, width):
        if not arrays:
            return np.empty((*leading, 0, n_actors))
        return np.stack(arrays, axis=1).reshape(*leading, width, n_actors)

    run = ExpectedUtilityRun(
        positions=stack(history, rounds + 1),
        offer_kind=stack(kinds, rounds).astype(int),
        offer_from=stack(partners, rounds).astype(int),
        actor_eu=stack(own_eus, rounds),
        challenger_eu=stack(other_eus, rounds),
        offers=(),
    )
    if leading:
        return run
    labels = list(names) if names is not None else [str(i) for i in range(n_actors)]
    offers = tuple(
        Offer(
            round_=r + 1,
            actor=labels[i],
            challenger=labels[run.offer_from[r, i]],
            kind=OFFER_KINDS[run.offer_kind[r, i]],
            actor_eu=float(run.actor_eu[r, i]),
            challenger_eu=float(run.challenger_eu[r, i]),
            new_position=float(run.positions[r + 1, i]),
        )
        for r in range(rounds)
        for i in range(n_actors)
        if run.offer_kind[r, i] != _NONE
    )
    return ExpectedUtilityRun(
        run.positions, run.offer_kind, run.offer_from, run.actor_eu, run.challenger_eu, offers
    )
