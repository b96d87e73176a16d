"""Rules of the `sources` table that a Table Schema cannot say: where a citation may point.

The domains the kit never cites are listed once, in `blocked_domains.txt` beside this module
(an entry may also carry a path prefix, for search-result pages such as `google.com/search`).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from importlib import resources
from urllib.parse import urlsplit

import numpy as np
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
    # Vectorised (a loop over the URLs cost ~0.1 s on every cold load). Reported per column, URL
    # by URL in order of first citation, each row after the URL's first that differs from it.
    cited = sources[sources["url"].notna()]
    first = cited.drop_duplicates("url").set_index("url")  # each URL's first row
    position = first.index.get_indexer(cited["url"])
    later = cited["url"].duplicated().to_numpy()
    for column in ("title", "published"):
        varied = (cited.groupby("url", sort=False)[column].transform("nunique") > 1).to_numpy()
        differs = (cited[column].to_numpy() != first[column].to_numpy()[position]) | cited[column].isna().to_numpy()
        rows = np.flatnonzero(varied & later & differs)
        for row in rows[np.argsort(position[rows], kind="stable")]:
            index, url = cited.index[row], cited["url"].iat[row]
            yield ctx.problem(index, column, f"differs from row of {first.at[url, 'source_id']} citing the same URL "
                              f"{url}", cited.at[index, column])
