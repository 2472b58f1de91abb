#!/usr/bin/env python3
"""bench_targets.py - issue 9's speed and memory targets, each printed as a ratio measured in this run.

Prints figures only; it is not a timed test and never fails because something is slow. It exits 1
only when a command misbehaves (wrong exit status, no JSON), because then the figures mean nothing.

Inputs (generated, deterministic): a base of N devices on simple-bus nodes with a clock chain
(gen_tree.py --base-dtb) and an overlay adding DEVICES devices, each consumer taking two clocks
(gen_lifecycle.py --cluster 2, compiled with dtc -@).

For the reference size (50,000 devices, about 8.6 MB) it prints, best of RUNS runs:
  fdtdump base.dtb            one linear walk printing everything: the yardstick
  ovlcheck apply              target: within 1.5x of fdtdump
  ovlcheck remove --json      apply, links, both barrier runs; target: within 3x
  ovlcheck links              text; target: within 3x
and the peak resident memory of each (from wait4's rusage of that one process), as a multiple of
the input blobs' size (target: at most 4x).
Then the scaling rows (12,500 / 25,000 / 50,000 / 100,000 devices): `remove --json` time per base
node, which must stay flat within 25% (linear cost).
Then real-size inputs: every Debian arm64 pair of ../shared/corpus, one process each (target:
under 10 ms a process).
(`tests/bench/bench_check.sh` covers "the whole corpus in one process faster than fdtoverlay".)

Run (after a build):  python3 tests/bench/bench_targets.py
Environment (optional): OVLCHECK (default <repo>/build/cli/ovlcheck), CORPUS (default
<repo>/../shared/corpus), RUNS (default 3), SIZES (default "12500 25000 50000 100000"),
DEVICES (default 1000), WORK (kept when given; default a temporary folder).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
OVLCHECK = os.environ.get("OVLCHECK", os.path.join(REPO, "build", "cli", "ovlcheck"))
CORPUS = os.environ.get("CORPUS", os.path.join(REPO, "..", "shared", "corpus"))
RUNS = int(os.environ.get("RUNS", "3"))
SIZES = [int(s) for s in os.environ.get("SIZES", "12500 25000 50000 100000").split()]
DEVICES = int(os.environ.get("DEVICES", "1000"))
REFERENCE = 50000
failures = []


def run_once(argv):
    """(seconds, peak RSS in bytes, exit status, stdout) of one run of argv."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        return seconds, usage.ru_maxrss * 1024, proc.returncode, out.read()


def best(argv, want_status, runs=RUNS):
    """Best time and the peak memory of the best run; records a failure on a wrong exit status."""
    results = [run_once(argv) for _ in range(runs)]
    seconds, rss, status, out = min(results, key=lambda r: r[0])
    if status not in want_status:
        failures.append(f"{' '.join(argv[:2])}: exit {status}, expected {sorted(want_status)}")
    return seconds, rss, out


def make_inputs(work, nodes):
    folder = os.path.join(work, f"n{nodes}")
    os.makedirs(folder, exist_ok=True)
    base, dts, dtbo = (os.path.join(folder, f) for f in ("base.dtb", "ovl.dts", "ovl.dtbo"))
    if not os.path.exists(base):
        subprocess.check_call([sys.executable, os.path.join(HERE, "gen_tree.py"), "--nodes", str(nodes),
                               "--base-dtb", base], stdout=subprocess.DEVNULL)
    if not os.path.exists(dtbo):
        subprocess.check_call([sys.executable, os.path.join(HERE, "gen_lifecycle.py"), "--devices", str(DEVICES),
                               "--cluster", "2", "--overlay", dts], stdout=subprocess.DEVNULL)
        subprocess.check_call(["dtc", "-@", "-q", "-I", "dts", "-O", "dtb", "-o", dtbo, dts])
    return base, dtbo


def reference_rows(work):
    base, dtbo = make_inputs(work, REFERENCE)
    inputs = os.path.getsize(base) + os.path.getsize(dtbo)
    print(f"== reference: base {REFERENCE} devices ({os.path.getsize(base)} bytes), overlay {DEVICES} devices "
          f"({os.path.getsize(dtbo)} bytes), best of {RUNS} ==")
    yard, yard_rss, _ = best(["fdtdump", base], {0})
    print(f"{'command':28} {'seconds':>8} {'x fdtdump':>10} {'target':>7} {'peak MB':>8} {'x input':>8} {'target':>7}")
    print(f"{'fdtdump base.dtb':28} {yard:8.3f} {1.0:10.2f} {'':>7} {yard_rss / 1e6:8.1f} {yard_rss / inputs:8.2f}")
    rows = [("ovlcheck apply", ["apply"], 1.5, {0}),
            ("ovlcheck remove --json", ["remove", "--json"], 3.0, {0, 1}),
            ("ovlcheck links", ["links"], 3.0, {0})]
    for label, args, target, statuses in rows:
        argv = [OVLCHECK] + args + ["--base", base, dtbo]
        seconds, rss, out = best(argv, statuses)
        if "--json" in args:
            try:
                json.loads(out)
            except ValueError:
                failures.append(f"{label}: not one JSON document")
        ratio, memory = seconds / yard, rss / inputs
        print(f"{label:28} {seconds:8.3f} {ratio:10.2f} {('ok' if ratio <= target else 'MISS'):>7} "
              f"{rss / 1e6:8.1f} {memory:8.2f} {('ok' if memory <= 4 else 'MISS'):>7}")


def scaling_rows(work):
    print(f"\n== scaling: ovlcheck remove --json, overlay {DEVICES} devices ==")
    print(f"{'base nodes':>10} {'bytes':>10} {'seconds':>8} {'us/node':>8} {'peak MB':>8} {'x input':>8}")
    per_node = []
    for nodes in SIZES:
        base, dtbo = make_inputs(work, nodes)
        inputs = os.path.getsize(base) + os.path.getsize(dtbo)
        seconds, rss, _ = best([OVLCHECK, "remove", "--json", "--base", base, dtbo], {0, 1})
        per_node.append(seconds / nodes * 1e6)
        print(f"{nodes:10} {os.path.getsize(base):10} {seconds:8.3f} {per_node[-1]:8.2f} {rss / 1e6:8.1f} "
              f"{rss / inputs:8.2f}")
    spread = max(per_node) / min(per_node) - 1
    print(f"time per node: spread {spread * 100:.0f}% (target: flat within 25%: {'ok' if spread <= 0.25 else 'MISS'})")


def real_size_rows():
    manifest = os.path.join(CORPUS, "manifest.json")
    if not os.path.exists(manifest):
        print(f"\n(no {manifest}: real-size rows left out)")
        return
    cases = [c for c in json.load(open(manifest)) if c.get("overlays") and c.get("kind", "").startswith("debian")]
    times = []
    for c in cases:
        argv = [OVLCHECK, "remove", "--json", "--base", os.path.join(CORPUS, c["base"])]
        argv += [os.path.join(CORPUS, o) for o in c["overlays"]]
        seconds, _, _ = best(argv, {0, 1}, runs=1)
        times.append(seconds)
    if not times:
        print("\n(no Debian pairs in the corpus manifest)")
        return
    times.sort()
    worst = times[-1] * 1000
    print(f"\n== real size: {len(times)} Debian arm64 base + overlay cases, `remove --json`, one process each ==")
    print(f"median {times[len(times) // 2] * 1000:.1f} ms, slowest {worst:.1f} ms "
          f"(target: under 10 ms a process: {'ok' if worst < 10 else 'MISS'})")


def main():
    for tool in ("fdtdump", "dtc"):
        if shutil.which(tool) is None:
            sys.exit(f"bench: {tool} not found (apt-get install device-tree-compiler)")
    if not os.access(OVLCHECK, os.X_OK):
        sys.exit(f"bench: ovlcheck not built ({OVLCHECK})")
    work = os.environ.get("WORK") or tempfile.mkdtemp(prefix="ovlcheck-bench-targets.")
    try:
        print(f"bench: {OVLCHECK}; inputs in {work}")
        reference_rows(work)
        scaling_rows(work)
        real_size_rows()
    finally:
        if not os.environ.get("WORK"):
            shutil.rmtree(work, ignore_errors=True)
    if failures:
        print("\nbench: commands misbehaved:\n  " + "\n  ".join(failures))
        sys.exit(1)
    print("\nbench: done")


if __name__ == "__main__":
    main()
