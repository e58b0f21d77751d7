"""Collecting reports from portals, one package for the whole job: which links of a page are reports and
which pages list more (:mod:`links`, pure functions of a page's bytes and URL), polite HTTP (:mod:`fetch`:
robots.txt, rate, retries, limits, loopback refused), and the walk with its per-URL state and the reports'
origins (:mod:`walk`). The route, the Crawl tab and ``gongkai crawl`` all run :class:`Crawler`."""

from index.crawl.links import crawlable
from index.crawl.walk import (
    MAX_LINKS,
    WORDS,
    Crawler,
    CrawlEvent,
    CrawlOptions,
    CrawlStatus,
    CrawlSummary,
    event_line,
    site_of,
    summary_line,
)

__all__ = [
    "MAX_LINKS",
    "WORDS",
    "CrawlEvent",
    "CrawlOptions",
    "CrawlStatus",
    "CrawlSummary",
    "Crawler",
    "crawlable",
    "event_line",
    "site_of",
    "summary_line",
]
