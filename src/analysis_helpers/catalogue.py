"""Catalogue: what the kit holds, how current each dataset is, and which sources it cites.

    >>> import analysis_helpers as ah
    >>> from analysis_helpers import catalogue
    >>> catalogue.dataset_summary({name: ah.load(name) for name in ah.datasets()}, today=catalogue.build_time().date())

The public surface of the overview: re-exported from `analysis.catalogue`, `figures.catalogue` and the
report build's clock (`build_time`: now, or `SOURCE_DATE_EPOCH` when set, so rebuilds are identical).
"""

from __future__ import annotations

from .analysis.catalogue import PRIMARY_SOURCE_TYPES, dataset_summary
from .figures.catalogue import coverage_chart, sources_table_html
from .publish.report_page import build_time

__all__ = ["PRIMARY_SOURCE_TYPES", "build_time", "coverage_chart", "dataset_summary", "sources_table_html"]
