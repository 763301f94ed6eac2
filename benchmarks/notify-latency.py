#!/usr/bin/env python3
"""Outbound notifications, measured as a user would (issue 12): how long from a change being acknowledged to its
provider until a subscribed receiver has it, and whether a failing or hanging receiver slows ingest.

Against a running service (Development profile: the 'standard' source's test secret). It starts its own receivers on
loopback, creates a subscription for `session.active` per phase, sends `session.started` webhooks for new sessions at a
fixed rate and deletes the subscription afterwards.

    dotnet run -c Release --project src/Sessions.Service &
    python3 benchmarks/notify-latency.py --key $(cat src/Sessions.Service/data/api-key) --rate 100 --seconds 30

Phases, each at the same rate: `none` (no subscription: ingest alone), `ok` (a receiver answering 200: delivery
latency), `failing` (answers 503), `hanging` (never answers within the service's timeout).
"""
import argparse
import base64
import hashlib
import hmac
import http.client
import http.server
import json
import statistics
import threading
import time
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor

SECRET = "whsec_dGVzdC1zdGFuZGFyZC13ZWJob29rcy1zZWNyZXQtMDEyMzQ1"


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


class Receiver(http.server.ThreadingHTTPServer):
    """A loopback receiver: records when each session's notification arrived, or fails, or hangs."""

    daemon_threads = True

    def __init__(self, behaviour: str):
        self.behaviour = behaviour
        self.arrivals: dict[str, float] = {}
        self.requests = 0
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (the standard library's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                server.requests += 1
                if server.behaviour == "hanging":
                    time.sleep(60)
                    return
                if server.behaviour == "failing":
                    self.send_response(503)
                    self.end_headers()
                    return
                now = time.monotonic()
                events = json.loads(body)
                for event in events if isinstance(events, list) else [events]:
                    if event.get("type") == "session.active":
                        server.arrivals.setdefault(event["data"]["id"], now)
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hook"


class Service:
    def __init__(self, url: str, key: str, secret: str):
        self.base = urllib.parse.urlparse(url)
        self.key = key
        self.signing_key = base64.b64decode(secret.removeprefix("whsec_"))
        self.local = threading.local()

    def connection(self) -> http.client.HTTPConnection:
        if not hasattr(self.local, "connection"):
            self.local.connection = http.client.HTTPConnection(self.base.hostname, self.base.port, timeout=60)
        return self.local.connection

    def api(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        connection = http.client.HTTPConnection(self.base.hostname, self.base.port, timeout=30)
        connection.request(method, path, body=json.dumps(body) if body is not None else None,
                           headers={"Authorization": f"Bearer {self.key}", "Content-Type": "application/json"})
        response = connection.getresponse()
        text = response.read()
        connection.close()
        return response.status, json.loads(text) if text else {}

    def start_session(self, session_id: str) -> tuple[int, float]:
        """Sends one signed `session.started`; its status and how long the answer took (seconds)."""
        data = json.dumps({"type": "session.started", "data": {"provider": "bench", "id": session_id}}).encode()
        msg_id, stamp = "msg_" + uuid.uuid4().hex, str(int(time.time()))
        signature = base64.b64encode(hmac.new(self.signing_key, f"{msg_id}.{stamp}.".encode() + data, hashlib.sha256).digest())
        started = time.monotonic()
        connection = self.connection()
        connection.request("POST", "/webhooks/standard", body=data, headers={
            "Content-Type": "application/json", "webhook-id": msg_id, "webhook-timestamp": stamp,
            "webhook-signature": "v1," + signature.decode()})
        response = connection.getresponse()
        response.read()
        return response.status, time.monotonic() - started


def run_phase(service: Service, name: str, rate: float, seconds: float, settle: float) -> None:
    receiver = Receiver(name) if name != "none" else None
    subscription = None
    if receiver:
        status, subscription = service.api("POST", "/api/subscriptions", {
            "name": f"bench-{name}", "url": receiver.url, "category": "session", "events": ["session.active"]})
        if status != 201:
            raise SystemExit(f"creating the subscription answered {status}: {subscription}")

    run = uuid.uuid4().hex[:8]
    acked: dict[str, float] = {}
    durations: list[float] = []
    errors = 0
    lock = threading.Lock()

    def send(i: int) -> None:
        nonlocal errors
        session_id = f"{name}-{run}-{i}"
        status, took = service.start_session(session_id)
        with lock:
            durations.append(took * 1000)
            if 200 <= status < 300:
                acked[session_id] = time.monotonic()
            else:
                errors += 1

    total = int(rate * seconds)
    begin = time.monotonic()
    with ThreadPoolExecutor(32) as pool:
        for i in range(total):
            delay = begin + i / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            pool.submit(send, i)
    sent_for = time.monotonic() - begin

    line = (f"{name:8} sent {total} in {sent_for:5.1f} s, non-2xx {errors}; ingest p50 {percentile(durations, 50):6.1f} ms"
            f" p99 {percentile(durations, 99):6.1f} ms")
    if receiver and name == "ok":
        deadline = time.monotonic() + settle
        while len(receiver.arrivals.keys() & acked.keys()) < len(acked) and time.monotonic() < deadline:
            time.sleep(0.2)
        latencies = [(receiver.arrivals[s] - at) * 1000 for s, at in acked.items() if s in receiver.arrivals]
        line += (f"; delivered {len(latencies)}/{len(acked)}, change to receiver p50 {percentile(latencies, 50):6.1f} ms"
                 f" p99 {percentile(latencies, 99):6.1f} ms")
        if latencies:
            line += f" mean {statistics.fmean(latencies):6.1f} ms"
    elif receiver:
        line += f"; receiver saw {receiver.requests} requests"
    print(line, flush=True)

    if subscription:
        service.api("DELETE", f"/api/subscriptions/{subscription['id']}")
    if receiver:
        receiver.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:5080")
    parser.add_argument("--key", required=True, help="an API key of the service")
    parser.add_argument("--secret", default=SECRET, help="whsec_ secret of the 'standard' source")
    parser.add_argument("--rate", type=float, default=100, help="webhooks per second")
    parser.add_argument("--seconds", type=float, default=30, help="seconds per phase")
    parser.add_argument("--settle", type=float, default=30, help="seconds to wait for the last deliveries")
    parser.add_argument("--phases", default="none,ok,failing,hanging")
    args = parser.parse_args()

    service = Service(args.url, args.key, args.secret)
    for phase in args.phases.split(","):
        run_phase(service, phase, args.rate, args.seconds, args.settle)


if __name__ == "__main__":
    main()
