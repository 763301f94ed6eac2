#!/usr/bin/env python3
"""PostgreSQL's side of one group commit, three shapes side by side.

    python3 benchmarks/pg-batch-shape.py               # every shape, alternately, twice each; as root, about a minute

  per-append  per journal append one statement: the journal row, and its request's raw log row in a CTE that sees the
              insert's result (the group commit's shape until the plain inserts below replaced it)
  plain       what the group commit sends today: per journal append its journal insert and its raw log insert as two
              plain statements (a taken version breaks the journal's key and the batch runs again without it)
  multi-row   the same rows as one statement: every journal row of the batch from one set, the raw log rows joined to
              the journal rows actually inserted (so a conflicting append still keeps its request row out)

All of a batch's statements are pipelined in one transaction.

A throwaway PostgreSQL from the machine's binaries with the project's tables (deploy/sql/postgres/0004 and 0008),
pgbench with one client, prepared statements, --appends appends per transaction to random servers, and
synchronous_commit=off for these sessions so the figure is the statements' work and not the disk's flush. Printed:
pgbench's average latency per transaction (one batch) and transactions per second.
"""

import argparse
import glob
import os
import shutil
import socket
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCHEMA = [os.path.join(ROOT, "deploy", "sql", "postgres", name) for name in ("0004-webhook-log.sql", "0008-entity-journal.sql")]
PAYLOAD = "decode(repeat('ab', 350), 'hex')"
BODY = "decode(repeat('cd', 300), 'hex')"
HEADERS = "'{\"content-type\":\"application/json\",\"user-agent\":\"LiveSwitch\"}'"
OUTCOMES = "'[{\"type\":\"mediaserver.stats\",\"entity\":\"server/liveswitch/x\",\"outcome\":\"applied\"}]'"
JOURNAL = "INSERT INTO SessionsJournal (ServiceId, GrainType, GrainKey, Version, RecordedAtMs, Payload)"
REQUEST = "INSERT INTO WebhookLog (Source, Kind, ReceivedAtMs, Headers, Body, Outcomes)"


def per_append(appends: int) -> list:
    return [
        f"WITH j AS ({JOURNAL} VALUES ('svc', 'server', 'k' || (:k + {i}), (:v)::bigint * 1024 + {i}, 0, {PAYLOAD}) "
        f"ON CONFLICT DO NOTHING RETURNING 1) {REQUEST} SELECT 'liveswitch', 'liveswitch', 0, {HEADERS}, {BODY}, "
        f"{OUTCOMES} WHERE EXISTS (SELECT FROM j);"
        for i in range(appends)]


def plain(appends: int) -> list:
    return [statement for i in range(appends) for statement in (
        f"{JOURNAL} VALUES ('svc', 'server', 'k' || (:k + {i}), (:v)::bigint * 1024 + {i}, 0, {PAYLOAD});",
        f"{REQUEST} VALUES ('liveswitch', 'liveswitch', 0, {HEADERS}, {BODY}, {OUTCOMES});")]


def multi_row(appends: int) -> list:
    return [
        f"WITH t AS (SELECT 'k' || (:k + g) AS k, (:v)::bigint * 1024 + g AS v FROM generate_series(0, {appends - 1}) g), "
        f"j AS ({JOURNAL} SELECT 'svc', 'server', t.k, t.v, 0, {PAYLOAD} FROM t ON CONFLICT DO NOTHING "
        f"RETURNING GrainKey, Version) {REQUEST} SELECT 'liveswitch', 'liveswitch', 0, {HEADERS}, {BODY}, {OUTCOMES} FROM j;"]


def script(statements: list) -> str:
    return "\n".join(["\\set k random(1, 5000)", "\\set v random(1, 1000000000)", "\\startpipeline", "BEGIN;",
                      *statements, "COMMIT;", "\\endpipeline"]) + "\n"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def as_postgres(args: list, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(["su", "postgres", "-c", " ".join(args)], check=True, capture_output=True, text=True, **kwargs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--appends", type=int, default=15, help="appends per batch (the service's batches: 11-15 at 32 connections)")
    parser.add_argument("--seconds", type=int, default=10, help="each pgbench run")
    parser.add_argument("--runs", type=int, default=2, help="runs of each shape, alternating")
    args = parser.parse_args()
    binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1]
    work = tempfile.mkdtemp(prefix="sessions-pg-batch-")
    os.chmod(work, 0o755)
    shutil.chown(work, "postgres")
    data, port = os.path.join(work, "data"), free_port()
    as_postgres([f"{binaries}/initdb", "-D", data, "-A", "trust"])
    as_postgres([f"{binaries}/pg_ctl", "-D", data, "-o", f"'-p {port} -k {work}'", "-l", os.path.join(work, "log"), "-w", "start"])
    try:
        for schema in SCHEMA:
            with open(schema, encoding="utf-8") as sql:
                subprocess.run(["su", "postgres", "-c", f"{binaries}/psql -h {work} -p {port} -q -v ON_ERROR_STOP=1 postgres"],
                               stdin=sql, check=True, capture_output=True)
        shapes = {"per-append": per_append(args.appends), "plain": plain(args.appends), "multi-row": multi_row(args.appends)}
        for name, statements in shapes.items():
            with open(os.path.join(work, f"{name}.sql"), "w", encoding="utf-8") as f:
                f.write(script(statements))
        print(f"{args.appends} appends per transaction, one client, synchronous_commit=off")
        for run in range(args.runs):
            for name in shapes:
                done = subprocess.run(
                    ["su", "postgres", "-c", f"{binaries}/pgbench -h {work} -p {port} -n -M prepared -c 1 -T {args.seconds} "
                                         f"-f {work}/{name}.sql postgres"],
                    check=True, capture_output=True, text=True, env=dict(os.environ, PGOPTIONS="-c synchronous_commit=off"))
                figures = [line.strip() for line in done.stdout.splitlines() if line.startswith(("latency average", "tps"))]
                print(f"run {run + 1}  {name:<10}  " + "; ".join(figures))
    finally:
        as_postgres([f"{binaries}/pg_ctl", "-D", data, "-m", "fast", "stop"])
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
