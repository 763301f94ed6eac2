#!/usr/bin/env python3
"""Memory after large bodies: the service's RSS before, at peak while C concurrent ~900 KiB valid webhooks are handled,
and after a minute idle (issue 15.6). Bodies are genuine Standard Webhooks `recording.status` events padded with JSON
whitespace, signed per request, so each is read, verified, parsed, applied and kept in the raw log.

    python3 benchmarks/body-memory.py --url http://127.0.0.1:5080 --pid $(pgrep -f Sessions.Service.dll) \
        --secret whsec_... --concurrency 200 --size 921600
"""
import argparse
import base64
import hashlib
import hmac
import json
import threading
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor


def rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) / 1024


def post(url: str, key: bytes, size: int, n: int) -> int:
    event = {"type": "recording.status", "data": {"provider": "bench", "id": f"big-{n}", "status": "recording"}}
    data = json.dumps(event, separators=(",", ":")).encode()
    data += b" " * max(0, size - len(data))
    msg_id, stamp = "msg_" + uuid.uuid4().hex, str(int(time.time()))
    signature = base64.b64encode(hmac.new(key, f"{msg_id}.{stamp}.".encode() + data, hashlib.sha256).digest()).decode()
    request = urllib.request.Request(url, data=data, method="POST", headers={
        "Content-Type": "application/json", "webhook-id": msg_id, "webhook-timestamp": stamp, "webhook-signature": "v1," + signature})
    try:
        with urllib.request.urlopen(request) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:5080")
    parser.add_argument("--secret", required=True, help="whsec_ secret of the 'standard' source")
    parser.add_argument("--source", default="standard")
    parser.add_argument("--pid", type=int, required=True, help="the service's process id, for its memory")
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--size", type=int, default=900 * 1024, help="bytes per body")
    parser.add_argument("--idle", type=int, default=60, help="seconds to wait idle before the last reading")
    args = parser.parse_args()

    key = base64.b64decode(args.secret.removeprefix("whsec_"))
    url = f"{args.url}/webhooks/{args.source}"
    before = rss_mib(args.pid)
    peak = before
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, rss_mib(args.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    with ThreadPoolExecutor(args.concurrency) as pool:
        statuses = list(pool.map(lambda n: post(url, key, args.size, n), range(args.concurrency)))
    done.set()
    sampler.join()
    time.sleep(args.idle)
    after = rss_mib(args.pid)
    counts = {status: statuses.count(status) for status in sorted(set(statuses))}
    print(f"bodies       {args.concurrency} x {args.size} bytes at once; answers {counts}")
    print(f"RSS before   {before:8.1f} MiB")
    print(f"RSS peak     {peak:8.1f} MiB")
    print(f"RSS after    {after:8.1f} MiB  ({args.idle} s idle)")


if __name__ == "__main__":
    main()
