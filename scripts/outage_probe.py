"""Clients asking a running gongkai server while a store is stopped and started again (issue 38, item 7).

    python scripts/outage_probe.py --url http://127.0.0.1:7938 --store pg --clients 10 --seconds 30 \
        --stop-at 10 --down 10

``--store pg`` or ``chroma`` is stopped with ``scripts/services.sh stop-pg``/``stop-chroma`` (the same
PG_PORT, CHROMA_PORT and GONGKAI_SERVICES_DIR as started it) and started again after ``--down`` seconds.
Prints what the clients saw: requests, failures by status code (or by the exception of a request that got
no answer), whether each failure was JSON with a Retry-After, and answers that said they were degraded.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

SCRIPTS = Path(__file__).resolve().parent
MIX = [
    ("POST", "/api/ask", {"question": "东山县2020年收到多少政府信息公开申请？"}),
    ("POST", "/api/ask", {"question": "岳溪镇的民事全程代办设立了多少个服务站？"}),
    ("GET", "/api/search?q=行政复议&k=3", None),
    ("GET", "/api/reports?limit=5", None),
    ("GET", "/api/facts?issuer=东山&metric=applications_received", None),
    ("GET", "/api/compare?metric=applications_received", None),
    ("GET", "/api/health", None),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--store", choices=["pg", "chroma"], default="pg")
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--stop-at", type=float, default=10)
    parser.add_argument("--down", type=float, default=10)
    args = parser.parse_args()

    outcomes: Counter = Counter()
    failures: Counter = Counter()
    shapes: Counter = Counter()
    degraded = Counter()
    lock = threading.Lock()
    t0 = time.monotonic()
    end = t0 + args.seconds

    def client(n: int) -> None:
        with httpx.Client(base_url=args.url, timeout=60) as http:
            i = n
            while time.monotonic() < end:
                method, path, body = MIX[i % len(MIX)]
                i += 1
                try:
                    r = http.request(method, path, json=body)
                except httpx.HTTPError as exc:
                    with lock:
                        outcomes["no answer"] += 1
                        failures[type(exc).__name__] += 1
                    continue
                with lock:
                    outcomes[r.status_code] += 1
                    if r.status_code >= 400:
                        failures[r.status_code] += 1
                        try:
                            detail = r.json().get("detail")
                            shape = "json"
                        except (ValueError, AttributeError):
                            detail, shape = r.text[:60], "not json"
                        retry = "Retry-After" if "retry-after" in r.headers else "no Retry-After"
                        shapes[(r.status_code, shape, retry, str(detail)[:70])] += 1
                    elif path == "/api/ask" and any(
                        "vector index" in note or "向量索引" in note for note in r.json().get("notes", [])
                    ):
                        degraded["answers noting the vector index is down"] += 1
                    elif r.headers.get("x-gongkai-degraded"):
                        degraded["searches marked degraded"] += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
    for t in threads:
        t.start()
    time.sleep(args.stop_at)
    stopped = time.monotonic()
    subprocess.run([SCRIPTS / "services.sh", f"stop-{args.store}"], check=True)
    print(f"{args.store} stopped at {stopped - t0:.1f} s (took {time.monotonic() - stopped:.1f} s)", flush=True)
    time.sleep(max(0.0, args.down - (time.monotonic() - stopped)))
    started = time.monotonic()
    subprocess.run([SCRIPTS / "services.sh", f"start-{args.store}"], check=True)
    print(f"{args.store} started at {started - t0:.1f} s (took {time.monotonic() - started:.1f} s)", flush=True)
    for t in threads:
        t.join()
    total = sum(outcomes.values())
    print(
        json.dumps(
            {
                "requests": total,
                "failed": sum(failures.values()),
                "by_status": {str(k): v for k, v in sorted(outcomes.items(), key=str)},
                "failures": {str(k): v for k, v in failures.items()},
                "failure_shapes": [list(map(str, k)) + [v] for k, v in shapes.most_common(8)],
                "degraded": dict(degraded),
            },
            ensure_ascii=False,
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
