"""The shared look: fixed colours, the template, captions from the sources table."""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio
import pytest

import analysis_helpers as ah
from analysis_helpers.figures import theme


def test_actor_and_region_colours_are_fixed_and_from_the_palettes():
    assert theme.colour_for("actor", "ukraine") == theme.colour_for("actor", "ukraine") == "#0072B2"
    assert theme.colour_for("actor", "russia") != theme.colour_for("actor", "ukraine")
    for region in ah.load("regions")["region_id"]:
        assert theme.colour_for("region", region) in theme.EXTENDED
    with pytest.raises(ValueError):
        theme.colour_for("planet", "mars")


def test_template_becomes_the_default():
    theme.register_template()
    assert pio.templates.default == theme.TEMPLATE_NAME
    assert list(pio.templates[theme.TEMPLATE_NAME].layout.colorway) == theme.OKABE_ITO


def test_caption_names_sources_and_as_of_date():
    sources = ah.load("sources")
    source = sources.iloc[0]
    figure = theme.add_caption(go.Figure(), [source["source_id"]], sources, "2025-05-15",
                               note="Shares of official area.")
    text = figure.layout.annotations[0].text.replace("<br>", " ")  # the caption wraps where it must
    assert "As of 2025-05-15" in text and "Shares of official area." in text
    assert str(source["published"].year) in text


def test_caption_with_many_sources_lists_publishers_compactly():
    sources = ah.load("sources")
    text = theme.source_line(sources["source_id"], sources)
    assert text.startswith(f"{len(sources)} sources from ") and "sources table" in text
    assert len(text) < 400


def test_caption_rejects_an_unknown_source():
    with pytest.raises(KeyError, match="not-a-source"):
        theme.source_line(["not-a-source"], ah.load("sources"))


def test_label_margin_widens_with_the_longest_label():
    short, long = theme.label_margin(["Territory"]), theme.label_margin(["Territory", "Zaporizhzhia NPP and nuclear safety"])
    assert theme.label_margin([]) < short < long
    # Wide enough for what Chromium draws (DejaVu Sans, 13 px): 239 px of label, 278 px with the axis title.
    assert long >= 278
