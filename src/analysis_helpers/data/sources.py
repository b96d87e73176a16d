"""Rules of the `sources` table that a Table Schema cannot say: where a citation may point.

The domains the kit never cites are listed once, in `blocked_domains.txt` beside this module
(an entry may also carry a path prefix, for search-result pages such as `google.com/search`).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from importlib import resources
from urllib.parse import urlsplit

import pandas as pd

from .checks import CheckContext, cross_check
from .errors import Problem

BLOCKED_DOMAINS_FILE = "blocked_domains.txt"


@cache
def blocked_domains() -> tuple[str, ...]:
    """The blocked entries (`domain` or `domain/path-prefix`), lower case, comments dropped."""
    text = resources.files(__package__).joinpath(BLOCKED_DOMAINS_FILE).read_text(encoding="utf-8")
    lines = (line.split("#", 1)[0].strip().lower() for line in text.splitlines())
    return tuple(line for line in lines if line)


def blocked_entry(url: str) -> str | None:
    """The blocked-list entry that `url` falls under, or None when it may be cited."""
    parts = urlsplit(url.strip().lower())
    host = parts.hostname or ""
    for entry in blocked_domains():
        domain, _, path = entry.partition("/")
        on_domain = host == domain or host.endswith("." + domain)
        if on_domain and parts.path.lstrip("/").startswith(path):
            return entry
    return None


@cross_check("sources")
def no_blocked_domains(sources: pd.DataFrame, ctx: CheckContext) -> Iterator[Problem]:
    """A source's URL is not on a blocked domain (encyclopaedias, mirrors, content farms)."""
    for index, url in sources["url"].items():
        entry = blocked_entry(str(url))
        if entry is not None:
            yield ctx.problem(index, "url", f"cites a blocked domain ({entry}; see {BLOCKED_DOMAINS_FILE})", url)


@cross_check("sources")
def one_record_per_url(sources: pd.DataFrame, ctx: CheckContext) -> Iterator[Problem]:
    """A URL cited by several rows carries one title and one publication date: two would mean
    one of them was not read on the page."""
    for column in ("title", "published"):
        for url, group in sources.groupby("url", sort=False):
            values = group[column].dropna().unique()
            if len(values) > 1:
                first = group.index[0]
                for index in group.index[1:]:
                    if group.at[index, column] != group.at[first, column]:
                        yield ctx.problem(index, column,
                                          f"differs from row of {group.at[first, 'source_id']} citing the same URL {url}",
                                          group.at[index, column])
