#!/usr/bin/env python3
"""Write path: Sessions against the receiver a user would write instead, side by side in one run (issue 11).

    python3 benchmarks/write-path.py                  # everything below, about 15 minutes; as root
    python3 benchmarks/write-path.py --scenarios receiver,sessions-postgres --workloads hot --temps warm
    python3 benchmarks/write-path.py --wal-probe      # bytes written to storage per event as one server's history grows
    python3 benchmarks/write-path.py --scenarios sessions-postgres --workloads hot --temps warm --profile /tmp/prof

Scenarios, each on a fresh database of one throwaway PostgreSQL (or a fresh SQLite file) and a fresh process:
  pgbench            the raw limit: pgbench, the receiver's INSERT of a 270-byte body (an event's size) per transaction
  receiver           benchmarks/Receiver: token check, SHA-256 of the body, one INSERT … ON CONFLICT (digest) DO NOTHING
  sessions-postgres  one Sessions silo, Storage:Mode=postgres
  sessions-sqlite    one Sessions silo, the default SQLite mode
Workloads (benchmarks/write-path/liveswitch.lua: LiveSwitch mediaserver events, every request a new event of a server
picked at random, authenticated by ?token= like every LiveSwitch server event): fleet, 5,000 servers; hot, 50 servers,
whose entities pile up history fast. Temperatures: warm, --warmup seconds of the same load, then ANALYZE (PostgreSQL),
then --seconds measured; cold, measured straight after the process answers /health/ready on its empty database, no
warm-up, no ANALYZE. wrk (and pgbench) keep 32 connections busy from 2 threads (--connections).

Per run: requests/s, p50 and p99, non-2xx answers and socket errors (any of them fails the whole run, after the
table), the ratio to the receiver's requests/s of the same workload and temperature, CPU milliseconds per request of
the service process, of PostgreSQL (every backend, running or ended) and of the load generator, the ratio of the
receiver's CPU per request to the run's (what the throughput ratio would be if both got the same CPU), how busy the
machine was and how many cores other processes took meanwhile (the machine is shared: ratios within one run count),
and, for Sessions, from its own /metrics before and after the run, the share of the run its one group-commit writer
spent committing (near 100%: every webhook queues behind it), how many writes each commit held, and how many commits
a second took over 10 ms and over 50 ms (its histogram's buckets): every webhook in flight waits out a long commit.
Both .NET processes run as in production: Release build, Production environment, logging at Warning, the runtime's
default (server) GC. The receiver gets the Npgsql settings Sessions gives itself (auto-prepare, no reset on close).

--wal-probe: one server receives --probe-events events one after another (wrk, one connection); windows of
--probe-window events are measured: the first events, and those up to the 100th, 1,000th and 10,000th: PostgreSQL WAL bytes (pg_wal_lsn_diff of
pg_current_wal_lsn() before and after the window), or for SQLite the bytes appended to the -wal file (valid frames,
page size + 24 B each; an open read transaction on another connection keeps checkpoints from resetting the WAL
during the window). Each window is preceded by --probe-settle seconds of quiet and also measured again that long
after it, to show the deferred writes (index shards flush once a second); the quiet before gives the idle drift.

--ready-to-run: both processes are published ReadyToRun for this machine (as the Dockerfile publishes the service) and
run from there, instead of the build output: precompiled code from the first request, which is what cold measures.

--service-env NAME=VALUE (repeatable): an environment variable for the Sessions processes only, such as one of the
runtime's settings (DOTNET_TieredPGO=0); the receiver keeps the runtime's defaults, as a user would run it.

--pg-setting NAME=VALUE (repeatable): a setting of the throwaway PostgreSQL server (wal_compression=lz4), for every
scenario on it alike. Each measured run on PostgreSQL also prints the server's write-ahead log over the run, from
pg_stat_wal and pg_stat_bgwriter: bytes per request, the full-page images written per request (a page's first change
after a checkpoint logs the whole page), and how many checkpoints started during the run.

--profile DIR: PostgreSQL runs with pg_stat_statements, and during each measured run dotnet-counters (a .NET global
tool) and, where installed, perf (on-CPU samples, native and kernel code included) record the service process; then
one more run of the same load goes under dotnet-trace (another .NET global tool; its sampler pauses the runtime every
millisecond, so it gets a run of its own). Written to DIR and printed: each counter's mean, perf's and dotnet-trace's
top frames by exclusive and inclusive time, and the statements by total time. The profilers slow the service: the
figures of a profiled run are not comparable with unprofiled ones.
"""
import argparse
import functools
import glob
import json
import os
import re
import shutil
import signal
import sqlite3
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.dont_write_bytecode = True  # importing ingest.py beside this script leaves no __pycache__ in the work tree
from ingest import (ROOT, SERVICE, Postgres, busy_and_total_ticks, children_cpu_seconds, cpu_seconds, free_port,
                    wait_ready)

RECEIVER = os.path.join(ROOT, "benchmarks/Receiver/bin/Release/net10.0/Receiver.dll")
SCRIPT = os.path.join(ROOT, "benchmarks/write-path/liveswitch.lua")
TOKEN = "write-path-benchmark-token"
WORKLOADS = {"fleet": 5000, "hot": 50}
SERVICE_ENV: dict = {}  # --service-env
CONNECTIONS, THREADS = 32, 2
# The receiver's table, also the raw limit's, so pgbench inserts exactly what the receiver inserts.
RECEIVED_TABLE = "CREATE TABLE IF NOT EXISTS received (digest bytea PRIMARY KEY, body bytea NOT NULL, received_at timestamptz NOT NULL)"
EVENT_BYTES = 270
# Each load run starts its event timestamps this far after the previous run's, so no event repeats an earlier one.
RUN_SPACING_MS = 10 ** 8


class Timestamps:
    """The first event timestamp of each wrk run: far apart, so runs on one database never send the same event."""

    def __init__(self) -> None:
        self.next = int(time.time() * 1000)

    def take(self) -> int:
        self.next += RUN_SPACING_MS
        return self.next


class DotnetProcess:
    """A Release .NET web process configured through its environment, as a container would run it."""

    def __init__(self, dll: str, settings: dict, workdir: str, name: str, profile: bool) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, ASPNETCORE_ENVIRONMENT="Production", Urls=self.url, Logging__LogLevel__Default="Warning",
                   **settings)
        if profile:
            # A perf map of the JIT-compiled code, for perf to name its frames; perf finds it only for code in anonymous
            # memory, not in the runtime's double mapping for W^X.
            env.update(DOTNET_PerfMapEnabled="3", DOTNET_EnableWriteXorExecute="0")
        self.log = open(os.path.join(workdir, f"{name}-{self.port}.log"), "w", encoding="utf-8")
        # The content root is the build output, where appsettings.json is.
        self.process = subprocess.Popen(["dotnet", dll], cwd=os.path.dirname(dll), stdout=self.log,
                                        stderr=subprocess.STDOUT, env=env)
        try:
            wait_ready(self.url, self.log.name)
        except RuntimeError:
            self.stop()
            raise

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(60)
        self.log.close()
        for leftover in glob.glob(f"/tmp/perf*-{self.process.pid}.map"):
            os.remove(leftover)


class Target:
    """What one scenario runs against: the process (none for pgbench), its database, the webhook URL."""

    def __init__(self, scenario: str, pg: Postgres, workdir: str, runs: int, profile: bool) -> None:
        self.scenario = scenario
        self.process = self.sqlite_file = self.database = self.url = None
        if scenario != "sessions-sqlite":
            connection_string = pg.create_database()
            self.database = re.search(r"Database=(\w+)", connection_string).group(1)
            if profile:
                pg.psql(self.database, "CREATE EXTENSION pg_stat_statements")
        if scenario == "pgbench":
            pg.psql(self.database, RECEIVED_TABLE)
            return
        if scenario == "receiver":
            settings = {"Receiver__ConnectionString": connection_string + ";Max Auto Prepare=64;No Reset On Close=true",
                        "Receiver__Token": TOKEN}
            self.process = DotnetProcess(RECEIVER, settings, workdir, "receiver", profile)
        else:
            if scenario == "sessions-sqlite":
                self.sqlite_file = os.path.join(workdir, f"sessions-{runs}.db")
                connection_string = f"Data Source={self.sqlite_file}"
            settings = {"Storage__Mode": scenario.removeprefix("sessions-"), "Storage__ConnectionString": connection_string,
                        "Api__Keys__0": "write-path-benchmark-key",
                        "Webhooks__Sources__liveswitch__Kind": "liveswitch", "Webhooks__Sources__liveswitch__Token": TOKEN,
                        "Orleans__SiloPort": str(free_port()), "Orleans__GatewayPort": str(free_port()), **SERVICE_ENV}
            self.process = DotnetProcess(SERVICE, settings, workdir, scenario, profile)
        self.url = f"{self.process.url}/webhooks/liveswitch?token={TOKEN}"

    @property
    def pid(self):
        return self.process.process.pid if self.process else None

    def commits(self):
        """The group commit's histograms on Sessions' /metrics (seconds spent committing, commits, writes), or None."""
        if not self.scenario.startswith("sessions-"):
            return None
        request = urllib.request.Request(f"{self.process.url}/metrics",
                                         headers={"Authorization": "Bearer write-path-benchmark-key"})
        with urllib.request.urlopen(request, timeout=10) as response:
            text = response.read().decode()
        totals = {}
        for name in ("sessions_storage_commit_duration_seconds_sum", "sessions_storage_commit_duration_seconds_count",
                     "sessions_storage_commit_writes_sum"):
            totals[name] = sum(float(m.group(1)) for m in re.finditer(
                rf'^{name}{{[^}}]*outcome="committed"[^}}]*}} (\S+)$', text, re.MULTILINE))
        # Commits up to 10 ms and up to 50 ms (cumulative buckets): the rest are the long commits every waiting
        # webhook sits behind.
        for bound in ("0.01", "0.05"):
            totals[f"le_{bound}"] = sum(float(m.group(1)) for m in re.finditer(
                rf'^sessions_storage_commit_duration_seconds_bucket{{(?=[^}}]*outcome="committed")(?=[^}}]*le="{bound}")[^}}]*}} (\S+)$',
                text, re.MULTILINE))
        return totals

    def stop(self) -> None:
        if self.process:
            self.process.stop()

    def pause(self) -> None:
        """Stops the process (SIGSTOP) while another scenario is measured: an idle silo still runs its timers."""
        if self.pid:
            os.kill(self.pid, signal.SIGSTOP)

    def resume(self) -> None:
        if self.pid:
            os.kill(self.pid, signal.SIGCONT)


def wrk(url: str, fleet: int, seconds: int, start: int) -> dict:
    args = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s", "-s", SCRIPT, url,
            "--", str(fleet), str(start)]
    done = subprocess.run(args, capture_output=True, text=True)
    return wrk_result(done.stdout + done.stderr)


def wrk_result(output: str) -> dict:
    found = re.search(r"^write-path-result (\{.*\})$", output, re.M)
    if not found:
        raise RuntimeError(f"wrk printed no result:\n{output}")
    result = json.loads(found.group(1))
    result["failures"] = sum(result[k] for k in ("non_2xx", "connect", "read", "write", "timeout"))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def pgbench(pg: Postgres, database: str, seconds: int, tag: str) -> dict:
    script = os.path.join(pg.dir, f"{tag}.sql")
    with open(script, "w", encoding="ascii") as f:
        f.write("\\set r random(1, 9000000000000000000)\n"
                "INSERT INTO received (digest, body, received_at) VALUES "
                "(sha256(convert_to(:client_id || '-' || :r, 'UTF8')), "
                f"convert_to(repeat('x', {EVENT_BYTES}), 'UTF8'), now()) ON CONFLICT (digest) DO NOTHING;\n")
    prefix = os.path.join(pg.dir, tag)
    if pg.as_user:
        shutil.chown(script, "postgres")
    output = pg.run("pgbench", "-h", "127.0.0.1", "-p", str(pg.port), "-U", "postgres", "-n", "-M", "prepared",
                    "-c", str(CONNECTIONS), "-j", str(THREADS), "-T", str(seconds), "-f", script,
                    "-l", "--sampling-rate", "0.1", "--log-prefix", prefix, database)
    # The sampled per-transaction log: "client transaction latency_us script epoch epoch_us" per line.
    latencies = []
    for log in [f for f in os.listdir(pg.dir) if f.startswith(tag + ".")]:
        if log.endswith(".sql"):
            continue
        with open(os.path.join(pg.dir, log), encoding="ascii") as lines:
            latencies += [int(line.split()[2]) for line in lines]
    latencies.sort()
    return {"requests": int(re.search(r"number of transactions actually processed: (\d+)", output).group(1)),
            "rps": float(re.search(r"tps = ([\d.]+)", output).group(1)),
            "p50_us": latencies[len(latencies) // 2] if latencies else 0,
            "p99_us": latencies[int(len(latencies) * 0.99)] if latencies else 0,
            "failures": int(re.search(r"number of failed transactions: (\d+)", output).group(1))}


class Profiler:
    """Counters, CPU samples and pg_stat_statements during a measured run; then a second run under dotnet-trace."""

    def __init__(self, directory: str, pg: Postgres) -> None:
        self.dir = os.path.abspath(directory)
        os.makedirs(self.dir, exist_ok=True)
        self.pg = pg
        tools = os.path.expanduser("~/.dotnet/tools")
        self.counters = shutil.which("dotnet-counters") or os.path.join(tools, "dotnet-counters")
        self.trace = shutil.which("dotnet-trace") or os.path.join(tools, "dotnet-trace")
        self.perf = shutil.which("perf")

    def start(self, target: Target, tag: str, seconds: int) -> list:
        if target.database:
            self.pg.psql(target.database, "SELECT pg_stat_statements_reset()")
        if not target.pid:
            return []
        pid = str(target.pid)
        tools = [subprocess.Popen([self.counters, "collect", "-p", pid, "--format", "csv", "--duration", duration(seconds),
                                   "--counters", "System.Runtime,Microsoft.AspNetCore.Hosting",
                                   "-o", self.file(tag, "counters.csv")], stdout=subprocess.DEVNULL)]
        if self.perf:
            # On-CPU samples of every thread, kernel and native code included; JIT-compiled frames are named from the
            # perf map the runtime writes when profiling (DOTNET_PerfMapEnabled, set by DotnetProcess).
            tools.append(subprocess.Popen([self.perf, "record", "-e", "cpu-clock", "-F", "999", "-g", "-p", pid,
                                           "-o", self.file(tag, "perf.data"), "--", "sleep", str(seconds)],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        return tools

    def finish(self, target: Target, tag: str, tools: list) -> None:
        for tool in tools:
            tool.wait(120)
        if target.pid:
            self.report(tag, "counters", summarise_counters(self.file(tag, "counters.csv")))
        if target.pid and self.perf:
            # perf report names JIT-compiled frames only while the map is where the runtime wrote it: keep a copy, to
            # report again later (put it back under that name).
            shutil.copy(f"/tmp/perf-{target.pid}.map", self.file(tag, f"perf-{target.pid}.map"))
            for kind, sort, flags, top in (("perf-modules", "dso", ["--no-children"], 15),
                                           ("perf-exclusive", "dso,symbol", ["--no-children"], 40),
                                           ("perf-inclusive", "dso,symbol", ["--children"], 80)):
                output = subprocess.run([self.perf, "report", "-i", self.file(tag, "perf.data"), "--stdio", "-g", "none",
                                         "--percent-limit", "0.2", "--sort", sort, *flags],
                                        capture_output=True, text=True).stdout
                lines = [line.rstrip() for line in output.splitlines() if line.strip() and not line.startswith("#")]
                self.report(tag, kind, "\n".join(lines[:top]))
        if target.database:
            self.report(tag, "statements", self.pg.run(
                "psql", "-h", "127.0.0.1", "-p", str(self.pg.port), "-U", "postgres", "-d", target.database, "-c",
                "SELECT calls, round(total_exec_time::numeric, 0) AS total_ms, round(mean_exec_time::numeric, 3) AS mean_ms, "
                "rows, wal_bytes, shared_blks_hit + shared_blks_read AS blocks, "
                "left(regexp_replace(query, '\\s+', ' ', 'g'), 150) AS query "
                "FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 12"))

    def traced(self, target: Target, tag: str, seconds: int, load) -> dict:
        """dotnet-trace's default profile (CPU samples of managed threads) over one more run of the load."""
        trace = self.file(tag, "nettrace")
        collector = subprocess.Popen([self.trace, "collect", "-p", str(target.pid), "--duration", duration(seconds),
                                      "-o", trace], stdout=subprocess.DEVNULL)
        result = load()
        collector.wait(120)
        for sort, flags in (("exclusive", []), ("inclusive", ["--inclusive"])):
            output = subprocess.run([self.trace, "report", trace, "topN", "-n", "40", *flags], capture_output=True, text=True)
            self.report(tag, f"trace-{sort}", output.stdout + output.stderr)
        return result

    def file(self, tag: str, kind: str) -> str:
        return os.path.join(self.dir, f"{tag}.{kind}")

    def report(self, tag: str, kind: str, text: str) -> None:
        with open(self.file(tag, f"{kind}.txt"), "w", encoding="utf-8") as out:
            out.write(text)
        print(f"--- {tag}: {kind}\n{text}", flush=True)


def duration(seconds: int) -> str:
    return time.strftime("00:%H:%M:%S", time.gmtime(seconds))


def summarise_counters(path: str) -> str:
    """Each counter's mean over the run: of its readings, or for a rate, per second (a second without one counts 0)."""
    values, rates, seconds = {}, set(), set()
    with open(path, encoding="utf-8") as csv:
        next(csv)
        for line in csv:
            stamp, _, rest = line.rstrip("\n").split(",", 2)
            name, kind, value = rest.rsplit(",", 2)
            values.setdefault(name, []).append(float(value))
            seconds.add(stamp)
            if kind == "Rate":
                rates.add(name)
    return "\n".join(f"{name}: {sum(v) / (len(seconds) if name in rates else len(v)):,.1f}"
                     for name, v in sorted(values.items()))


def server_query(pg: Postgres, sql: str) -> str:
    return pg.run("psql", "-h", "127.0.0.1", "-p", str(pg.port), "-U", "postgres", "-At", "-F", " ", "-c", sql,
                  "postgres").strip()


@functools.cache
def checkpoints_started(pg: Postgres) -> str:
    """The query for the server's checkpoints so far: PostgreSQL 17 moved them from pg_stat_bgwriter to pg_stat_checkpointer."""
    return ("SELECT num_timed + num_requested FROM pg_stat_checkpointer"
            if int(server_query(pg, "SHOW server_version_num")) >= 170000
            else "SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter")


def server_wal(pg: Postgres) -> tuple:
    """The whole server's write-ahead log so far: bytes, full-page images, checkpoints started."""
    sql = f"SELECT wal_bytes, wal_fpi, ({checkpoints_started(pg)}) FROM pg_stat_wal"
    return tuple(int(field) for field in server_query(pg, sql).split())


def warm_up(target: Target, pg: Postgres, workload: str, args, stamps: Timestamps) -> int:
    """--warmup seconds of the workload's load, then ANALYZE; the failed requests, which fail the run too."""
    if target.scenario == "pgbench":
        failures = pgbench(pg, target.database, args.warmup, f"{target.scenario}-{workload}-warmup")["failures"]
    else:
        failures = wrk(target.url, WORKLOADS[workload], args.warmup, stamps.take())["failures"]
    if target.database:
        pg.psql(target.database, "ANALYZE")
    return failures


def measure(target: Target, pg: Postgres, workload: str, temp: str, args, stamps: Timestamps, profiler,
            warmed: bool = False) -> dict:
    """One measured run of --seconds; a warm one is warmed up first unless it already was (--rounds)."""
    fleet = WORKLOADS[workload]
    tag = f"{target.scenario}-{workload}-{temp}"
    unmeasured_failures = warm_up(target, pg, workload, args, stamps) if temp == "warm" and not warmed else 0
    tools = profiler.start(target, tag, args.seconds) if profiler else []
    service_before = cpu_seconds(target.pid) if target.pid else 0.0
    pg_before = pg.cpu_seconds()
    client_before = children_cpu_seconds()
    commits_before = target.commits()
    wal_before = server_wal(pg) if target.database else None
    busy_before, total_before = busy_and_total_ticks()
    started = time.time()
    if target.scenario == "pgbench":
        result = pgbench(pg, target.database, args.seconds, tag)
    else:
        result = wrk(target.url, fleet, args.seconds, stamps.take())
    wall = time.time() - started
    busy_after, total_after = busy_and_total_ticks()
    client = children_cpu_seconds() - client_before
    service = (cpu_seconds(target.pid) - service_before) if target.pid else 0.0
    database = pg.cpu_seconds() - pg_before
    commits_after = target.commits()
    wal_after = server_wal(pg) if target.database else None
    busy = (busy_after - busy_before) / os.sysconf("SC_CLK_TCK")
    requests = max(1, result["requests"])
    result.update(scenario=target.scenario, workload=workload, temp=temp, unmeasured_failures=unmeasured_failures,
                  service_cpu_ms=1000 * service / requests, postgres_cpu_ms=1000 * database / requests,
                  client_cpu_ms=1000 * client / requests,
                  machine_busy=(busy_after - busy_before) / max(1, total_after - total_before),
                  # Whatever else ran meanwhile: the machine is shared with other work.
                  other_cores=max(0.0, busy - service - client - database) / wall)
    if commits_before and commits_after:
        # The one writer's share of the time spent committing (near 1: storage is the limit), and writes per commit.
        spent, commits, writes, upto10, upto50 = (commits_after[k] - commits_before[k] for k in commits_before)
        result.update(writer_busy=spent / wall, writes_per_commit=writes / max(1, commits),
                      long_commits_per_s=((commits - upto10) / wall, (commits - upto50) / wall))
    if wal_before and wal_after:
        wal_bytes, images, checkpoints = (after - before for before, after in zip(wal_before, wal_after))
        result.update(wal_bytes_per_request=wal_bytes / requests, images_per_request=images / requests,
                      checkpoints=checkpoints)
    if profiler:
        profiler.finish(target, tag, tools)
        if target.pid:
            traced = profiler.traced(target, tag, args.seconds, lambda: wrk(target.url, fleet, args.seconds, stamps.take()))
            result["unmeasured_failures"] += traced["failures"]
    print(json.dumps(result), flush=True)
    return result


def measure_rounds(targets: list, pg: Postgres, workload: str, args, stamps: Timestamps) -> list:
    """--rounds: every target warmed up once, then measured in turns, round after round, each for --seconds while the
    others are stopped (SIGSTOP): a slow spell of the shared machine then falls on every scenario of a round alike."""
    for target in targets:
        target.pause()
    results, unmeasured = [], 0
    try:
        for target in targets:
            target.resume()
            unmeasured += warm_up(target, pg, workload, args, stamps)
            target.pause()
        for turn in range(args.rounds):
            # The order turns each round, so no scenario always follows the same one.
            for target in targets[turn % len(targets):] + targets[:turn % len(targets)]:
                target.resume()
                try:
                    result = measure(target, pg, workload, "warm", args, stamps, None, warmed=True)
                finally:
                    target.pause()
                result["round"] = turn + 1
                results.append(result)
    finally:
        for target in targets:
            target.resume()
    results[0]["unmeasured_failures"] += unmeasured
    return results


def cpu_ms(result: dict) -> float:
    return result["service_cpu_ms"] + result["postgres_cpu_ms"] + result["client_cpu_ms"]


def receiver_of(results: list, r: dict):
    """The receiver's figures of the same workload, temperature and round as r (none in a run without the receiver)."""
    return next((x for x in results if x["scenario"] == "receiver" and x["workload"] == r["workload"]
                 and x["temp"] == r["temp"] and x.get("round") == r.get("round")), None)


def print_table(results: list) -> None:
    """The figures, and two ratios to the receiver: of requests/s, and of CPU per request (what the throughput ratio
    would be if each got the same CPU: on a shared machine the other load takes more from some runs than others).
    With --rounds, each round's ratios are to the receiver of that round, and the medians over rounds follow."""
    print("\n| workload | temp | scenario | req/s | × receiver | p50 ms | p99 ms | non-2xx + errors | "
          "CPU ms/req: service / PostgreSQL / load gen | × receiver by CPU | machine busy | other load (cores) | "
          "writer busy, writes per commit; commits > 10 / > 50 ms per s | WAL per request: bytes, full-page images; checkpoints |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        receiver = receiver_of(results, r)
        ratio = f"{r['rps'] / receiver['rps']:.2f}×" if receiver else "–"
        by_cpu = f"{cpu_ms(receiver) / cpu_ms(r):.2f}×" if receiver else "–"
        failures = r["failures"] + r["unmeasured_failures"]
        workload = f"{r['workload']}, round {r['round']}" if "round" in r else r["workload"]
        writer = (f"{100 * r['writer_busy']:.0f}%, {r['writes_per_commit']:.1f}; "
                  f"{r['long_commits_per_s'][0]:.1f} / {r['long_commits_per_s'][1]:.2f}" if "writer_busy" in r else "–")
        wal = (f"{r['wal_bytes_per_request']:,.0f}, {r['images_per_request']:.2f}; {r['checkpoints']}"
               if "wal_bytes_per_request" in r else "–")
        print(f"| {workload} | {r['temp']} | {r['scenario']} | {r['rps']:,.0f} | {ratio} | {r['p50_us'] / 1000:.1f} | "
              f"{r['p99_us'] / 1000:.1f} | {failures} | {r['service_cpu_ms']:.3f} / {r['postgres_cpu_ms']:.3f} / "
              f"{r['client_cpu_ms']:.3f} | {by_cpu} | {100 * r['machine_busy']:.0f}% | {r['other_cores']:.2f} | "
              f"{writer} | {wal} |")
    rounds = [r for r in results if "round" in r]
    if not rounds:
        return
    print("\n| workload | scenario | rounds | median req/s | median × receiver (each round's own) | "
          "range × receiver | median p99 ms | median × receiver by CPU |")
    print("|---|---|---|---|---|---|---|---|")
    for key in dict.fromkeys((r["workload"], r["scenario"]) for r in rounds):
        mine = [r for r in rounds if (r["workload"], r["scenario"]) == key]
        pairs = [(r, receiver_of(results, r)) for r in mine]
        ratios = [r["rps"] / x["rps"] for r, x in pairs if x]
        by_cpu = [cpu_ms(x) / cpu_ms(r) for r, x in pairs if x]
        shown = (f"{statistics.median(ratios):.2f}× | {min(ratios):.2f}–{max(ratios):.2f}× | "
                 if ratios else "– | – | ")
        print(f"| {key[0]} | {key[1]} | {len(mine)} | {statistics.median(r['rps'] for r in mine):,.0f} | {shown}"
              f"{statistics.median(r['p99_us'] for r in mine) / 1000:.1f} | "
              f"{f'{statistics.median(by_cpu):.2f}×' if by_cpu else '–'} |")


class SqliteWal:
    """Bytes in the valid frames of a SQLite -wal file, with an open read transaction that stops WAL resets."""

    def __init__(self, database: str) -> None:
        self.path = database + "-wal"
        self.reader = sqlite3.connect(database, isolation_level=None)

    def hold(self) -> None:
        self.reader.execute("BEGIN")
        self.reader.execute("SELECT count(*) FROM sqlite_master").fetchone()

    def release(self) -> None:
        self.reader.execute("COMMIT")

    def position(self) -> tuple:
        """(salt, bytes of frames up to the last commit): a reset of the WAL starts new frames under a new salt."""
        with open(self.path, "rb") as wal:
            header = wal.read(32)
            page_size = struct.unpack(">I", header[8:12])[0]
            salt = header[16:24]
            frames = committed = 0
            while True:
                frame = wal.read(24)
                if len(frame) < 24 or frame[8:16] != salt:
                    break
                frames += 1
                if struct.unpack(">I", frame[4:8])[0]:
                    committed = frames
                wal.seek(page_size, os.SEEK_CUR)
        return salt, committed * (page_size + 24)

    @staticmethod
    def between(before: tuple, after: tuple) -> int:
        # The open reader allows at most one reset, at the first write after it began; frames after it are all new.
        return after[1] - before[1] if after[0] == before[0] else after[1]

    def close(self) -> None:
        self.reader.close()


def probe_step(url: str, start: int, count: int) -> dict:
    """count events of one server, one at a time; the script says when the last is answered, and wrk is ended."""
    process = subprocess.Popen(["wrk", "-t1", "-c1", "-d3600s", "--timeout", "10s", "-s", SCRIPT, url, "--", "1",
                                str(start), str(count)], stdout=subprocess.PIPE, text=True)
    output = []
    for line in process.stdout:
        output.append(line)
        if line.startswith("write-path-limit"):
            process.send_signal(signal.SIGINT)
    process.wait()
    return wrk_result("".join(output))


def wal_probe(target: Target, pg: Postgres, args, stamps: Timestamps) -> list:
    window, events = args.probe_window, args.probe_events
    # The first window is events 1 to --probe-window; the others end at the 100th, 1,000th and 10,000th event.
    windows = [(1, window)] + [(m - window + 1, m) for m in (100, 1000, 10000) if window < m <= events]
    if target.sqlite_file:
        wal = SqliteWal(target.sqlite_file)
        position, between = wal.position, SqliteWal.between
    else:
        wal = None
        lsn = "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')"
        def position():
            return int(server_query(pg, lsn).split(".")[0])
        def between(before, after):
            return after - before
    start, sent, rows = stamps.take(), 0, []
    spacing = 64  # the script's timestamp stride per request of one thread
    for first, mark in windows:
        if first - 1 > sent:
            result = probe_step(target.url, start, first - 1 - sent)
            failures = result["failures"]
            start, sent = start + (result["requests"] + 8) * spacing, first - 1
        else:
            failures = 0
        if wal:
            wal.hold()
        quiet = position()
        time.sleep(args.probe_settle)
        before = position()
        result = probe_step(target.url, start, mark - sent)
        start, sent = start + (result["requests"] + 8) * spacing, mark
        after = position()
        time.sleep(args.probe_settle)
        settled = position()
        if wal:
            wal.release()
        n = result["requests"]
        row = {"scenario": target.scenario, "events": f"{first}-{mark}", "bytes_per_event": between(before, after) / n,
               "with_settle_per_event": between(before, settled) / n, "idle_drift": between(quiet, before),
               "p50_us": result["p50_us"], "failures": failures + result["failures"]}
        print(json.dumps(row), flush=True)
        rows.append(row)
    if wal:
        wal.close()
        sizes = {p: os.path.getsize(target.sqlite_file + p) for p in ("", "-wal")}
        print(f"{target.scenario}: database file {sizes['']:,} B, -wal file {sizes['-wal']:,} B after {events} events", flush=True)
    return rows


def print_probe(rows: list, settle: float) -> None:
    print(f"\n| scenario | events | bytes written per event | with the next {settle:g} s, per event | "
          f"idle drift in {settle:g} s before | p50 ms |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['scenario']} | {r['events']} | {r['bytes_per_event']:,.0f} | {r['with_settle_per_event']:,.0f} | "
              f"{r['idle_drift']:,} | {r['p50_us'] / 1000:.1f} |")


def publish_ready_to_run(project: str, name: str) -> str:
    """dotnet publish with ReadyToRun for this machine's OS and architecture into a folder of its own; the DLL's path."""
    subprocess.run(["dotnet", "publish", project, "-c", "Release", "--nologo", "-v", "q", "--os", "linux", "--no-self-contained",
                    "-p:PublishReadyToRun=true", "-p:UseAppHost=false", "-o", name], cwd=ROOT, check=True)
    return os.path.join(name, os.path.basename(name) + ".dll")


def main() -> None:
    global CONNECTIONS
    # Stopped as a whole (kill, a CI timeout): unwind like Ctrl-C, so the processes paused between rounds are resumed
    # and stopped, and the throwaway PostgreSQL shut down, instead of staying behind stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("write-path.py: terminated"))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenarios", default="pgbench,receiver,sessions-postgres,sessions-sqlite")
    parser.add_argument("--workloads", default="fleet,hot")
    parser.add_argument("--temps", default="warm,cold")
    parser.add_argument("--seconds", type=int, default=20, help="measured seconds of each run")
    parser.add_argument("--warmup", type=int, default=20, help="seconds of load before a warm run's measurement")
    parser.add_argument("--wal-probe", action="store_true", help="bytes per event as one server's history grows")
    parser.add_argument("--probe-events", type=int, default=10000)
    parser.add_argument("--probe-window", type=int, default=10)
    parser.add_argument("--probe-settle", type=float, default=1.5)
    parser.add_argument("--profile", metavar="DIR", help="record counters, a trace and pg_stat_statements into DIR")
    parser.add_argument("--rounds", type=int, default=1,
                        help="warm: start every scenario, warm each up once, then measure them in turns this many rounds")
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--ready-to-run", action="store_true",
                        help="publish both processes ReadyToRun (as the Dockerfile does) and run those instead of the build")
    parser.add_argument("--connections", type=int, default=CONNECTIONS,
                        help=f"connections wrk and pgbench keep busy (default {CONNECTIONS}, as issue 11 measures)")
    parser.add_argument("--service-env", action="append", default=[], metavar="NAME=VALUE",
                        help="an environment variable for the Sessions processes only (repeatable)")
    parser.add_argument("--pg-setting", action="append", default=[], metavar="NAME=VALUE",
                        help="a setting of the throwaway PostgreSQL server, for every scenario (repeatable)")
    args = parser.parse_args()
    if any("=" not in setting for setting in args.service_env + args.pg_setting):
        parser.error("--service-env and --pg-setting take NAME=VALUE")
    SERVICE_ENV.update(setting.split("=", 1) for setting in args.service_env)
    CONNECTIONS = args.connections
    scenarios = args.scenarios.split(",")
    if args.wal_probe:
        scenarios = [s for s in scenarios if s != "pgbench"]
    unknown = set(scenarios) - {"pgbench", "receiver", "sessions-postgres", "sessions-sqlite"}
    unknown |= set(args.workloads.split(",")) - set(WORKLOADS) | set(args.temps.split(",")) - {"warm", "cold"}
    if unknown:
        parser.error(f"unknown: {', '.join(sorted(unknown))}")
    if args.rounds > 1 and args.profile:
        parser.error("--rounds and --profile do not go together: profile one scenario at a time")
    work = tempfile.mkdtemp(prefix="sessions-write-path-")
    if args.ready_to_run:
        # As the container image ships them: published, compiled ahead of time for this machine (both processes alike).
        global SERVICE, RECEIVER
        SERVICE, RECEIVER = (publish_ready_to_run(project, os.path.join(work, name))
                             for project, name in (("src/Sessions.Service", "Sessions.Service"), ("benchmarks/Receiver", "Receiver")))
    elif not args.no_build:
        for project in ("src/Sessions.Service", "benchmarks/Receiver"):
            subprocess.run(["dotnet", "build", "-c", "Release", "--nologo", "-v", "q", project], cwd=ROOT, check=True)
    with open("/proc/loadavg", encoding="ascii") as loadavg:
        print(f"load average before: {' '.join(loadavg.read().split()[:3])}; commit "
              f"{subprocess.run(['git', 'rev-parse', '--short', 'HEAD'], cwd=ROOT, capture_output=True, text=True).stdout.strip()}",
              flush=True)
    if SERVICE_ENV:
        print(f"Sessions' processes also get: {' '.join(f'{k}={v}' for k, v in SERVICE_ENV.items())}", flush=True)
    if args.pg_setting:
        print(f"PostgreSQL also gets: {' '.join(args.pg_setting)}", flush=True)
    server_settings = [*(["shared_preload_libraries=pg_stat_statements"] if args.profile else []), *args.pg_setting]
    pg = Postgres(" ".join(f"-c {setting}" for setting in server_settings))
    profiler = Profiler(args.profile, pg) if args.profile else None
    stamps = Timestamps()
    results, runs, failed = [], 0, False
    try:
        if args.wal_probe:
            for scenario in scenarios:
                runs += 1
                target = Target(scenario, pg, work, runs, profile=False)
                try:
                    results += wal_probe(target, pg, args, stamps)
                finally:
                    target.stop()
            print_probe(results, args.probe_settle)
        else:
            for workload in args.workloads.split(","):
                for temp in args.temps.split(","):
                    if temp == "warm" and args.rounds > 1:
                        targets = []
                        try:
                            for scenario in scenarios:
                                runs += 1
                                targets.append(Target(scenario, pg, work, runs, profile=False))
                            results += measure_rounds(targets, pg, workload, args, stamps)
                        finally:
                            for target in targets:
                                target.stop()
                        continue
                    for scenario in scenarios:
                        runs += 1
                        target = Target(scenario, pg, work, runs, profile=bool(profiler))
                        try:
                            results.append(measure(target, pg, workload, temp, args, stamps, profiler))
                        finally:
                            target.stop()
            print_table(results)
        failed = any(r["failures"] + r.get("unmeasured_failures", 0) for r in results)
    except BaseException:
        failed = True
        raise
    finally:
        pg.stop()
        if failed:
            print(f"logs kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    if failed:
        sys.exit("FAILED: some requests were not answered 2xx (or hit socket errors); the figures above do not count")


if __name__ == "__main__":
    main()
