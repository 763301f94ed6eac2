#!/usr/bin/env python3
"""Load N servers and N sessions into a running Sessions instance, then measure query latency and memory.

Events go through a `standard` source (Standard Webhooks v1, signed per request), the same path as any webhook.

    python3 benchmarks/query-latency.py --url http://127.0.0.1:5080 --key $KEY --pid $(pgrep -f Sessions.Service.dll) \
        --secret whsec_... --entities 10000
"""
import argparse
import base64
import hashlib
import hmac
import json
import random
import statistics
import threading
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


def post(url: str, key: bytes, body: dict) -> None:
    data = json.dumps(body, separators=(",", ":")).encode()
    msg_id, stamp = "msg_" + uuid.uuid4().hex, str(int(time.time()))
    signature = base64.b64encode(hmac.new(key, f"{msg_id}.{stamp}.".encode() + data, hashlib.sha256).digest()).decode()
    request = urllib.request.Request(url, data=data, method="POST", headers={
        "Content-Type": "application/json", "webhook-id": msg_id, "webhook-timestamp": stamp, "webhook-signature": "v1," + signature})
    with urllib.request.urlopen(request) as response:
        response.read()


def timed_get(url: str, api_key: str) -> float:
    request = urllib.request.Request(url, headers={"Authorization": "Bearer " + api_key})
    start = time.perf_counter()
    with urllib.request.urlopen(request) as response:
        response.read()
    return (time.perf_counter() - start) * 1000


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:5080")
    parser.add_argument("--key", required=True, help="API key")
    parser.add_argument("--secret", required=True, help="whsec_ secret of the 'standard' source")
    parser.add_argument("--source", default="standard")
    parser.add_argument("--pid", type=int, required=True, help="the service's process id, for its memory")
    parser.add_argument("--entities", type=int, default=10000, help="servers, and as many sessions")
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()

    key = base64.b64decode(args.secret.removeprefix("whsec_"))
    hook = f"{args.url}/webhooks/{args.source}"
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    rss_before = rss_kib(args.pid)
    events = []
    for n in range(args.entities):
        events.append({"type": "server.registered", "timestamp": now,
                       "data": {"provider": "bench", "id": f"srv-{n}", "role": random.choice(["gateway", "mediaserver"]),
                                "region": random.choice(["eu-west", "us-east", "ap-south"])}})
        events.append({"type": "session.started", "timestamp": now, "data": {"provider": "bench", "id": f"s-{n}", "title": f"Session {n}"}})
        events.append({"type": "participant.joined", "timestamp": now, "data": {"provider": "bench", "id": f"s-{n}", "participantId": f"p-{n}", "name": "Guest"}})
    started = time.perf_counter()
    lock, done = threading.Lock(), [0]

    def send(event):
        post(hook, key, event)
        with lock:
            done[0] += 1
            if done[0] % 5000 == 0:
                print(f"  {done[0]} events, {done[0] / (time.perf_counter() - started):.0f}/s", flush=True)

    with ThreadPoolExecutor(args.concurrency) as pool:
        list(pool.map(send, events))
    load_seconds = time.perf_counter() - started
    time.sleep(3)
    rss_after = rss_kib(args.pid)
    print(f"loaded {len(events)} events in {load_seconds:.1f} s ({len(events) / load_seconds:.0f} events/s)")
    print(f"RSS {rss_before / 1024:.0f} MiB -> {rss_after / 1024:.0f} MiB: "
          f"{(rss_after - rss_before) * 1024 / (2 * args.entities):.0f} bytes per active entity (server or session, grain + index entry)")

    for name, path in (("GET /api/sessions/{provider}/{id}", lambda: f"/api/sessions/bench/s-{random.randrange(args.entities)}"),
                       ("GET /api/fleet", lambda: "/api/fleet"),
                       ("GET /api/sessions?status=active&limit=50", lambda: "/api/sessions?status=active&limit=50")):
        for _ in range(20):
            timed_get(args.url + path(), args.key)
        latencies = [timed_get(args.url + path(), args.key) for _ in range(args.samples)]
        print(f"{name}: p50 {percentile(latencies, 50):.2f} ms, p99 {percentile(latencies, 99):.2f} ms, "
              f"mean {statistics.mean(latencies):.2f} ms over {args.samples}")


if __name__ == "__main__":
    main()
