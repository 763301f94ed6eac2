#!/usr/bin/env python3
"""The SQLite journal's layouts, side by side: pages written to the WAL and CPU per group commit.

    python3 benchmarks/sqlite-journal-layout.py            # every layout, twice each, about a minute and a half

  clustered  the rows inside their key, WITHOUT ROWID (deploy/sql/sqlite/0005)
  in-order   a rowid table in append order, the (entity, version) key in a unique index (deploy/sql/sqlite/0009)
  linked     in-order without that index: each row points to its entity's previous one, the entities' latest rows
             (heads) kept in memory and saved to a table of their own every --heads-every commits (deploy/sql/sqlite/0010;
             the service saves every ten seconds, some 750 commits of 8 at its SQLite-mode rate on this workload)
  untimed    linked without the index by time (GrainType, RecordedAtMs, …) that index shards' repair reads; not built:
             what it would save if the repair read the saved heads' times instead

Each run: a fresh file in WAL mode with synchronous=FULL (as the service), a history of --history rows over --fleet
servers, then --commits transactions of --per-commit appends, each to a server picked at random (a group commit across
a fleet), each row --payload bytes (a canonical event's size). Printed per commit: WAL frames (pages) written, this
process's CPU and the wall time. Automatic checkpoints are off during the measured commits, so every frame is counted
(the service's checkpoints then copy each of them back into the database file once more).

    python3 benchmarks/sqlite-journal-layout.py --layouts in-order --raw-log --page-sizes 4096,2048,1024

--raw-log: each append also writes its request's raw log row (WebhookLog as in deploy/sql/sqlite/0002, a --body-byte
body), as the service's group commit does. --page-sizes: PRAGMA page_size before the tables, one run per size.
"""

import argparse
import os
import random
import sqlite3
import tempfile
import time

LAYOUTS = {
    "clustered": ["CREATE TABLE SessionsJournal (ServiceId TEXT NOT NULL, GrainType TEXT NOT NULL, GrainKey TEXT NOT NULL, "
                  "Version INTEGER NOT NULL, RecordedAtMs INTEGER NOT NULL, Payload BLOB NOT NULL, "
                  "PRIMARY KEY (ServiceId, GrainType, GrainKey, Version)) WITHOUT ROWID",
                  "CREATE INDEX IX_SessionsJournal_RecordedAtMs ON SessionsJournal (GrainType, RecordedAtMs)"],
    "in-order": ["CREATE TABLE SessionsJournal (Seq INTEGER PRIMARY KEY, ServiceId TEXT NOT NULL, GrainType TEXT NOT NULL, "
                 "GrainKey TEXT NOT NULL, Version INTEGER NOT NULL, RecordedAtMs INTEGER NOT NULL, Payload BLOB NOT NULL)",
                 "CREATE UNIQUE INDEX UX_SessionsJournal_Entity ON SessionsJournal (ServiceId, GrainType, GrainKey, Version)",
                 "CREATE INDEX IX_SessionsJournal_RecordedAtMs ON SessionsJournal (GrainType, RecordedAtMs, ServiceId, GrainKey)"],
    "linked": ["CREATE TABLE SessionsJournal (Seq INTEGER PRIMARY KEY, ServiceId TEXT NOT NULL, GrainType TEXT NOT NULL, "
               "GrainKey TEXT NOT NULL, Version INTEGER NOT NULL, RecordedAtMs INTEGER NOT NULL, Payload BLOB NOT NULL, PrevSeq INTEGER)",
               "CREATE INDEX IX_SessionsJournal_RecordedAtMs ON SessionsJournal (GrainType, RecordedAtMs, ServiceId, GrainKey)",
               "CREATE TABLE SessionsJournalHeads (ServiceId TEXT NOT NULL, GrainType TEXT NOT NULL, GrainKey TEXT NOT NULL, "
               "Seq INTEGER NOT NULL, Version INTEGER NOT NULL, PRIMARY KEY (ServiceId, GrainType, GrainKey)) WITHOUT ROWID",
               "CREATE TABLE SessionsJournalHeadsSaved (ServiceId TEXT NOT NULL PRIMARY KEY, ThroughSeq INTEGER NOT NULL) WITHOUT ROWID"],
    "untimed": ["CREATE TABLE SessionsJournal (Seq INTEGER PRIMARY KEY, ServiceId TEXT NOT NULL, GrainType TEXT NOT NULL, "
               "GrainKey TEXT NOT NULL, Version INTEGER NOT NULL, RecordedAtMs INTEGER NOT NULL, Payload BLOB NOT NULL, PrevSeq INTEGER)",
               "CREATE TABLE SessionsJournalHeads (ServiceId TEXT NOT NULL, GrainType TEXT NOT NULL, GrainKey TEXT NOT NULL, "
               "Seq INTEGER NOT NULL, Version INTEGER NOT NULL, PRIMARY KEY (ServiceId, GrainType, GrainKey)) WITHOUT ROWID",
               "CREATE TABLE SessionsJournalHeadsSaved (ServiceId TEXT NOT NULL PRIMARY KEY, ThroughSeq INTEGER NOT NULL) WITHOUT ROWID"],
}
RAW_LOG = ["CREATE TABLE WebhookLog (Id INTEGER PRIMARY KEY AUTOINCREMENT, Source TEXT NOT NULL, Kind TEXT NOT NULL, "
           "ReceivedAtMs INTEGER NOT NULL, Headers TEXT NOT NULL, Body BLOB NOT NULL, Outcomes TEXT NOT NULL)",
           "CREATE INDEX IX_WebhookLog_ReceivedAtMs ON WebhookLog (ReceivedAtMs)",
           "CREATE INDEX IX_WebhookLog_Source_Id ON WebhookLog (Source, Id)"]
INSERT_RAW = "INSERT INTO WebhookLog (Source, Kind, ReceivedAtMs, Headers, Body, Outcomes) VALUES (?, ?, ?, ?, ?, ?)"
INSERT = ("INSERT INTO SessionsJournal (ServiceId, GrainType, GrainKey, Version, RecordedAtMs, Payload) "
          "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")
INSERT_LINKED = ("INSERT INTO SessionsJournal (ServiceId, GrainType, GrainKey, Version, RecordedAtMs, Payload, PrevSeq) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING Seq")
SAVE_HEAD = ("INSERT INTO SessionsJournalHeads VALUES ('sessions', 'server', ?, ?, ?) "
             "ON CONFLICT (ServiceId, GrainType, GrainKey) DO UPDATE SET Seq = excluded.Seq, Version = excluded.Version")
SAVE_THROUGH = ("INSERT INTO SessionsJournalHeadsSaved VALUES ('sessions', (SELECT max(Seq) FROM SessionsJournal)) "
                "ON CONFLICT (ServiceId) DO UPDATE SET ThroughSeq = excluded.ThroughSeq")


def run(layout: str, page_size: int, folder: str, args) -> str:
    path = os.path.join(folder, f"{layout}-{page_size}.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute(f"PRAGMA page_size={page_size}")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    for statement in LAYOUTS[layout] + (RAW_LOG if args.raw_log else []):
        db.execute(statement)
    versions, clock, payload, body = [0] * args.fleet, [0], os.urandom(args.payload), os.urandom(args.body)
    heads, unsaved, commits = [None] * args.fleet, set(), [0]
    picks = random.Random(7)

    def commit(appends: int) -> None:
        db.execute("BEGIN")
        for _ in range(appends):
            server = picks.randrange(args.fleet)
            versions[server] += 1
            clock[0] += 1
            key = f"liveswitch/mediaserver-{server}"
            if layout in ("linked", "untimed"):
                heads[server] = db.execute(INSERT_LINKED, ("sessions", "server", key, versions[server], clock[0], payload,
                                                           heads[server])).fetchone()[0]
                unsaved.add(server)
            else:
                db.execute(INSERT, ("sessions", "server", key, versions[server], clock[0], payload))
            if args.raw_log:
                db.execute(INSERT_RAW, ("liveswitch", "liveswitch", clock[0], '{"content-type":"application/json"}', body,
                                        '[{"type":"mediaserver.stats","outcome":"applied"}]'))
        commits[0] += 1
        if unsaved and commits[0] % args.heads_every == 0:
            for server in unsaved:
                db.execute(SAVE_HEAD, (f"liveswitch/mediaserver-{server}", heads[server], versions[server]))
            db.execute(SAVE_THROUGH)
            unsaved.clear()
        db.execute("COMMIT")

    for _ in range(args.history // 500):
        commit(500)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("PRAGMA wal_autocheckpoint=0")
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(args.commits):
        commit(args.per_commit)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    frames = db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1]
    db.close()
    return (f"| {layout} | {page_size:,} | {frames / args.commits:.1f} | {frames * (page_size + 24) / args.commits / 1024:.1f} | "
            f"{1e6 * cpu / args.commits:.0f} | {1e6 * wall / args.commits:.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fleet", type=int, default=5000)
    parser.add_argument("--history", type=int, default=100000)
    parser.add_argument("--commits", type=int, default=3000)
    parser.add_argument("--per-commit", type=int, default=8)
    parser.add_argument("--payload", type=int, default=700)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--heads-every", type=int, default=750, help="linked: commits between two saves of the heads")
    parser.add_argument("--layouts", default=",".join(LAYOUTS))
    parser.add_argument("--raw-log", action="store_true", help="each append also writes a raw log row")
    parser.add_argument("--body", type=int, default=300, help="the raw log row's body bytes")
    parser.add_argument("--page-sizes", default="4096", help="comma-separated; SQLite's default is 4096")
    args = parser.parse_args()
    layouts = args.layouts.split(",")
    if set(layouts) - set(LAYOUTS):
        parser.error(f"layouts: {', '.join(LAYOUTS)}")
    print("| layout | page size | WAL pages per commit | WAL KiB per commit | CPU µs per commit | wall µs per commit |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="sessions-journal-layout-") as folder:
        for _ in range(args.repeat):
            for page_size in (int(size) for size in args.page_sizes.split(",")):
                for layout in layouts:
                    print(run(layout, page_size, folder, args), flush=True)


if __name__ == "__main__":
    main()
