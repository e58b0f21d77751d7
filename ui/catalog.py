"""The catalog view prepared after an ingest, by ``gongkai ingest`` and ``gongkai bench ingest`` alike."""

from __future__ import annotations

import time

from index.collection import Collection


def prepare_catalog(coll: Collection) -> None:
    """Describe the new issuers' names now (stored with the catalog), so that no app server has to at its
    start: seconds of CPU at tens of thousands of bodies."""
    from assistant.answer import catalog_view

    t0 = time.perf_counter()
    described = len(catalog_view(coll).bodies.fresh)
    print(f"catalog: names of {described} new bodies described in {time.perf_counter() - t0:.1f}s")
