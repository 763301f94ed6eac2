#!/usr/bin/env python3
"""Context switches and CPU of one process's threads over a window, grouped by thread name.

    python3 benchmarks/thread-switches.py PID [--seconds 8] [--requests-per-second N]

Reads /proc/PID/task/*/status (voluntary and involuntary context switches) and /proc/PID/task/*/stat (user and system
ticks) at the start and the end of the window, and prints per thread name: how many threads, the switches of each
kind, and the CPU in cores. With --requests-per-second (the load's rate over the same window, e.g. from the
write-path.py run it was taken in) it also prints the switches per request. A voluntary switch is a thread that
blocked (waiting for work, a lock, the network); an involuntary one is a thread that left the CPU while still
runnable: preempted, or having called sched_yield while another thread was waiting for the core, which is what the
thread pool's spin-wait does before its workers sleep.
"""
import argparse
import collections
import os
import time


def snapshot(pid: int) -> dict:
    threads = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/comm", encoding="utf-8") as f:
                name = f.read().strip()
            with open(f"/proc/{pid}/task/{tid}/status", encoding="utf-8") as f:
                status = dict(line.split(":", 1) for line in f if ":" in line)
            with open(f"/proc/{pid}/task/{tid}/stat", encoding="utf-8") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue  # a thread that ended between the listing and the read
        threads[tid] = (name, int(status["voluntary_ctxt_switches"]), int(status["nonvoluntary_ctxt_switches"]),
                        int(fields[11]) + int(fields[12]))
    return threads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pid", type=int)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--requests-per-second", type=float)
    args = parser.parse_args()

    ticks = os.sysconf("SC_CLK_TCK")
    before = snapshot(args.pid)
    time.sleep(args.seconds)
    after = snapshot(args.pid)
    groups = collections.defaultdict(lambda: [0, 0, 0, 0])
    for tid, (name, voluntary, involuntary, cpu) in after.items():
        if tid in before:  # threads started inside the window are left out: their counts began before it
            _, v0, i0, c0 = before[tid]
            group = groups[name]
            group[0] += 1
            group[1] += voluntary - v0
            group[2] += involuntary - i0
            group[3] += cpu - c0

    per_request = args.requests_per_second

    def row(name: str, count, voluntary: int, involuntary: int, cpu: int) -> str:
        text = (f"| {name} | {count} | {voluntary / args.seconds:,.0f} | {involuntary / args.seconds:,.0f} "
                f"| {cpu / ticks / args.seconds:.2f} |")
        return text + (f" {(voluntary + involuntary) / args.seconds / per_request:.2f} |" if per_request else "")

    print("| threads (name) | count | voluntary switches/s | involuntary switches/s | cores |"
          + (" switches per request |" if per_request else ""))
    print("|---|---|---|---|---|" + ("---|" if per_request else ""))
    totals = [0, 0, 0]
    for name, (count, voluntary, involuntary, cpu) in sorted(groups.items(), key=lambda g: -(g[1][1] + g[1][2])):
        if voluntary + involuntary == 0 and cpu == 0:
            continue
        totals = [totals[0] + voluntary, totals[1] + involuntary, totals[2] + cpu]
        print(row(name, count, voluntary, involuntary, cpu))
    print(row("all", "", *totals))


if __name__ == "__main__":
    main()
