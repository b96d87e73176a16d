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

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..conventions import DAYS_PER_YEAR, AsOf, as_timestamp
from ..data.proposals import CROSSWALK_SCALES, LINE_MAX_AGE_DAYS, line_rule_date
from . import population, territory
from . import stances as stance_analysis
from .forecasts import UCDP_PA_END, kaplan_meier

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
        held = population.held_share(settlements, settlement_control, observed)
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


@dataclass(frozen=True)
class TextRows:
    """Each text's provisions (by issue) and line (by region) as plain dicts: what `diff` reads.

    `text_rows` builds them once from the tables; a live comparator keeps them and diffs every
    pick from them (filtering and indexing the tables for the two texts was most of its update)."""

    provisions: dict[str, dict[str, dict]]  # proposal_id -> issue_id -> the provision's row (the first per issue)
    lines: dict[str, dict[str, dict]]  # proposal_id -> region_id -> the resolved row

    def diff(self, a: str, b: str, issues: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
        """What changed from text `a` to text `b` (see `diff`)."""
        texts = (a, b)
        rows = []
        for issue in issues.itertuples(index=False):
            values = []
            for text in texts:
                found = self.provisions.get(text, {}).get(issue.issue_id)
                if found is None:
                    values.append((np.nan, "not reported", ""))
                else:
                    values.append((float(found["position"]) if pd.notna(found["position"]) else np.nan,
                                   "silent" if found["silent"] else "coded", found["provision"]))
            (value_a, state_a, detail_a), (value_b, state_b, detail_b) = values
            rows.append(("issue", issue.issue_id, issue.name, value_a, value_b, value_b - value_a, state_a, state_b,
                         detail_a, detail_b))
        for region_id, name in zip(regions["region_id"], regions["name"], strict=True):
            values = []
            for text in texts:
                line = self.lines.get(text)
                if not line:
                    values.append((np.nan, "no line", ""))
                else:
                    row = line[region_id]
                    held = float(row["russian_share"] + row["buffer_share"])
                    values.append((held, "drawn", f"{row['rule']}: {row['note']}".rstrip(": ")))
            (value_a, state_a, detail_a), (value_b, state_b, detail_b) = values
            if state_a == state_b == "drawn" and np.isclose(value_a, value_b):
                continue
            if state_a == state_b == "no line":
                continue
            rows.append(("region", region_id, name, value_a, value_b, value_b - value_a, state_a, state_b,
                         detail_a, detail_b))
        return pd.DataFrame(rows, columns=["kind", "id", "name", "a", "b", "change", "state_a", "state_b", "detail_a",
                                           "detail_b"])


def text_rows(provisions: pd.DataFrame, resolved: pd.DataFrame, texts: Sequence[str] | None = None) -> TextRows:
    """The `TextRows` of `texts` (default: every text in the tables), read from the tables in one pass."""
    if texts is not None:
        provisions = provisions[provisions["proposal_id"].isin(texts)]
        resolved = resolved[resolved["proposal_id"].isin(texts)]
    coded: dict[str, dict[str, dict]] = {}
    first = provisions.drop_duplicates(["proposal_id", "issue_id"])
    for row in first[["proposal_id", "issue_id", "position", "silent", "provision"]].to_dict("records"):
        coded.setdefault(row.pop("proposal_id"), {})[row.pop("issue_id")] = row
    lines: dict[str, dict[str, dict]] = {}
    for row in resolved.to_dict("records"):
        lines.setdefault(row.pop("proposal_id"), {})[row.pop("region_id")] = row
    return TextRows(coded, lines)


def diff(a: str, b: str, provisions: pd.DataFrame, resolved: pd.DataFrame, issues: pd.DataFrame,
         regions: pd.DataFrame) -> pd.DataFrame:
    """What changed from text `a` to text `b`, issue by issue and region by region.

    Columns: `kind` (`issue`, `region`), `id`, `name`, `a`, `b` (position 0-100, or Russian plus
    buffer share 0-1 of the region), `change` (b - a; NaN when either side has no value), `state_a`,
    `state_b` (`coded`, `silent`, `not reported`; for regions `drawn`, `no line`), `detail_a`, `detail_b`.
    Regions appear only where the two lines differ (or one text draws no line). Many diffs of the
    same tables: `text_rows(provisions, resolved).diff(a, b, issues, regions)`."""
    return text_rows(provisions, resolved, (a, b)).diff(a, b, issues, regions)


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
    provision: is it in the text). Partial mappings (amnesty, peacekeeping) depend on what the
    provision says and are left out here; `pax_coding` reads them (CODEBOOK 11.11)."""
    direct = _pax_mappings(crosswalk)
    direct = direct[direct["relation"] == "direct"]
    rows = []
    for text in proposals_in_order(proposals)["proposal_id"]:
        cells = provisions[provisions["proposal_id"] == text].set_index("issue_id")
        for mapping in direct.itertuples(index=False):
            if mapping.issue_id not in cells.index:
                present = np.nan
            else:
                present = 0.0 if bool(cells.loc[mapping.issue_id, "silent"]) else 1.0
            rows.append((text, mapping.category, mapping.issue_id, present))
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


def _pax_mappings(crosswalk: pd.DataFrame) -> pd.DataFrame:
    """The crosswalk rows that map an issue to a PA-X category (scheme `pax`, relation not `none`)."""
    return crosswalk[(crosswalk["scheme"] == "pax") & crosswalk["category"].notna()]


@dataclass(frozen=True)
class PaxRule:
    """How a coded provision becomes a PA-X value (CODEBOOK 11.11). Each cue is a regular
    expression searched in the provision text, case-insensitive."""

    subject: str | None = None  # partial mapping: the provision must speak of this, else 0
    general: str | None = None  # 0-3 categories: a general commitment or a future matter only -> 1
    specifics: str | None = None  # 0-3 categories: the term with its specifics -> 3 (a bare term -> 2)


#: The rule per PA-X category the crosswalk may map (CODEBOOK 11.11 states them in words).
PAX_RULES = {
    "StBor": PaxRule(),
    "SsrGua": PaxRule(),
    "ImPK": PaxRule(subject=r"multinational force|reassurance force|peacekeep|monitoring (?:mission|mechanism)"
                            r"|international (?:mission|monitor)"),
    "Ce": PaxRule(general=r"^(?!.*(?:ceasefire|fire ceases|truce)).*$|until a (?:comprehensive )?ceasefire",
                  specifics=r"\d[\w.,-]*|monitor|verif|\blines?\b|agreed points|redeploy|mobilis|advances"),
    "TjAm": PaxRule(subject=r"amnest|pardon", specifics=r"\d[\w.,-]*|\blaw\b|commission|mechanism"),
    "TjRep": PaxRule(general=r"no payer named", specifics=r"\d[\w.,-]*|mechanism|vehicle"),
}
# The kit's own bookkeeping inside a provision ("Fixed anchor R95 (CODEBOOK 11.8).", "The 50 anchor.")
# is not text of the settlement: it is removed before the cues are searched.
_KIT_NOTES = re.compile(r"Fixed anchor \w+(?: \(CODEBOOK [\d.]+\))?\.?|The \d+ anchor\.?|\(?CODEBOOK [\d.]+\)?\.?")
PAX_CODING_COLUMNS = ["proposal_id", "category", "issue_id", "value", "basis"]


def _cue(pattern: str | None, text: str) -> str | None:
    """The text matched by `pattern` in `text` (a whole-text match is named `no ceasefire named`)."""
    if pattern is None:
        return None
    found = re.search(pattern, text, re.IGNORECASE | re.DOTALL)
    if found is None:
        return None
    return found.group(0) if found.group(0) != text else "the text names none"


def pax_value(category: str, silent: bool, provision: str) -> tuple[int, str]:
    """The PA-X value (0-3, capped at the category's scale in its release) of one coded or silent
    provision, and the reason (which rule of CODEBOOK 11.11 applied, with the words that matched).
    KeyError for a category without a rule."""
    rule, top = PAX_RULES[category], int(CROSSWALK_SCALES["pax"][category].split("-")[1])
    provision = _KIT_NOTES.sub("", provision).strip()
    if silent:
        return 0, "silent"
    if rule.subject is not None:
        matched = _cue(rule.subject, provision)
        if matched is None:
            return 0, f"coded, but not on {category}'s subject"
        if top == 1:
            return 1, f"coded, names '{matched}'"
    if top == 1:
        return 1, "coded"
    general = _cue(rule.general, provision)
    if general is not None:
        return 1, f"general commitment ('{general}')"
    specific = _cue(rule.specifics, provision)
    if specific is not None:
        return 3, f"term with its specifics ('{specific}')"
    return 2, "a term, no specifics"


def pax_coding(provisions: pd.DataFrame, proposals: pd.DataFrame, crosswalk: pd.DataFrame) -> pd.DataFrame:
    """One row per text (date order) and PA-X category the crosswalk maps: the text's `value` in
    PA-X's coding (0-3; NaN when no report says what the text provides on the mapped issue) and its
    `basis` (CODEBOOK 11.11). Where several issues map to one category, the highest value counts."""
    mapped = _pax_mappings(crosswalk)
    rows = []
    for text in proposals_in_order(proposals)["proposal_id"]:
        cells = provisions[provisions["proposal_id"] == text].set_index("issue_id")
        for category, mappings in mapped.groupby("category", sort=False):
            best: tuple[float, str, str] = (np.nan, "", "not reported")
            for issue in mappings["issue_id"]:
                if issue not in cells.index:
                    continue
                value, basis = pax_value(str(category), bool(cells.loc[issue, "silent"]),
                                         str(cells.loc[issue, "provision"]))
                if np.isnan(best[0]) or value > best[0]:
                    best = (float(value), issue, basis)
            issue_ids = best[1] or ";".join(mappings["issue_id"])
            rows.append((text, category, issue_ids, best[0], best[2]))
    return pd.DataFrame(rows, columns=PAX_CODING_COLUMNS)


#: PA-X v10's own column order for the categories the kit can code (pax_all_agreements_v10.csv).
PAX_COLUMN_ORDER = ("StBor", "SsrGua", "Ce", "TjAm", "TjRep", "ImPK")


def pax_layout(coding: pd.DataFrame, proposals: pd.DataFrame) -> pd.DataFrame:
    """`pax_coding` in PA-X's layout: one row per text with PA-X's metadata columns the kit can fill
    (`Agt` the text's title, `Dat` its date) after the kit's `proposal_id`, then one column per coded
    category in the release's column order (integers 0-3, missing where no report says)."""
    wide = coding.pivot(index="proposal_id", columns="category", values="value")
    columns = [c for c in PAX_COLUMN_ORDER if c in wide.columns]
    texts = proposals_in_order(proposals).set_index("proposal_id")
    table = pd.DataFrame({"proposal_id": texts.index, "Agt": texts["title"].to_numpy(),
                          "Dat": texts["date"].dt.strftime("%Y-%m-%d").to_numpy()})
    for column in columns:
        table[column] = wide[column].reindex(texts.index).astype("Int64").reset_index(drop=True)
    return table


def pax_export_note(coding: pd.DataFrame) -> str:
    """What a PA-X-layout export holds and leaves out, for the note written beside it."""
    coded = [c for c in PAX_COLUMN_ORDER if c in set(coding["category"])]
    return (
        "The kit's settlement texts in PA-X v10 coding (PeaceRep; Bell and Badanjak 2019), derived by the rule of "
        "data/stances/CODEBOOK.md section 11.11 from the kit's coded provisions, never read off the texts by PA-X.\n"
        f"Coded categories: {', '.join(coded)} (the PA-X categories data/proposals/pax_crosswalk.csv maps an issue "
        "to). Every other PA-X category is left out, not set to 0: the kit does not code it.\n"
        "Values: 0 the text is silent on the mapped issue (or, for a partial mapping, speaks of another part of "
        "it); 1-3 as CODEBOOK 11.11; an empty cell: no stored report says what the text provides.\n"
        "Columns: proposal_id (the kit's id), Agt (title), Dat (date presented), then the categories in PA-X's "
        "column order.\n")


# --- how long past agreements held, by provision (UCDP Peace Agreement Dataset) ------------------

#: Provisions compared (UCDP v22.1 columns; `pa_3rd` is a list of names, read as present when not
#: empty; `ceasefire_before` is derived: an earlier agreement of the same conflict provided a ceasefire).
DURABILITY_PROVISIONS = ("cease", "ceasefire_before", "pko", "pa_3rd", "amn", "terr_prov", "demarcation", "withd")
DURABILITY_SAMPLES = ("all", "territorial", "interstate")
DURABILITY_HORIZONS = (1, 2, 5)
#: Below this many agreements a Kaplan-Meier estimate is not given (the counts still are).
MIN_AGREEMENTS = 10
# UCDP names a dyad of two states "Government of A - Government of B"; in v22.1 this picks exactly
# the 32 agreements whose conflict is interstate (type 2) in the UCDP/PRIO Armed Conflict Dataset 25.1.
_INTERSTATE_DYAD = re.compile(r"^\s*Government of [^,]+ - Government of ")
DURABILITY_COLUMNS = ["sample", "provision", "has_provision", "agreements", "conflicts", "ended", "median_years",
                      *[f"in_force_{h}y" for h in DURABILITY_HORIZONS], "in_force_5y_low", "in_force_5y_high",
                      "first_date", "last_date"]


def ucdp_agreement_spells(agreements: pd.DataFrame, end: pd.Timestamp = UCDP_PA_END) -> pd.DataFrame:
    """One row per UCDP peace agreement with a known fate: `signed`, `years` in force (to `duration`,
    the day it ended, or to `end`, the end of the release's follow-up, when it had not ended), `ended`,
    the first `conflict_id`, the samples it belongs to (`territorial`: a territorial incompatibility;
    `interstate`: a dyad of two governments) and each of `DURABILITY_PROVISIONS` as a boolean.
    Agreements marked ended without an end date are left out (their time in force is unknown)."""
    frame = agreements.rename(columns=lambda c: c.strip())
    signed = pd.to_datetime(frame["pa_date"], errors="coerce")
    ended_on = pd.to_datetime(frame["duration"], errors="coerce")
    ended = frame["ended"].fillna(False).astype(bool)
    conflict = frame["conflict_id"].astype(str).str.split(",").str[0].str.strip()
    spells = pd.DataFrame({
        "paid": frame["paid"], "conflict_id": conflict, "signed": signed, "ended": ended,
        "years": (ended_on.where(ended, end) - signed).dt.days.clip(lower=1) / DAYS_PER_YEAR,
        "territorial": frame["incompatibility"].astype(str).str.contains("1"),
        "interstate": frame["dyad_name"].astype(str).str.match(_INTERSTATE_DYAD),
    })
    for flag in DURABILITY_PROVISIONS:
        if flag == "pa_3rd":
            spells[flag] = frame[flag].notna() & frame[flag].astype(str).str.strip().ne("")
        elif flag != "ceasefire_before":
            spells[flag] = frame[flag].fillna(0).astype(int).eq(1)
    first_ceasefire = spells[spells["cease"]].groupby("conflict_id")["signed"].min()
    spells["ceasefire_before"] = spells["signed"] > spells["conflict_id"].map(first_ceasefire)
    known = signed.notna() & ~(ended & ended_on.isna())
    return spells[known].reset_index(drop=True)


def _held(spells: pd.DataFrame) -> dict[str, float]:
    """Kaplan-Meier median years in force and share still in force at each horizon (NaN where no
    agreement was followed that long, or the sample is below `MIN_AGREEMENTS`)."""
    result = {"median_years": np.nan, **{f"in_force_{h}y": np.nan for h in DURABILITY_HORIZONS},
              "in_force_5y_low": np.nan, "in_force_5y_high": np.nan}
    if len(spells) < MIN_AGREEMENTS:
        return result
    years, ended = spells["years"].to_numpy(float), spells["ended"].to_numpy(bool)
    km = kaplan_meier(years, ended)
    below = km.loc[km["survival"] <= 0.5, "months"]  # the column is the duration, here in years
    result["median_years"] = float(below.iloc[0]) if len(below) else np.nan
    for horizon in DURABILITY_HORIZONS:
        if (years >= horizon).any():
            before = km[km["months"] <= horizon]
            last = before.iloc[-1] if len(before) else None
            result[f"in_force_{horizon}y"] = float(last["survival"]) if last is not None else 1.0
            if horizon == 5:
                result["in_force_5y_low"] = float(last["low"]) if last is not None else 1.0
                result["in_force_5y_high"] = float(last["high"]) if last is not None else 1.0
    return result


def agreement_durability(spells: pd.DataFrame) -> pd.DataFrame:
    """Per sample (`DURABILITY_SAMPLES`), provision and with/without it: how many agreements (in how
    many conflicts), how many ended, the Kaplan-Meier median years in force and the share still in
    force after 1, 2 and 5 years (with the 5-year pointwise 95 % band, log-log, which ignores that
    agreements of one conflict tend to end together). `provision` `any` is the whole sample."""
    rows = []
    for sample in DURABILITY_SAMPLES:
        frame = spells if sample == "all" else spells[spells[sample]]
        splits = [("any", True, frame)]
        for flag in DURABILITY_PROVISIONS:
            splits += [(flag, True, frame[frame[flag]]), (flag, False, frame[~frame[flag]])]
        for provision, has, part in splits:
            rows.append({"sample": sample, "provision": provision, "has_provision": has, "agreements": len(part),
                         "conflicts": part["conflict_id"].nunique(), "ended": int(part["ended"].sum()),
                         **_held(part), "first_date": part["signed"].min(), "last_date": part["signed"].max()})
    return pd.DataFrame(rows, columns=DURABILITY_COLUMNS)


def durability_by_provision(durability: pd.DataFrame,
                            samples: Sequence[str] = ("all", "territorial")) -> pd.DataFrame:
    """One row per sample and provision (`any` left out): the agreements with and without it, how many
    of those with it ended, their median years in force (NaN: not reached) and the share of them still in
    force after 1, 2 and 5 years (`with_in_force_<h>y_share`), and the 5-year share of those without it
    (`without_in_force_5y_share`); rows in `DURABILITY_PROVISIONS` order within each sample."""
    measures = ["agreements", "ended", "median_years", *[f"in_force_{h}y" for h in DURABILITY_HORIZONS]]
    rows = durability[durability["sample"].isin(samples) & (durability["provision"] != "any")]
    columns = ["sample", "provision", "agreements_with", "ended_with", "with_median_years",
               *[f"with_in_force_{h}y_share" for h in DURABILITY_HORIZONS], "agreements_without",
               "without_in_force_5y_share"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    wide = rows.pivot(index=["sample", "provision"], columns="has_provision", values=measures)
    # `_share` and `_years` endings: formatted_table shows the shares in percent and names the units
    names = {"agreements": "agreements_with", "ended": "ended_with", "median_years": "with_median_years",
             **{f"in_force_{h}y": f"with_in_force_{h}y_share" for h in DURABILITY_HORIZONS}}
    table = pd.DataFrame({names[m]: pd.to_numeric(wide[(m, True)]) for m in measures})
    table["agreements_without"] = pd.to_numeric(wide[("agreements", False)])
    table["without_in_force_5y_share"] = pd.to_numeric(wide[("in_force_5y", False)])
    table = table.reset_index()
    table["order"] = table["provision"].map({p: i for i, p in enumerate(DURABILITY_PROVISIONS)})
    table["sample_order"] = table["sample"].map({s: i for i, s in enumerate(samples)})
    table = table.sort_values(["sample_order", "order"]).reset_index(drop=True)
    for column in ("agreements_with", "ended_with", "agreements_without"):
        table[column] = table[column].astype(int)
    return table[columns]


# --- the kit's texts in UCDP's provision flags, beside how long such agreements held --------------


@dataclass(frozen=True)
class UcdpRule:
    """How a text's cell for `issue` becomes a UCDP flag (CODEBOOK 11.11): 1 when coded and, where
    given, the provision matches `cue` (case-insensitive) or the position lies in `positions`."""

    issue: str
    cue: str | None = None
    positions: tuple[float, ...] | None = None


#: One rule per flag of `DURABILITY_PROVISIONS`; the issue is the crosswalk's (scheme `ucdp`), and
#: `ceasefire_before` reads the 50 anchor of ceasefire sequencing (a ceasefire first, talks to follow).
UCDP_RULES = {
    "cease": UcdpRule("ceasefire_sequencing"),
    "ceasefire_before": UcdpRule("ceasefire_sequencing", positions=(50.0,)),
    "pko": UcdpRule("security_guarantees", cue=PAX_RULES["ImPK"].subject),
    "pa_3rd": UcdpRule("security_guarantees", cue=r"guarant"),
    "amn": UcdpRule("accountability", cue=PAX_RULES["TjAm"].subject),
    # the anchors that settle, freeze or recognise a line (T30, T45 and above); T40 names none, T0 and T10 restore the 1991 border
    "terr_prov": UcdpRule("territory", positions=(30.0, *np.arange(45.0, 101.0, 5.0))),
    "demarcation": UcdpRule("territory", positions=(30.0, *np.arange(45.0, 101.0, 5.0))),
    "withd": UcdpRule("ceasefire_sequencing", cue=r"withdrawal of Russian|Russian (?:troops|forces) withdraw"),
}
UCDP_FLAG_COLUMNS = ["proposal_id", "provision", "issue_id", "value"]


def ucdp_flags(provisions: pd.DataFrame, proposals: pd.DataFrame) -> pd.DataFrame:
    """Per text (date order) and flag of `UCDP_RULES`: `value` 1 when the text carries the provision, 0
    when it does not (silent, or coded without it), NaN when no report says what it provides."""
    rows = []
    for text in proposals_in_order(proposals)["proposal_id"]:
        cells = provisions[provisions["proposal_id"] == text].set_index("issue_id")
        for flag, rule in UCDP_RULES.items():
            if rule.issue not in cells.index:
                value = np.nan
            elif bool(cells.loc[rule.issue, "silent"]):
                value = 0.0
            else:
                carried = True
                if rule.cue is not None:
                    carried = _cue(rule.cue, _KIT_NOTES.sub("", str(cells.loc[rule.issue, "provision"]))) is not None
                if rule.positions is not None:
                    carried = float(cells.loc[rule.issue, "position"]) in rule.positions
                value = float(carried)
            rows.append((text, flag, rule.issue, value))
    return pd.DataFrame(rows, columns=UCDP_FLAG_COLUMNS)


def drafts_beside_durability(held: pd.DataFrame, flags: pd.DataFrame, proposals: pd.DataFrame,
                             since: AsOf = "2025-01-01") -> pd.DataFrame:
    """`durability_by_provision` with, per provision, how many of the texts dated from `since` carry
    it (`drafts_with`) of those whose reports say (`drafts_known`)."""
    recent = set(proposals.loc[proposals["date"] >= as_timestamp(since), "proposal_id"])
    known = flags[flags["proposal_id"].isin(recent)].dropna(subset=["value"])
    counts = known.groupby("provision")["value"].agg(drafts_with="sum", drafts_known="count")
    table = held.merge(counts, left_on="provision", right_index=True, how="left")
    table[["drafts_with", "drafts_known"]] = table[["drafts_with", "drafts_known"]].fillna(0).astype(int)
    return table
