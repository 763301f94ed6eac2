#!/usr/bin/env python3
"""Durable ingest benchmark: Sessions against the raw one-row-insert limit of the same PostgreSQL, in one run.

    python3 benchmarks/ingest.py                       # every scenario, defaults below
    python3 benchmarks/ingest.py --scenarios pgbench,postgres --events 20000 --concurrency 32

Scenarios (run in this order, each on a fresh database of one throwaway PostgreSQL, or a fresh SQLite file):
  pgbench   the raw limit: pgbench, one INSERT of a 2 KiB row per transaction, --concurrency clients
  postgres  one silo on PostgreSQL: an unmeasured warm-up run (--warmup deliveries: the JIT promotes the hot paths to
            optimised code only after a minute or so under load), the simulator unpaced (--events deliveries), then
            paced at half the rate it reached for --paced-seconds while a reader times GET /api/fleet and /api/sessions
  sqlite    the same on the embedded default (one silo, SQLite file)
  cluster   two silos on one PostgreSQL behind a third process in the frontend role, the simulator against it
Every delivery the simulator counts as acknowledged got a 2xx, which the service gives only once the event is stored
(PostgreSQL and SQLite keep their default durable commits). Each measured run ends with --verify: the API must show
every acknowledged event. The load generator runs on the same cores, so each unpaced run also reports the CPU time per
delivery of the service processes, of PostgreSQL and of the simulator, and how busy the machine was. Needs the
machine's PostgreSQL binaries (/usr/lib/postgresql/*/bin) and pgbench; builds Release first. Run as root, PostgreSQL
runs as the postgres user.
"""
import argparse
import glob
import json
import os
import resource
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SERVICE = os.path.join(ROOT, "src/Sessions.Service/bin/Release/net10.0/Sessions.Service.dll")
SIMULATOR = os.path.join(ROOT, "src/Sessions.Simulator/bin/Release/net10.0/Sessions.Simulator.dll")
API_KEY = "benchmark-key"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def reaped_children_cpu_seconds(pid: int) -> float:
    """CPU time of the children a process has waited for: PostgreSQL's backends once their clients disconnect."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")


def busy_and_total_ticks() -> tuple:
    """The machine's CPU ticks: (busy, total) since boot, from /proc/stat."""
    with open("/proc/stat", encoding="ascii") as stat:
        fields = [int(f) for f in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) / 1024


class Postgres:
    """A throwaway server from the machine's binaries, durable defaults (fsync, synchronous_commit on)."""

    def __init__(self, settings: str = "") -> None:
        """settings: more server options for the command line ("-c name=value …")."""
        self.bin = sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1]
        self.dir = tempfile.mkdtemp(prefix="sessions-bench-pg-")
        self.port = free_port()
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.dir, "postgres")
        self.run("initdb", "-D", f"{self.dir}/data", "-U", "postgres", "-A", "trust", quiet=True)
        self.run("pg_ctl", "-D", f"{self.dir}/data", "-l", f"{self.dir}/log", "-w", "start", "-o",
                 f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=400 {settings}", quiet=True)
        self.databases = 0

    def run(self, tool: str, *args: str, quiet: bool = False) -> str:
        path = tool if tool == "pgbench" and not os.path.exists(f"{self.bin}/pgbench") else f"{self.bin}/{tool}"
        result = subprocess.run([*self.as_user, path, *args], capture_output=True, text=True, check=True)
        return "" if quiet else result.stdout + result.stderr

    def psql(self, database: str, sql: str) -> None:
        self.run("psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1", "-c", sql, quiet=True)

    def create_database(self) -> str:
        self.databases += 1
        name = f"sessions{self.databases}"
        self.psql("postgres", f"CREATE DATABASE {name}")
        return f"Host=127.0.0.1;Port={self.port};Database={name};Username=postgres;Maximum Pool Size=200"

    def cpu_seconds(self) -> float:
        """CPU time of the postmaster and every process it started (backends, writers, autovacuum), running or ended."""
        with open(f"{self.dir}/data/postmaster.pid", encoding="ascii") as pidfile:
            postmaster = int(pidfile.readline())
        total = cpu_seconds(postmaster) + reaped_children_cpu_seconds(postmaster)
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat", encoding="ascii") as stat:
                        if int(stat.read().rsplit(")", 1)[1].split()[1]) == postmaster:
                            total += cpu_seconds(int(entry))
                except (OSError, ValueError):
                    pass
        return total

    def stop(self) -> None:
        self.run("pg_ctl", "-D", f"{self.dir}/data", "-m", "immediate", "stop", quiet=True)
        shutil.rmtree(self.dir, ignore_errors=True)


def wait_ready(url: str, log: str) -> None:
    """Until GET /health/ready answers 200, for at most 90 s."""
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url + "/health/ready", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"service on {url} not ready; see {log}")


class Service:
    """One Release service process (Development environment: the test-only webhook sources the simulator signs for)."""

    def __init__(self, settings: dict, workdir: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        args = ["dotnet", SERVICE, f"--Urls={self.url}", f"--Api:Keys:0={API_KEY}",
                f"--Orleans:SiloPort={free_port()}", f"--Orleans:GatewayPort={free_port()}"]
        args += [f"--{k}={v}" for k, v in settings.items()]
        self.log = open(os.path.join(workdir, f"service-{self.port}.log"), "w", encoding="utf-8")
        env = dict(os.environ, ASPNETCORE_ENVIRONMENT="Development", DOTNET_gcServer="0")
        # The content root is the build output, where appsettings.Development.json is.
        self.process = subprocess.Popen(args, cwd=os.path.dirname(SERVICE), stdout=self.log, stderr=subprocess.STDOUT, env=env)
        wait_ready(self.url, self.log.name)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(60)
        self.log.close()


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def simulate(url: str, run_id: str, extra: list, verify: bool = True) -> dict:
    args = ["dotnet", SIMULATOR, "--url", url, "--api-key", API_KEY, "--run-id", run_id, *extra]
    if verify:
        args += ["--verify", "--verify-timeout", "60s"]
    before = children_cpu_seconds()
    output = subprocess.run(args, capture_output=True, text=True).stdout
    figures = {
        "throughput": float(re.search(r"^throughput\s+([\d.]+)", output, re.M).group(1)),
        "p50": float(re.search(r"p50 ([\d.]+) ms", output).group(1)),
        "p90": float(re.search(r"p90 ([\d.]+) ms", output).group(1)),
        "p99": float(re.search(r"p99 ([\d.]+) ms", output).group(1)),
        "max": float(re.search(r"max ([\d.]+) ms", output).group(1)),
        "acknowledged": int(re.search(r"^acknowledged\s+(\d+)", output, re.M).group(1)),
        "failed": int(re.search(r"^failed\s+(\d+)", output, re.M).group(1)),
        "verified": "verification  passed" in output,
        "cpu_seconds": children_cpu_seconds() - before,
    }
    if (verify and not figures["verified"]) or figures["acknowledged"] == 0:
        print(output, file=sys.stderr)
        raise RuntimeError(f"simulator run {run_id} did not verify")
    return figures


def timed_reads(url: str, stop: threading.Event, samples: dict) -> None:
    paths = {"fleet": "/api/fleet", "sessions": "/api/sessions?limit=50"}
    while not stop.is_set():
        for name, path in paths.items():
            request = urllib.request.Request(url + path, headers={"Authorization": "Bearer " + API_KEY})
            started = time.perf_counter()
            with urllib.request.urlopen(request, timeout=30) as response:
                response.read()
            samples[name].append((time.perf_counter() - started) * 1000)
        time.sleep(0.05)


def percentile(values: list, p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, int(round(p * len(ordered) + 0.5)) - 1))]


def ingest(name: str, url: str, pids: list, pg, args, tag: str) -> dict:
    """A warm-up, then unpaced with the CPU split, then paced at half the rate reached with timed reads."""
    simulate(url, f"{tag}warm", ["--events", str(args.warmup), "--concurrency", str(args.concurrency)], verify=False)
    service_before = sum(cpu_seconds(p) for p in pids)
    pg_before = pg.cpu_seconds() if pg else 0.0
    busy_before, total_before = busy_and_total_ticks()
    peak = simulate(url, f"{tag}max", ["--events", str(args.events), "--concurrency", str(args.concurrency)])
    busy_after, total_after = busy_and_total_ticks()
    acknowledged = max(1, peak["acknowledged"])
    peak["service_cpu_ms"] = 1000 * (sum(cpu_seconds(p) for p in pids) - service_before) / acknowledged
    peak["postgres_cpu_ms"] = 1000 * ((pg.cpu_seconds() if pg else 0.0) - pg_before) / acknowledged
    peak["simulator_cpu_ms"] = 1000 * peak["cpu_seconds"] / acknowledged
    peak["machine_busy"] = (busy_after - busy_before) / max(1, total_after - total_before)
    half = peak["throughput"] / 2
    samples = {"fleet": [], "sessions": []}
    stop = threading.Event()
    reader = threading.Thread(target=timed_reads, args=(url, stop, samples))
    reader.start()
    paced = simulate(url, f"{tag}half", ["--rate", f"{half:.0f}", "--duration", f"{args.paced_seconds}s",
                                          "--concurrency", str(args.concurrency)])
    stop.set()
    reader.join()
    reads = {k: {"p50": statistics.median(v), "p99": percentile(v, 0.99), "n": len(v)} for k, v in samples.items()}
    result = {"scenario": name, "max": peak, "half_rate": round(half), "paced": paced, "reads": reads,
              "rss_mib": [round(rss_mib(p)) for p in pids]}
    print(json.dumps(result), flush=True)
    return result


def pgbench(pg: Postgres, args) -> dict:
    pg.psql("postgres", "CREATE DATABASE bench")
    pg.psql("bench", "CREATE TABLE one_row (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), body bytea NOT NULL)")
    script = os.path.join(pg.dir, "insert.sql")
    with open(script, "w", encoding="ascii") as f:
        f.write("INSERT INTO one_row (body) VALUES (convert_to(repeat('x', 2048), 'UTF8'));\n")
    if pg.as_user:
        shutil.chown(script, "postgres")
    client_before = children_cpu_seconds()
    busy_before, total_before = busy_and_total_ticks()
    output = pg.run("pgbench", "-h", "127.0.0.1", "-p", str(pg.port), "-U", "postgres", "-n", "-M", "prepared",
                    "-c", str(args.concurrency), "-j", "2", "-T", str(args.pgbench_seconds), "-f", script, "bench")
    busy_after, total_after = busy_and_total_ticks()
    client = children_cpu_seconds() - client_before
    tps = float(re.search(r"tps = ([\d.]+)", output).group(1))
    inserts = max(1.0, tps * args.pgbench_seconds)
    result = {"scenario": "pgbench", "tps": tps,
              "latency_ms": float(re.search(r"latency average = ([\d.]+) ms", output).group(1)),
              # pgbench's backends exit with it, so PostgreSQL's share is the machine's busy time less pgbench's own.
              "postgres_cpu_ms": 1000 * ((busy_after - busy_before) / os.sysconf("SC_CLK_TCK") - client) / inserts,
              "client_cpu_ms": 1000 * client / inserts,
              "machine_busy": (busy_after - busy_before) / max(1, total_after - total_before)}
    print(json.dumps(result), flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenarios", default="pgbench,postgres,sqlite,cluster")
    parser.add_argument("--warmup", type=int, default=40000, help="deliveries of the unmeasured warm-up run")
    parser.add_argument("--events", type=int, default=40000, help="deliveries of each measured unpaced run")
    parser.add_argument("--concurrency", type=int, default=32, help="requests in flight, and pgbench clients")
    parser.add_argument("--paced-seconds", type=int, default=60)
    parser.add_argument("--pgbench-seconds", type=int, default=30)
    parser.add_argument("--no-build", action="store_true")
    args = parser.parse_args()
    scenarios = args.scenarios.split(",")
    if not args.no_build:
        for project in ("src/Sessions.Service", "src/Sessions.Simulator"):
            subprocess.run(["dotnet", "build", "-c", "Release", "--nologo", "-v", "q", project], cwd=ROOT, check=True)
    work = tempfile.mkdtemp(prefix="sessions-bench-")
    pg = Postgres() if {"pgbench", "postgres", "cluster"} & set(scenarios) else None
    results = []
    try:
        for scenario in scenarios:
            if scenario == "pgbench":
                results.append(pgbench(pg, args))
            elif scenario == "postgres":
                service = Service({"Storage:Mode": "postgres", "Storage:ConnectionString": pg.create_database()}, work)
                try:
                    results.append(ingest("postgres", service.url, [service.process.pid], pg, args, "pg"))
                finally:
                    service.stop()
            elif scenario == "sqlite":
                service = Service({"Storage:Mode": "sqlite", "Storage:ConnectionString": f"Data Source={work}/sessions.db"}, work)
                try:
                    results.append(ingest("sqlite", service.url, [service.process.pid], None, args, "sq"))
                finally:
                    service.stop()
            elif scenario == "cluster":
                settings = {"Storage:Mode": "postgres", "Storage:ConnectionString": pg.create_database(), "Orleans:ClusterId": "bench"}
                silos = [Service(settings, work), Service(settings, work)]
                frontend = Service(dict(settings, Role="frontend"), work)
                try:
                    processes = [s.process.pid for s in [*silos, frontend]]
                    results.append(ingest("cluster", frontend.url, processes, pg, args, "cl"))
                finally:
                    for node in [frontend, *silos]:
                        node.stop()
    finally:
        if pg:
            pg.stop()
        shutil.rmtree(work, ignore_errors=True)
    raw = next((r["tps"] for r in results if r["scenario"] == "pgbench"), None)
    for r in results:
        if r["scenario"] == "pgbench":
            print(f"pgbench    raw one-row inserts {r['tps']:8.0f}/s  (latency avg {r['latency_ms']:.1f} ms)")
            print(f"{'':<10} CPU per insert: PostgreSQL {r['postgres_cpu_ms']:.3f} ms, pgbench {r['client_cpu_ms']:.3f} ms; "
                  f"machine {100 * r['machine_busy']:.0f}% busy")
            continue
        m, p = r["max"], r["paced"]
        ratio = f"  = {100 * m['throughput'] / raw:.0f}% of raw" if raw else ""
        print(f"{r['scenario']:<10} max {m['throughput']:8.0f}/s{ratio}  p50 {m['p50']:.1f} p99 {m['p99']:.1f} ms  verified {m['verified']}")
        print(f"{'':<10} CPU per delivery: service {m['service_cpu_ms']:.2f} ms, PostgreSQL {m['postgres_cpu_ms']:.2f} ms, "
              f"simulator {m['simulator_cpu_ms']:.2f} ms; machine {100 * m['machine_busy']:.0f}% busy")
        print(f"{'':<10} at {r['half_rate']}/s: p50 {p['p50']:.1f} p90 {p['p90']:.1f} p99 {p['p99']:.1f} max {p['max']:.1f} ms  "
              f"verified {p['verified']}; GET fleet p50 {r['reads']['fleet']['p50']:.1f} p99 {r['reads']['fleet']['p99']:.1f} ms, "
              f"sessions p50 {r['reads']['sessions']['p50']:.1f} p99 {r['reads']['sessions']['p99']:.1f} ms")


if __name__ == "__main__":
    main()
