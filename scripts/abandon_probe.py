"""Crawl requests abandoned by their clients, then how long the server takes to answer GET /api/health
(issue 38, item 4).

    python scripts/abandon_probe.py --url http://127.0.0.1:7938 --token $GONGKAI_ADMIN_TOKEN \
        --column http://127.0.0.1:8766/drip/list/ --allow-host 127.0.0.1:8766 --n 40

Each of ``--n`` clients posts a crawl of ``--column`` (a slow site: ``tests/hostile_site.py``), waits up
to ``--patience`` seconds for the answer and hangs up. Then one GET /api/health is timed, and the health
check is repeated until ``--settle`` seconds have passed, to see whether the server stays responsive.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from collections import Counter

import httpx


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--column", required=True)
    parser.add_argument("--allow-host", action="append", default=[])
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--patience", type=float, default=2.0)
    parser.add_argument("--settle", type=float, default=0.0)
    args = parser.parse_args()
    body = {"urls": [args.column], "allow_hosts": args.allow_host, "delay": 0.1}
    statuses: Counter = Counter()
    lock = threading.Lock()

    def abandon() -> None:
        try:
            with httpx.stream(
                "POST",
                args.url + "/api/crawl",
                json=body,
                headers={"Authorization": f"Bearer {args.token}"},
                timeout=args.patience,
            ) as r:
                with lock:
                    statuses[r.status_code] += 1
                for _ in r.iter_bytes():
                    pass
        except httpx.HTTPError as exc:
            with lock:
                statuses[type(exc).__name__] += 1

    threads = [threading.Thread(target=abandon) for _ in range(args.n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    t0 = time.monotonic()
    r = httpx.get(args.url + "/api/health", timeout=900)
    first = time.monotonic() - t0
    worst = first
    while time.monotonic() - t0 < args.settle:
        t1 = time.monotonic()
        httpx.get(args.url + "/api/health", timeout=900)
        worst = max(worst, time.monotonic() - t1)
        time.sleep(0.5)
    print(
        json.dumps(
            {
                "abandoned_crawls": args.n,
                "crawl_answers": {str(k): v for k, v in statuses.items()},
                "health_status": r.status_code,
                "health_seconds": round(first, 2),
                "worst_health_seconds_while_settling": round(worst, 2),
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
