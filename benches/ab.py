#!/usr/bin/env python3
"""Two builds of tidings timed side by side: an A/B comparison that holds on a busy machine.

Usage: python3 benches/ab.py [--sequential] BIN_A BIN_B CORPUS [PAIRS] [-- EXTRA ARGS...]

Each pair runs `BIN cluster --threads 1 CORPUS` of both builds at once, each pinned
to a core of its own, the cores and the start order swapped from pair to pair. Whatever else loads the machine
then loads both alike, so the ratio of their times moves far less than either time
(on this shared 2-core machine whole runs moved by 10-25% from one run to the next,
while the ratio within a pair moved by a few percent). Prints, per pair and as the
median over the pairs, each build's CPU seconds (user + system) and its stage
times from the run's summary line, and B's time as a share of A's. The two builds'
assignments are compared byte for byte (a change meant to be exact must not move
any document). PAIRS defaults to 6.

With --sequential (before `--`), each pair runs the two builds one after the other,
each on every core (no --threads, no pinning), the order swapped from pair to pair,
and wall times are compared too. That is for changes whose effect needs both threads
(which documents each thread gets, how long one waits for the other), which the
one-thread pairs cannot show; a load that comes and goes then falls on one run of a
pair, so it needs more pairs for the same resolution (the analysis batch size in
BENCHMARKS.md's thirty-first round was measured this way, by hand).
"""
import os
import statistics
import subprocess
import sys
import tempfile

from stage_rss import STAGES, stage_seconds


def start(binary, corpus, extra, out, core):
    """One run of `binary`: on one thread pinned to `core`, or on every core if `core`
    is None."""
    pin = [] if core is None else ["taskset", "-c", str(core)]
    threads = [] if core is None else ["--threads", "1"]
    cmd = pin + ["/usr/bin/time", "-f", "%e %U %S", "-o", out + ".time", binary, "cluster"] + threads + [
        corpus, "-o", os.devnull, "--assignments", out + ".tsv"] + extra
    return subprocess.Popen(cmd, stderr=open(out + ".err", "w"), stdout=subprocess.DEVNULL)


def result(out):
    """(CPU seconds, wall seconds, the seconds of each stage) of a finished run."""
    wall, user, sys_ = open(out + ".time").read().split()[-3:]
    seconds = stage_seconds(open(out + ".err").read()) or []
    return float(user) + float(sys_), float(wall), dict(zip(STAGES, seconds))


def main():
    args = sys.argv[1:]
    extra = []
    if "--" in args:
        extra = args[args.index("--") + 1:]
        args = args[: args.index("--")]
    sequential = "--sequential" in args
    args = [x for x in args if x != "--sequential"]
    if len(args) < 3:
        sys.exit(__doc__)
    a, b, corpus = args[:3]
    pairs = int(args[3]) if len(args) > 3 else 6
    tmp = tempfile.mkdtemp(prefix="tidings-ab-")
    cpu = {"A": [], "B": []}
    wall = {"A": [], "B": []}
    stages = {"A": [], "B": []}

    def wait(name, p):
        if p.wait() != 0:
            sys.exit(f"error: build {name} exited with {p.returncode}; see {tmp}/{name}.err")

    for i in range(pairs):
        order = [("A", a), ("B", b)] if i % 2 == 0 else [("B", b), ("A", a)]
        if sequential:
            for name, binary in order:
                wait(name, start(binary, corpus, extra, f"{tmp}/{name}", None))
        else:
            # Each build on a core of its own, the cores swapped from pair to pair too:
            # one core of a shared machine can be slower than the other for minutes.
            core = {"A": (i // 2) % 2, "B": 1 - (i // 2) % 2}
            procs = [(name, start(binary, corpus, extra, f"{tmp}/{name}", core[name])) for name, binary in order]
            for name, p in procs:
                wait(name, p)
        ra, rb = result(f"{tmp}/A"), result(f"{tmp}/B")
        for name, r in (("A", ra), ("B", rb)):
            cpu[name].append(r[0])
            wall[name].append(r[1])
            stages[name].append(r[2])
        same = open(f"{tmp}/A.tsv", "rb").read() == open(f"{tmp}/B.tsv", "rb").read()
        walls = f"; wall A {ra[1]:.2f} s, B {rb[1]:.2f} s, B/A {rb[1] / ra[1]:.3f}" if sequential else ""
        print(f"pair {i + 1}: A {ra[0]:.2f} s, B {rb[0]:.2f} s CPU, B/A {rb[0] / ra[0]:.3f}{walls}"
              f"{'' if same else ', ASSIGNMENTS DIFFER'}")
    for what, xs in (("CPU", cpu), ("wall", wall)) if sequential else (("CPU", cpu),):
        ratios = [y / x for x, y in zip(xs["A"], xs["B"])]
        print(f"median over {pairs} pairs: A {statistics.median(xs['A']):.2f} s, B {statistics.median(xs['B']):.2f} s {what},"
              f" B/A {statistics.median(ratios):.3f} (min {min(ratios):.3f}, max {max(ratios):.3f})")
    for stage in stages["A"][0]:
        xa = [s.get(stage, 0.0) for s in stages["A"]]
        xb = [s.get(stage, 0.0) for s in stages["B"]]
        r = [y / x for x, y in zip(xa, xb) if x > 0]
        if r:
            print(f"  {stage}: A {statistics.median(xa):.2f} s, B {statistics.median(xb):.2f} s, B/A {statistics.median(r):.3f}")


if __name__ == "__main__":
    main()
