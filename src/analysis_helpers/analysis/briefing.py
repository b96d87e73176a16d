"""The briefing: the talks timeline, the claims check and a state-of-play summary.

Pure functions: DataFrames in, DataFrames (or small values) out. Datasets other than `events`
and `claims` are passed in a mapping `data` (name -> DataFrame) and may be missing: a check
whose data is absent returns None and the claim keeps its recorded verdict, so the briefing
works while other topics' datasets are still being built.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd

from ..conventions import AsOf, as_timestamp
from ..data.briefing import parse_references
from . import reconstruction, territory

# Codebook thresholds (see data/schemas/claims.json for the verdict definitions).
# "Gains measured in metres": a net change below 100 km² a month (a 10 km x 10 km square) counts
# as a front that barely moves.
STATIC_FRONT_KM2_PER_MONTH = 100.0
FRONT_WINDOW_DAYS = 365
# A claimed figure "matches" an estimate within publishers' rounding and restatement.
FIGURE_TOLERANCE = 0.10
# A region counts as wholly held from this occupied share (mapping sources differ by tenths of a %).
WHOLE_REGION_SHARE = 0.999
# "Late 2022": the annexation was proclaimed in the last four months of the year.
LATE_IN_YEAR_FROM_MONTH = 9


@dataclass(frozen=True)
class Finding:
    """A recomputed verdict and the figures behind it, in words."""

    verdict: str
    evidence: str


Check = Callable[[pd.Series, Mapping[str, pd.DataFrame]], Finding | None]


def referenced(claim: pd.Series, dataset: str) -> list[str]:
    """The row keys of `dataset` named in the claim's `decided_by`."""
    return [key for name, key in parse_references(claim["decided_by"]) if name == dataset]


def _usable(data: Mapping[str, pd.DataFrame], *names: str) -> bool:
    return all(name in data and data[name] is not None and not data[name].empty for name in names)


def _day(value) -> str:
    return pd.Timestamp(value).strftime("%-d %B %Y")


def ordinal(n: int) -> str:
    """1 -> '1st', 2 -> '2nd', 11 -> '11th'."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# -- war length ------------------------------------------------------------------------------
def war_year(start: AsOf, as_of: AsOf) -> int:
    """Which year of the war `as_of` falls in (1 = the first twelve months after `start`)."""
    first, on = as_timestamp(start), as_timestamp(as_of)
    years = on.year - first.year - ((on.month, on.day) < (first.month, first.day))
    return years + 1


def check_war_year(claim: pd.Series, data: Mapping[str, pd.DataFrame]) -> Finding | None:
    """Is the claimed year of the war the year it was in on the claim's date?"""
    events = data.get("events")
    keys = referenced(claim, "events")
    if events is None or not keys or pd.isna(claim["claimed_value"]):
        return None
    start = events.loc[events["event_id"] == keys[0], "date"]
    if start.empty:
        return None
    start, on, claimed = start.iloc[0], claim["claim_date"], int(claim["claimed_value"])
    actual = war_year(start, on)
    entered = start + pd.DateOffset(years=claimed - 1)
    text = (f"The full-scale war began on {_day(start)}; on {_day(on)} it was in its {ordinal(actual)} year "
            f"(its {ordinal(claimed)} year began on {_day(entered)}).")
    verdict = "supported" if actual == claimed else "outdated" if actual > claimed else "wrong"
    return Finding(verdict, text)


# -- the front ---------------------------------------------------------------------------------
def check_front_places_fallen(claim: pd.Series, data: Mapping[str, pd.DataFrame]) -> Finding | None:
    """Outdated when every battlefield event the claim relies on happened before the claim."""
    events = data.get("events")
    keys = referenced(claim, "events")
    if events is None or not keys:
        return None
    rows = events.loc[events["event_id"].isin(keys), ["event", "date"]].sort_values("date")
    if rows.empty:
        return None
    before = rows["date"] <= claim["claim_date"]
    text = "; ".join(f"{row.event} ({_day(row.date)})" for row in rows.itertuples())
    if before.all():
        return Finding("outdated", f"Already settled before {_day(claim['claim_date'])}: {text}.")
    return Finding("supported", f"Still open on {_day(claim['claim_date'])}: {text}.")


def check_front_movement(claim: pd.Series, data: Mapping[str, pd.DataFrame]) -> Finding | None:
    """Did the front barely move in the year before the claim (national net change per month)?"""
    if not _usable(data, "territory_control"):
        return None
    move = territory.front_movement(data["territory_control"], claim["claim_date"], FRONT_WINDOW_DAYS)
    if move is None:
        return None
    mapped = f" ({move['basis']} maps)" if move["basis"] else ""
    text = (f"Net change of Russian-held area{mapped} from {_day(move['start'])} to {_day(move['end'])}: "
            f"{move['change_km2']:+,.0f} km², i.e. {move['km2_per_month']:+,.0f} km² a month "
            f"(a front that barely moves would be under {STATIC_FRONT_KM2_PER_MONTH:.0f} km² a month).")
    verdict = "supported" if abs(move["km2_per_month"]) < STATIC_FRONT_KM2_PER_MONTH else "partly wrong"
    return Finding(verdict, text)


# -- annexation ----------------------------------------------------------------------------------
def check_annexed_regions_partly_held(claim: pd.Series, data: Mapping[str, pd.DataFrame]) -> Finding | None:
    """Were the regions annexed late in one year, and each held only in part on the claim's date?"""
    if not _usable(data, "annexation_claims", "territory_control", "regions"):
        return None
    region_ids = referenced(claim, "annexation_claims")
    annexed = data["annexation_claims"].set_index("region_id").reindex(region_ids)
    shares = (territory.shares_at(data["territory_control"], data["regions"], claim["claim_date"])
              .set_index("region_id").reindex(region_ids).reset_index().rename(columns={"observed": "date"}))
    if annexed["claimed_since"].isna().any() or shares["share"].isna().any():
        return None
    names = data["regions"].set_index("region_id")
    held = "; ".join(f"{names.at[r.region_id, 'name']} {r.share:.0%} (as of {_day(r.date)})"
                     for r in shares.itertuples())
    dates = sorted({_day(d) for d in annexed["claimed_since"]})
    text = f"Share held by Russia: {held}. Annexation proclaimed: {', '.join(dates)}."
    partial = ((shares["share"] > 0) & (shares["share"] < WHOLE_REGION_SHARE)).all()
    late = ((annexed["claimed_since"].dt.year == annexed["claimed_since"].dt.year.iloc[0])
            & (annexed["claimed_since"].dt.month >= LATE_IN_YEAR_FROM_MONTH)).all()
    return Finding("supported" if partial and late else "partly wrong", text)


def check_annexation_year(claim: pd.Series, data: Mapping[str, pd.DataFrame]) -> Finding | None:
    """Does Russia's claim to the named regions date from the claimed year?"""
    keys = referenced(claim, "annexation_claims")
    if not _usable(data, "annexation_claims") or not keys or pd.isna(claim["claimed_value"]):
        return None
    rows = data["annexation_claims"][data["annexation_claims"]["region_id"].isin(keys)]
    if rows.empty:
        return None
    years = sorted(rows["claimed_since"].dt.year.unique())
    text = f"Russia's claim dates from {', '.join(_day(d) for d in sorted(rows['claimed_since'].unique()))}."
    return Finding("supported" if years == [int(claim["claimed_value"])] else "wrong", text)


# -- reconstruction and assets -------------------------------------------------------------------
def check_latest_needs_estimate(claim: pd.Series, data: Mapping[str, pd.DataFrame]) -> Finding | None:
    """Is the claimed needs figure the latest assessment's (supported), an older one's (outdated), or none's?"""
    if not _usable(data, "reconstruction_assessments") or pd.isna(claim["claimed_value"]):
        return None
    assessments = data["reconstruction_assessments"]
    latest = reconstruction.latest_needs(assessments, claim["claim_date"])
    if latest is None:
        return None
    claimed = claim["claimed_value"]

    def matches(value: float) -> bool:
        return abs(claimed - value) <= FIGURE_TOLERANCE * value

    text = (f"Latest estimate on {_day(claim['claim_date'])}: {latest['assessment_id']} "
            f"({_day(latest['published'])}), {latest['needs_usd_bn']:,.0f} USD bn of needs.")
    if matches(latest["needs_usd_bn"]):
        return Finding("supported", text)
    earlier = assessments[(assessments["published"] < latest["published"])
                          & assessments["needs_usd_bn"].apply(lambda v: pd.notna(v) and matches(v))]
    if earlier.empty:
        return Finding("wrong", text + f" No assessment in the kit gives {claimed:,.0f} USD bn.")
    match = earlier.sort_values("published").iloc[-1]
    return Finding("outdated", text + f" {claimed:,.0f} USD bn matches the older {match['assessment_id']} "
                                      f"({_day(match['published'])}).")


def check_immobilised_assets(claim: pd.Series, data: Mapping[str, pd.DataFrame]) -> Finding | None:
    """How much Russian sovereign money the funding table records as immobilised, and since when."""
    if not _usable(data, "funding_sources"):
        return None
    total = reconstruction.immobilised_total(data["funding_sources"])
    if total is None:
        return None
    text = (f"The kit records about {total['usd_bn']:,.0f} USD bn of immobilised Russian sovereign assets "
            f"held by {total['holders']} jurisdictions (figures dated {_day(total['first'])} to "
            f"{_day(total['latest'])}); they stay frozen, not confiscated.")
    return Finding("supported", text)


# -- sites ------------------------------------------------------------------------------------
ZNPP_NAME = "Zaporizhzhia"


def check_site_controller(claim: pd.Series, data: Mapping[str, pd.DataFrame]) -> Finding | None:
    """The nuclear plant is held by one side (so not 'contested ground') per the sites table."""
    if not _usable(data, "sites"):
        return None
    sites = data["sites"]
    plant = sites[(sites["kind"] == "nuclear-plant") & sites["name"].str.contains(ZNPP_NAME, na=False)]
    if plant.empty:
        return None
    row = plant.sort_values("as_of").iloc[-1]
    text = f"{row['name']}: controlled by {row['controller']} (sites table, as of {_day(row['as_of'])})."
    return Finding("partly wrong", text)


CHECKS: dict[str, Check] = {
    "war_year": check_war_year,
    "front_places_fallen": check_front_places_fallen,
    "front_movement": check_front_movement,
    "annexed_regions_partly_held": check_annexed_regions_partly_held,
    "annexation_year": check_annexation_year,
    "latest_needs_estimate": check_latest_needs_estimate,
    "immobilised_assets": check_immobilised_assets,
    "site_controller": check_site_controller,
}


def check_claims(claims: pd.DataFrame, data: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """The claims with their verdict recomputed from `data` where a check is named.

    Adds `verdict_now` (recomputed, or the recorded verdict when the check's data is missing),
    `computed_evidence` (figures behind a recomputed verdict, else empty), `recomputed` and
    `changed` (the recomputed verdict differs from the recorded one).
    """
    findings = []
    for _, claim in claims.iterrows():
        name = claim["computed"]
        findings.append(CHECKS[name](claim, data) if isinstance(name, str) else None)
    out = claims.copy()
    out["recomputed"] = [f is not None for f in findings]
    out["verdict_now"] = [f.verdict if f else v for f, v in zip(findings, claims["verdict"], strict=True)]
    out["computed_evidence"] = [f.evidence if f else "" for f in findings]
    out["changed"] = out["recomputed"] & (out["verdict_now"] != out["verdict"])
    return out


VERDICT_ORDER = ["supported", "outdated", "partly wrong", "wrong", "not checkable"]


def verdict_counts(checked: pd.DataFrame) -> pd.DataFrame:
    """Claims per topic and current verdict (topics as rows, verdicts as columns in codebook order)."""
    table = pd.crosstab(checked["topic"], checked["verdict_now"])
    return table.reindex(columns=VERDICT_ORDER, fill_value=0)


# -- timeline ------------------------------------------------------------------------------------
def events_until(events: pd.DataFrame, as_of: AsOf) -> pd.DataFrame:
    """Events that had started by `as_of`, in date order."""
    return events[events["date"] <= pd.Timestamp(as_of)].sort_values(["date", "event_id"]).reset_index(drop=True)


def involves(events: pd.DataFrame, *parties: str) -> pd.Series:
    """True for events whose participants include every one of `parties`."""
    listed = events["participants"].str.split("; ")
    return listed.apply(lambda names: all(p in names for p in parties))


def filter_events(events: pd.DataFrame, kinds=None, participant: str | None = None) -> pd.DataFrame:
    """Events of the given kinds (all if None) in which `participant` took part (anyone if None)."""
    keep = events["kind"].isin(list(kinds)) if kinds is not None else pd.Series(True, index=events.index)
    if participant is not None:
        keep &= involves(events, participant)
    return events[keep]


def direct_talks(events: pd.DataFrame) -> pd.DataFrame:
    """Talks in which both Russia and Ukraine took part."""
    return events[(events["kind"] == "talks") & involves(events, "Russia", "Ukraine")]


def longest_gap(dates: pd.Series) -> pd.Series | None:
    """The longest interval between consecutive dates: `after`, `before`, `days`."""
    ordered = pd.Series(sorted(pd.to_datetime(dates))).reset_index(drop=True)
    if len(ordered) < 2:
        return None
    gaps = ordered.diff().dt.days
    at = int(gaps.idxmax())
    return pd.Series({"after": ordered[at - 1], "before": ordered[at], "days": int(gaps[at])})


# -- state of play -------------------------------------------------------------------------------
def state_of_play(events: pd.DataFrame, data: Mapping[str, pd.DataFrame], as_of: AsOf) -> pd.DataFrame:
    """Headline facts as of `as_of`: `item`, `value`, `dated` (as-of of the figure), `basis`."""
    as_of = pd.Timestamp(as_of)
    past = events_until(events, as_of)
    rows: list[dict] = []

    start = past.loc[past["event_id"].str.endswith("full-scale-invasion"), "date"]
    if not start.empty:
        days = (as_of - start.iloc[0]).days
        rows.append({"item": "Full-scale war", "value": f"day {days:,} ({ordinal(war_year(start.iloc[0], as_of))} year)",
                     "dated": as_of, "basis": "events"})
    talks = direct_talks(past)
    if not talks.empty:
        last = talks.iloc[-1]
        rows.append({"item": "Last direct Russia–Ukraine talks", "value": f"{last['event']}: {last['outcome']}",
                     "dated": last["date"], "basis": f"events:{last['event_id']}"})
    for kind, label in (("summit", "Last summit"), ("exchange", "Last prisoner exchange"),
                        ("proposal", "Last peace proposal")):
        latest = past[past["kind"] == kind]
        if not latest.empty:
            row = latest.iloc[-1]
            rows.append({"item": label, "value": f"{row['event']}: {row['outcome']}", "dated": row["date"],
                         "basis": f"events:{row['event_id']}"})
    if _usable(data, "territory_control"):
        series = territory.national_series(data["territory_control"])
        known = series[series["date"] <= as_of]
        if not known.empty:
            latest = known.iloc[-1]
            move = territory.front_movement(data["territory_control"], as_of, FRONT_WINDOW_DAYS)
            trend = f"; {move['km2_per_month']:+,.0f} km² a month over the previous year" if move is not None else ""
            rows.append({"item": "Russian-held area", "value": f"{latest['occupied_km2']:,.0f} km²{trend}",
                         "dated": latest["date"], "basis": "territory_control:UA"})
    if _usable(data, "reconstruction_assessments"):
        latest = reconstruction.latest_needs(data["reconstruction_assessments"], as_of)
        if latest is not None:
            rows.append({"item": "Reconstruction needs (latest estimate)",
                         "value": f"{latest['needs_usd_bn']:,.0f} USD bn ({latest['assessment_id']})",
                         "dated": latest["published"], "basis": f"reconstruction_assessments:{latest['assessment_id']}"})
    if _usable(data, "funding_sources"):
        total = reconstruction.immobilised_total(data["funding_sources"])
        if total is not None:
            rows.append({"item": "Immobilised Russian sovereign assets",
                         "value": f"about {total['usd_bn']:,.0f} USD bn", "dated": total["latest"],
                         "basis": "funding_sources"})
    return pd.DataFrame(rows, columns=["item", "value", "dated", "basis"])


# Diplomacy first, then the war, then the rest: the order of lanes on the timeline.
KIND_ORDER = ["talks", "summit", "proposal", "agreement", "exchange", "military", "escalation",
              "annexation", "sanctions", "legal", "other"]



def timeline_lanes(events: pd.DataFrame) -> pd.DataFrame:
    """Events with an `end` date (the start for one-day events) and a `lane` (kind order) for plotting."""
    out = events.copy()
    out["end"] = out["end_date"].fillna(out["date"])
    order = {kind: position for position, kind in enumerate(KIND_ORDER)}
    out["lane"] = out["kind"].map(order).fillna(len(KIND_ORDER)).astype(int)
    return out.sort_values(["lane", "date"]).reset_index(drop=True)


def kinds_present(events: pd.DataFrame) -> list[str]:
    """The event kinds in `events`, in timeline lane order (unknown kinds last, alphabetically)."""
    present = set(events["kind"])
    return [kind for kind in KIND_ORDER if kind in present] + sorted(present - set(KIND_ORDER))


def participants_of(events: pd.DataFrame) -> list[str]:
    """Every participant named in the events, most frequent first."""
    names = events["participants"].str.split("; ").explode()
    return list(names.value_counts().index)
