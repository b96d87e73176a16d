"""Peace proposals side by side: each text's line, what it would cost whom, and who would have to move.

Pure functions on the validated tables (`proposals`, `proposal_provisions`, `proposal_lines`,
`territory_control`, `regions`, `stances`, `actors`, `reconstruction_regions`,
`reconstruction_assessments`). The facade `analysis_helpers.proposals` loads them.

Lines
    `resolve_lines` gives every region, for every text that draws a line, the share of its area
    on Russia's side (control or recognition, de facto included), in a buffer zone, and on
    Ukraine's side. A `line of contact on DATE` row takes the `share` column of `territory_control` (the
    latest observation on or before DATE, at most `LINE_MAX_AGE_DAYS` old): the share the map
    maker's area was measured as, on the outline it was measured against (`outline_km2`), so a
    region held whole is exactly 1 (dividing the map's km² by the official area is not: Crimea's
    map area exceeds its official one). A region the text does not name stays with Ukraine.
Sides
    Area on each side: region area times the shares. Pre-war population on each side (`with_people`,
    `analysis.population`): a region's settlements where the map puts them (a line of contact) or
    with the region (a whole region), the rest of its people spread by area; without the settlement
    tables, people are spread evenly over each region's area.
Needs and damage by side
    Only where an assessment publishes per-region figures (`reconstruction_regions`): the latest
    such assessment's regional damage and needs are split by the same area shares (spread evenly
    by area within a region: a simplification, damage clusters near the front). The share of the
    assessment's national total that the regional rows cover is reported as `*_assigned_share`;
    the rest is not assigned to a side.
Actor distance
    Salience-weighted mean absolute distance between an actor's stance at the text's date and the
    text's coded positions, over the issues both have: sum(s_i |p_i - q_i|) / sum(s_i).
Bargaining models
    `stances.predict_outcomes` on the stances at the text's date; per issue and model the 80 %
    interval and how far the text lies beyond it (0 inside; positive above, i.e. toward Russia's
    demand; negative below).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..data.proposals import LINE_MAX_AGE_DAYS, line_rule_date
from . import population, territory
from . import stances as stance_analysis

COMPARE_COLUMNS = ["proposal_id", "metric", "value", "unit"]
SIDES = ("russian", "buffer", "ukrainian")
SIDE_LABELS = {"russian": "Russia's side", "buffer": "buffer zone", "ukrainian": "Ukraine's side"}
NOT_NAMED = "not named (stays with Ukraine)"
DEFAULT_MODELS = ("weighted_median", "compromise")
DEFAULT_DRAWS = 500
POSITION_UNIT = "0-100"
BEYOND_UNIT = "0-100 points (+ toward Russia's demand)"
PEOPLE_COLUMNS = [f"{side}_people" for side in SIDES]
RESOLVED_COLUMNS = ["proposal_id", "region_id", "russian_share", "buffer_share", "ukrainian_share", "rule",
                    "observed", "note", "source_id", "control_source_id"]


def proposals_in_order(proposals: pd.DataFrame) -> pd.DataFrame:
    """The proposals table sorted by date (then id): the order every table and chart uses."""
    return proposals.sort_values(["date", "proposal_id"]).reset_index(drop=True)


def comparator_pair(proposals: pd.DataFrame, a: str, b: str) -> tuple[str, str]:
    """The two texts a comparator starts from: `a` and `b` where they are among `proposals` (the
    texts known on the report's date), the latest other texts in place of those that are not (the
    one text twice when only one is known), ("", "") when none is."""
    ordered = list(proposals_in_order(proposals)["proposal_id"])
    chosen = [text for text in dict.fromkeys((a, b)) if text in ordered]
    others = [text for text in reversed(ordered) if text not in chosen]
    pair = (chosen + others) * 2
    return (pair[0], pair[1]) if pair else ("", "")


def _line_shares(control: pd.DataFrame, when) -> pd.DataFrame:
    """Russian-held share of each region on `when` (the territory table's own `share`, measured
    against the outline it was mapped on: never km² over another area), the map date used and
    that row's source."""
    if "share" not in control.columns:
        raise ValueError("territory_control has no 'share' column: a line of contact is read from the shares")
    at = territory.control_at(control, when, max_age_days=LINE_MAX_AGE_DAYS).set_index("region_id")
    source = control.set_index(["region_id", "date"])["source_id"]
    used = [source.get((region_id, observed)) for region_id, observed in zip(at.index, at["observed"], strict=True)]
    return pd.DataFrame({"share": at["share"].astype(float).clip(0, 1), "observed": at["observed"],
                         "source_id": used}, index=at.index)


def resolve_lines(lines: pd.DataFrame, control: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """Every region under every text's line: `RESOLVED_COLUMNS` (shares 0-1 adding up to 1;
    `source_id` the line row's source, `control_source_id` that of the territory row a line of
    contact was read from; both empty for a region the text does not name).

    Raises ValueError when a line-of-contact row has no territory observation to read (the data
    layer rejects such rows, so this only happens on tables that bypassed it)."""
    region_ids = regions["region_id"].tolist()
    by_date: dict[pd.Timestamp, pd.DataFrame] = {}
    frames = []
    for proposal_id, rows in lines.groupby("proposal_id", sort=False):
        named = rows.set_index("region_id")
        records = []
        for region_id in region_ids:
            if region_id not in named.index:
                records.append((proposal_id, region_id, 0.0, 0.0, NOT_NAMED, pd.NaT, "", None, None))
                continue
            row = named.loc[region_id]
            when = line_rule_date(row["rule"])
            observed, control_source = pd.NaT, None
            if when is None:
                russian, buffer = float(row["russian_share"]), float(row["demilitarised_share"])
            else:
                if when not in by_date:
                    by_date[when] = _line_shares(control, when)
                shares = by_date[when]
                if region_id not in shares.index:
                    raise ValueError(f"{proposal_id}, {region_id}: no territory observation for '{row['rule']}'")
                russian, observed = float(shares.loc[region_id, "share"]), shares.loc[region_id, "observed"]
                control_source = shares.loc[region_id, "source_id"]
                buffer = 1.0 - russian if bool(row["buffer_beyond_line"]) else 0.0
            records.append((proposal_id, region_id, russian, buffer, row["rule"], observed, row["note"],
                            row["source_id"], control_source))
        frames.append(pd.DataFrame.from_records(
            records, columns=["proposal_id", "region_id", "russian_share", "buffer_share", "rule", "observed", "note",
                              "source_id", "control_source_id"]))
    if not frames:
        return pd.DataFrame(columns=RESOLVED_COLUMNS)
    resolved = pd.concat(frames, ignore_index=True)
    resolved["ukrainian_share"] = (1.0 - resolved["russian_share"] - resolved["buffer_share"]).clip(0, 1)
    return resolved[RESOLVED_COLUMNS]


def with_people(resolved: pd.DataFrame, regions: pd.DataFrame, settlements: pd.DataFrame,
                settlement_control: pd.DataFrame) -> pd.DataFrame:
    """`resolved` with `PEOPLE_COLUMNS`: each region's pre-war people on each side of the text's line
    (`analysis.population`): its settlements on the side the map of the `observed` date puts them (a
    line of contact; a buffer beyond the line takes those the map leaves to Ukraine), or with the
    region's share where the line takes it whole or not at all (a share typed by hand between 0 and 1
    has no geometry: pro rata); the rest of the region spread by area."""
    base = population.settled_by_region(settlements, regions)
    out = resolved.copy()
    settled_russian = out["russian_share"].astype(float).copy()
    for observed, rows in out[out["observed"].notna()].groupby("observed"):
        held = population.held_share(settlements, population.held_on(settlement_control, observed))
        by_row = population.settled_share(rows.set_index("region_id")["russian_share"], held)
        settled_russian[rows.index] = by_row.to_numpy()
    beyond_line = out["observed"].notna() & (out["buffer_share"] > 0)
    settled_buffer = out["buffer_share"].astype(float).where(~beyond_line, 1.0 - settled_russian)
    settled = {"russian": settled_russian, "buffer": settled_buffer,
               "ukrainian": (1.0 - settled_russian - settled_buffer).clip(0, 1)}
    in_settlements = out["region_id"].map(base["settled"]).fillna(0.0)
    remainder = out["region_id"].map(base["remainder"]).fillna(0.0)
    for side in SIDES:
        out[f"{side}_people"] = in_settlements * settled[side] + remainder * out[f"{side}_share"].astype(float)
    return out


def sides(resolved: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """Per text and side: `area_km2`, `share_of_ukraine` (0-1), `population` (pre-war: the
    `PEOPLE_COLUMNS` of `with_people` where `resolved` has them, else spread evenly by area)."""
    base = regions.set_index("region_id")[["area_km2", "population"]].astype(float)
    merged = resolved.join(base, on="region_id")
    total_area = float(base["area_km2"].sum())
    rows = []
    for proposal_id, group in merged.groupby("proposal_id", sort=False):
        for side in SIDES:
            share = group[f"{side}_share"]
            area = float((share * group["area_km2"]).sum())
            people = group[f"{side}_people"] if f"{side}_people" in group else share * group["population"]
            rows.append({"proposal_id": proposal_id, "side": side, "area_km2": area,
                         "share_of_ukraine": area / total_area, "population": float(people.sum())})
    return pd.DataFrame(rows, columns=["proposal_id", "side", "area_km2", "share_of_ukraine", "population"])


def latest_regional_assessment(reconstruction_regions: pd.DataFrame, assessments: pd.DataFrame,
                               measure: str) -> str | None:
    """The latest published assessment with per-region figures of `measure`; None if there is none."""
    with_rows = reconstruction_regions.dropna(subset=[measure])["assessment_id"].unique()
    candidates = assessments[assessments["assessment_id"].isin(with_rows)]
    if candidates.empty:
        return None
    return str(candidates.sort_values("published").iloc[-1]["assessment_id"])


def costs_by_side(resolved: pd.DataFrame, reconstruction_regions: pd.DataFrame, assessments: pd.DataFrame,
                  measures: Sequence[str] = ("damage_usd_bn", "needs_usd_bn")) -> pd.DataFrame:
    """Per text, measure and side: USD bn of the latest regional assessment on that side, with
    `assigned_share` (regional rows' sum over the assessment's national total) and `assessment_id`.
    Empty when no assessment publishes regional figures."""
    rows = []
    for measure in measures:
        assessment_id = latest_regional_assessment(reconstruction_regions, assessments, measure)
        if assessment_id is None:
            continue
        regional = (reconstruction_regions[reconstruction_regions["assessment_id"] == assessment_id]
                    .set_index("region_id")[measure].dropna())
        total = assessments.set_index("assessment_id").loc[assessment_id, measure]
        assigned = float(regional.sum() / total) if pd.notna(total) and total > 0 else np.nan
        merged = resolved.join(regional.rename("amount"), on="region_id").dropna(subset=["amount"])
        for proposal_id, group in merged.groupby("proposal_id", sort=False):
            for side in SIDES:
                rows.append({"proposal_id": proposal_id, "measure": measure, "side": side,
                             "usd_bn": float((group[f"{side}_share"] * group["amount"]).sum()),
                             "assigned_share": assigned, "assessment_id": assessment_id})
    return pd.DataFrame(rows, columns=["proposal_id", "measure", "side", "usd_bn", "assigned_share", "assessment_id"])


def position_matrix(provisions: pd.DataFrame, proposals: pd.DataFrame, issues: pd.DataFrame) -> pd.DataFrame:
    """Texts (in date order) x issues: one row per pair with the text's `text_access`, the cell's
    `state` (`coded`, `silent`, `not reported`), `position`, `provision` and `source_id`."""
    ordered = proposals_in_order(proposals)[["proposal_id", "title", "date", "text_access"]]
    grid = ordered.merge(issues[["issue_id", "name"]].rename(columns={"name": "issue"}), how="cross")
    grid = grid.merge(provisions, on=["proposal_id", "issue_id"], how="left")
    grid["state"] = np.where(grid["silent"].isna(), "not reported",
                             np.where(grid["silent"].fillna(False).astype(bool), "silent", "coded"))
    return grid[["proposal_id", "title", "date", "text_access", "issue_id", "issue", "state", "position", "provision",
                 "source_id"]]


def _coded(provisions: pd.DataFrame, proposal_id: str) -> pd.Series:
    rows = provisions[(provisions["proposal_id"] == proposal_id) & provisions["position"].notna()]
    return rows.set_index("issue_id")["position"].astype(float)


def actor_distances(provisions: pd.DataFrame, proposals: pd.DataFrame, stances: pd.DataFrame) -> pd.DataFrame:
    """Per text and actor: salience-weighted distance (0-100) of the actor's stance at the text's
    date from the text's coded positions, and the number of `issues` it rests on."""
    rows = []
    for text in proposals_in_order(proposals).itertuples(index=False):
        coded = _coded(provisions, text.proposal_id)
        if coded.empty:
            continue
        wide = stance_analysis.stances_wide(stances, text.date)
        if wide.empty:
            continue
        shared = wide.index.intersection(coded.index)
        position = wide["position"].loc[shared]
        salience = wide["salience"].loc[shared]
        gap = (position.sub(coded.loc[shared], axis=0)).abs()
        weight = salience.where(gap.notna())
        for actor_id in position.columns:
            w = weight[actor_id].dropna()
            if w.empty or w.sum() <= 0:
                continue
            rows.append({"proposal_id": text.proposal_id, "actor_id": actor_id,
                         "distance": float((w * gap[actor_id].loc[w.index]).sum() / w.sum()),
                         "issues": len(w)})
    return pd.DataFrame(rows, columns=["proposal_id", "actor_id", "distance", "issues"])


def beyond_interval(position: float, low: float, high: float) -> float:
    """0 when `position` lies in [low, high]; else the signed distance to the nearer end
    (positive above the interval, negative below)."""
    if np.isnan(low) or np.isnan(high):
        return np.nan
    if position > high:
        return position - high
    if position < low:
        return position - low
    return 0.0


def model_intervals(provisions: pd.DataFrame, proposals: pd.DataFrame, stances: pd.DataFrame, actors: pd.DataFrame,
                    models: Sequence[str] = DEFAULT_MODELS, draws: int = DEFAULT_DRAWS, seed: int = 0) -> pd.DataFrame:
    """Per text, coded issue and model: the models' 80 % interval at the text's date (`low`,
    `high`), the text's `position` and `beyond` (see `beyond_interval`). Issues no actor holds a
    stance on at that date are left out."""
    rows = []
    cache: dict[pd.Timestamp, pd.DataFrame] = {}
    for text in proposals_in_order(proposals).itertuples(index=False):
        coded = _coded(provisions, text.proposal_id)
        if coded.empty:
            continue
        if text.date not in cache:
            wide = stance_analysis.stances_wide(stances, text.date)
            # On early dates few actors hold a stance: a draw whose saliences on an issue sum to zero
            # gives NaN there, which the interval quantiles skip; numpy's warning adds nothing.
            with np.errstate(invalid="ignore", divide="ignore"):
                cache[text.date] = (stance_analysis.predict_outcomes(wide, actors, models=tuple(models), draws=draws,
                                                                     seed=seed) if not wide.empty else pd.DataFrame())
        outcomes = cache[text.date]
        if outcomes.empty:
            continue
        for outcome in outcomes[outcomes["issue_id"].isin(coded.index)].itertuples(index=False):
            position = float(coded[outcome.issue_id])
            rows.append({"proposal_id": text.proposal_id, "issue_id": outcome.issue_id, "model": outcome.model,
                         "position": position, "low": outcome.low, "high": outcome.high,
                         "beyond": beyond_interval(position, outcome.low, outcome.high)})
    return pd.DataFrame(rows, columns=["proposal_id", "issue_id", "model", "position", "low", "high", "beyond"])


def compare_table(proposals: pd.DataFrame, provisions: pd.DataFrame, resolved: pd.DataFrame,
                  regions: pd.DataFrame, costs: pd.DataFrame, distances: pd.DataFrame,
                  intervals: pd.DataFrame) -> pd.DataFrame:
    """The long comparison table (`COMPARE_COLUMNS`) from the parts computed above.

    Metrics: `area_km2:<side>`, `share_of_ukraine:<side>`, `population:<side>`,
    `<damage|needs>_usd_bn:<side>` and `<damage|needs>_assigned_share`, `position:<issue_id>`,
    `distance:<actor_id>`, `interval_low|interval_high|beyond_interval:<model>:<issue_id>`."""
    rows = []
    for row in sides(resolved, regions).itertuples(index=False):
        rows += [(row.proposal_id, f"area_km2:{row.side}", row.area_km2, "km2"),
                 (row.proposal_id, f"share_of_ukraine:{row.side}", row.share_of_ukraine, "share"),
                 (row.proposal_id, f"population:{row.side}", row.population, "persons (pre-war)")]
    for (proposal_id, measure), group in costs.groupby(["proposal_id", "measure"], sort=False):
        rows += [(proposal_id, f"{measure}:{r.side}", r.usd_bn, "USD bn") for r in group.itertuples(index=False)]
        rows.append((proposal_id, f"{measure.removesuffix('_usd_bn')}_assigned_share",
                     float(group["assigned_share"].iloc[0]), "share"))
    coded = provisions.dropna(subset=["position"])
    rows += [(r.proposal_id, f"position:{r.issue_id}", float(r.position), POSITION_UNIT)
             for r in coded.itertuples(index=False)]
    rows += [(r.proposal_id, f"distance:{r.actor_id}", r.distance, POSITION_UNIT)
             for r in distances.itertuples(index=False)]
    for r in intervals.itertuples(index=False):
        rows += [(r.proposal_id, f"interval_low:{r.model}:{r.issue_id}", r.low, POSITION_UNIT),
                 (r.proposal_id, f"interval_high:{r.model}:{r.issue_id}", r.high, POSITION_UNIT),
                 (r.proposal_id, f"beyond_interval:{r.model}:{r.issue_id}", r.beyond, BEYOND_UNIT)]
    table = pd.DataFrame(rows, columns=COMPARE_COLUMNS)
    order = {pid: i for i, pid in enumerate(proposals_in_order(proposals)["proposal_id"])}
    return table.sort_values("proposal_id", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)


def diff(a: str, b: str, provisions: pd.DataFrame, resolved: pd.DataFrame, issues: pd.DataFrame,
         regions: pd.DataFrame) -> pd.DataFrame:
    """What changed from text `a` to text `b`, issue by issue and region by region.

    Columns: `kind` (`issue`, `region`), `id`, `name`, `a`, `b` (position 0-100, or Russian plus
    buffer share 0-1 of the region), `change` (b - a; NaN when either side has no value), `state_a`,
    `state_b` (`coded`, `silent`, `not reported`; for regions `drawn`, `no line`), `detail_a`, `detail_b`.
    Regions appear only where the two lines differ (or one text draws no line)."""
    rows = []
    for issue in issues.itertuples(index=False):
        values = []
        for text in (a, b):
            match = provisions[(provisions["proposal_id"] == text) & (provisions["issue_id"] == issue.issue_id)]
            if match.empty:
                values.append((np.nan, "not reported", ""))
            else:
                row = match.iloc[0]
                values.append((float(row["position"]) if pd.notna(row["position"]) else np.nan,
                               "silent" if row["silent"] else "coded", row["provision"]))
        (value_a, state_a, detail_a), (value_b, state_b, detail_b) = values
        rows.append(("issue", issue.issue_id, issue.name, value_a, value_b, value_b - value_a, state_a, state_b,
                     detail_a, detail_b))
    names = regions.set_index("region_id")["name"]
    lines = {text: resolved[resolved["proposal_id"] == text].set_index("region_id") for text in (a, b)}
    for region_id in regions["region_id"]:
        values = []
        for text in (a, b):
            line = lines[text]
            if line.empty:
                values.append((np.nan, "no line", ""))
            else:
                row = line.loc[region_id]
                held = float(row["russian_share"] + row["buffer_share"])
                values.append((held, "drawn", f"{row['rule']}: {row['note']}".rstrip(": ")))
        (value_a, state_a, detail_a), (value_b, state_b, detail_b) = values
        if state_a == state_b == "drawn" and np.isclose(value_a, value_b):
            continue
        if state_a == state_b == "no line":
            continue
        rows.append(("region", region_id, names[region_id], value_a, value_b, value_b - value_a, state_a, state_b,
                     detail_a, detail_b))
    return pd.DataFrame(rows, columns=["kind", "id", "name", "a", "b", "change", "state_a", "state_b", "detail_a",
                                       "detail_b"])


SIDE_METRIC_PATTERN = r"(area_km2|population|share_of_ukraine|damage|needs)"


def _by_text(long: pd.DataFrame, column: str, proposals: pd.DataFrame) -> pd.DataFrame:
    """`long` (proposal_id, `column`, value) as texts x `column`, rows in the texts' date order."""
    wide = long.pivot(index="proposal_id", columns=column, values="value")
    return wide.reindex([p for p in proposals_in_order(proposals)["proposal_id"] if p in wide.index])


def side_metrics(table: pd.DataFrame, proposals: pd.DataFrame) -> pd.DataFrame:
    """Texts x the sides of each line (area, share of Ukraine, pre-war population, damage and needs
    on each side) from the long `compare_table`, in date order. A metric `<measure>:<side>` becomes the
    column `<side>_side_<measure>` (`share_of_ukraine` as `<side>_side_share`), so its unit ends the name."""
    rows = table[table["metric"].str.match(SIDE_METRIC_PATTERN)]
    if rows.empty:  # no text known on the report's date draws a line
        return pd.DataFrame(index=pd.Index([], name="proposal_id"))
    measure, _, side = rows["metric"].str.partition(":").T.to_numpy()
    columns = [f"{s}_side_{'share' if m == 'share_of_ukraine' else m}" if s else m for m, s in zip(measure, side, strict=True)]
    return _by_text(rows.assign(metric=columns), "metric", proposals)


def beyond_interval_table(table: pd.DataFrame, proposals: pd.DataFrame, model: str = "compromise") -> pd.DataFrame:
    """Texts x issues: how far each text lies beyond `model`'s 80 % interval (0 inside, positive toward
    Russia's demand), from the long `compare_table`, in date order."""
    prefix = f"beyond_interval:{model}:"
    rows = table[table["metric"].str.startswith(prefix)]
    return _by_text(rows.assign(issue=rows["metric"].str.removeprefix(prefix)), "issue", proposals)


def open_counts(matrix: pd.DataFrame, proposals: pd.DataFrame) -> pd.DataFrame:
    """Per text (in date order), how many issues it is silent on and how many no report covers
    (columns: the states other than `coded` found in the `position_matrix`)."""
    open_cells = matrix[matrix["state"] != "coded"]
    counts = open_cells.groupby(["proposal_id", "state"]).size().unstack(fill_value=0)
    return counts.reindex(proposals_in_order(proposals)["proposal_id"]).fillna(0).astype(int)


PAX_PRESENCE_COLUMNS = ["proposal_id", "pax_category", "issue_id", "present"]


def pax_presence(provisions: pd.DataFrame, proposals: pd.DataFrame, crosswalk: pd.DataFrame) -> pd.DataFrame:
    """Per text and PA-X category mapped `direct` in the crosswalk: `present` 1.0 when the text
    codes the issue, 0.0 when it is silent on it, NaN when no report says (PA-X's own test of a
    provision: is it in the text). Partial mappings (amnesty, peacekeeping) need a reading of each
    text and are left out."""
    direct = crosswalk[(crosswalk["relation"] == "direct") & crosswalk["pax_category"].notna()]
    rows = []
    for text in proposals_in_order(proposals)["proposal_id"]:
        cells = provisions[provisions["proposal_id"] == text].set_index("issue_id")
        for mapping in direct.itertuples(index=False):
            if mapping.issue_id not in cells.index:
                present = np.nan
            else:
                present = 0.0 if bool(cells.loc[mapping.issue_id, "silent"]) else 1.0
            rows.append((text, mapping.pax_category, mapping.issue_id, present))
    return pd.DataFrame(rows, columns=PAX_PRESENCE_COLUMNS)


def beside_past_agreements(presence: pd.DataFrame, profile: pd.DataFrame) -> pd.DataFrame:
    """Per PA-X category: how many of the kit's texts carry the provision (`texts_with`, of
    `texts_known`, those whose reports say either way) beside the share of past agreements that
    do, one column per `profile` group (`share_<group>`, 0-1)."""
    known = presence.dropna(subset=["present"])
    texts = known.groupby("pax_category")["present"].agg(texts_with="sum", texts_known="count")
    texts["texts_share"] = texts["texts_with"] / texts["texts_known"]
    past = profile.pivot(index="pax_category", columns="group", values="share").add_prefix("share_")
    table = texts.join(past, how="left")
    table["texts_with"] = table["texts_with"].astype(int)
    return table.reset_index()
