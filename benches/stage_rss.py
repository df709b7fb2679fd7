#!/usr/bin/env python3
"""Peak resident memory of a tidings run, stage by stage (issue 10), and how many
cores each stage kept busy.

Usage: python3 benches/stage_rss.py TIDINGS_BIN cluster|eval ARGS...

Runs the command, reads its resident set size and its CPU time (user and system)
from /proc every 50 ms, and prints the largest reading within each stage and the
CPU seconds the stage used per second of wall time, the stages placed in time by
the summary line the run prints on stderr (furniture, read+analyze, index,
stories, articles, sentences; what comes after is the output). /usr/bin/time
gives only the run's peak and its whole CPU; this tells which stage sets the
peak, and so which one a saving must reach to lower it, and which stage leaves
a core idle. The placing is by the stage timers, to within a sample or so.
"""
import os
import re
import subprocess
import sys
import time

STAGES = ["furniture", "read+analyze", "index", "stories", "articles", "sentences"]


def stage_seconds(err):
    """The seconds of each of STAGES, in order, from the summary line a run prints
    on stderr; None if there is none (benches/ab.py reads it too)."""
    found = re.search(
        r"furniture ([0-9.]+) s, read\+analyze ([0-9.]+) s, index ([0-9.]+) s, "
        r"stories ([0-9.]+) s, articles ([0-9.]+) s, sentences ([0-9.]+) s",
        err,
    )
    return [float(s) for s in found.groups()] if found else None


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    start = time.time()
    run = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    samples = []
    # (seconds since start, user + system CPU seconds so far)
    cpu = []
    ticks = os.sysconf("SC_CLK_TCK")
    while run.poll() is None:
        try:
            now = time.time() - start
            with open(f"/proc/{run.pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS"):
                        samples.append((now, int(line.split()[1]) // 1024))
            with open(f"/proc/{run.pid}/stat") as f:
                # utime and stime: the 14th and 15th fields, counted after the
                # command name's closing parenthesis (a name may hold spaces).
                fields = f.read().rsplit(")", 1)[1].split()
                cpu.append((now, (int(fields[11]) + int(fields[12])) / ticks))
        except (FileNotFoundError, ProcessLookupError, IndexError):
            break
        time.sleep(0.05)
    err = run.stderr.read().decode(errors="replace")
    if run.returncode != 0:
        sys.stderr.write(err)
        return run.returncode
    found = stage_seconds(err)
    if not found or not samples:
        print("no stage summary on stderr (use cluster or eval, without --quiet)", file=sys.stderr)
        return 1
    # The run's own clock starts after the binary's start-up: the first stage
    # begins at the first sample.
    bounds = [samples[0][0]]
    for seconds in found:
        bounds.append(bounds[-1] + seconds)

    def cpu_at(t):
        """CPU seconds used by the last reading at or before `t`."""
        return max((c for s, c in cpu if s <= t), default=0.0)

    rows = []
    for i, name in enumerate(STAGES + ["output"]):
        lo = bounds[i] if i < len(bounds) else bounds[-1]
        hi = bounds[i + 1] if i + 1 < len(bounds) else float("inf")
        inside = [mb for t, mb in samples if lo <= t < hi]
        if inside:
            end = min(hi, samples[-1][0])
            cores = (cpu_at(end) - cpu_at(lo)) / (end - lo) if end > lo else 0.0
            rows.append(f"{name} {max(inside):,} MB {cores:.2f} cores")
    print(" | ".join(rows) + f" | peak {max(mb for _, mb in samples):,} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
