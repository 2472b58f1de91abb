#!/usr/bin/env python3
"""bench_limits.py - the limits of docs/limits.md, each exercised by a generated input.

For every case it generates the input (gen_limits.py), runs `ovlcheck remove` on it (apply,
then remove without and with the barrier: the whole lifecycle) and prints the input size, CPU
time and peak memory. It checks each against a fixed multiple of the input size:

    CPU seconds  <= CPU_PER_MB * input MB + CPU_FLOOR
    peak memory  <= MEM_PER_BYTE * input bytes + MEM_FLOOR

and the exit status the case must have; it exits 1 if any case breaks its bound. CPU time (not
wall time) is measured, so a busy machine does not make it fail; it is a benchmark run by hand
or by CI, never a timed test.

Run:   tests/bench/bench_limits.py [CASE...]
Env:   OVLCHECK  the binary (default <repo>/build/cli/ovlcheck; a sanitizer build is slower and
                 larger, so its figures do not mean much)
       SCALE     divide every N by this, for a quick look (default 1)
"""

import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
OVLCHECK = os.environ.get("OVLCHECK", os.path.join(REPO, "build", "cli", "ovlcheck"))
SCALE = int(os.environ.get("SCALE", "1"))

# The bounds. Measured figures (docs/limits.md) sit well below them; they are there to catch a
# quadratic algorithm or a copy per element, not a few percent.
CPU_PER_MB = 4.0        # seconds of CPU per MB of input
CPU_FLOOR = 2.0         # seconds: start-up, the profile, small inputs
MEM_PER_BYTE = 80       # peak bytes of memory per byte of input (measured: about 60)
MEM_FLOOR = 64 << 20    # bytes: the process itself

# (case, N, exit status ovlcheck must give, what it shows)
CASES = [
    ("depth", 62, 0, "nodes nested as deep as the kernel keeps"),
    ("depth", 63, 2, "one level deeper: refused with the kernel's limit named"),
    ("fragments", 100_000, 0, "an overlay of 100,000 fragments"),
    ("properties", 1_000_000, 0, "a base of 1,000,000 properties"),
    ("fixups", 100_000, 0, "__fixups__ with 100,000 references"),
    ("chain", 10_000, 0, "a phandle chain of 10,000 devices"),
    ("cycle", 10_000, 0, "a device-link cycle of 10,000 devices"),
    ("big", 64 << 20, 0, "a 64 MiB base blob"),
]


def run(case, n, expected, work):
    out = os.path.join(work, "%s-%d" % (case, n))
    subprocess.run([sys.executable, os.path.join(HERE, "gen_limits.py"), case, str(n), out], check=True)
    base, overlay = os.path.join(out, "base.dtb"), os.path.join(out, "overlay.dtbo")
    size = os.path.getsize(base) + os.path.getsize(overlay)
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([OVLCHECK, "remove", "--base", base, overlay],
                                stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)  # this process's own CPU time and peak memory
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read()
    cpu = usage.ru_utime + usage.ru_stime
    peak = usage.ru_maxrss * 1024
    cpu_bound = CPU_PER_MB * size / 1e6 + CPU_FLOOR
    mem_bound = MEM_PER_BYTE * size + MEM_FLOOR
    problems = []
    if proc.returncode != expected:
        problems.append("exit %d, expected %d: %s" % (proc.returncode, expected,
                                                     stderr.decode(errors="replace").strip()[:200]))
    if cpu > cpu_bound:
        problems.append("CPU %.2f s over the bound %.2f s" % (cpu, cpu_bound))
    if peak > mem_bound:
        problems.append("memory %d MB over the bound %d MB" % (peak >> 20, mem_bound >> 20))
    print("%-10s %10d  input %9.2f MB  CPU %7.2f s (bound %7.2f)  peak %6d MB (bound %6d)  %s" %
          (case, n, size / 1e6, cpu, cpu_bound, peak >> 20, mem_bound >> 20,
           "FAILED: " + "; ".join(problems) if problems else "ok"))
    shutil.rmtree(out, ignore_errors=True)
    return not problems


def main():
    wanted = set(sys.argv[1:])
    ok = True
    with tempfile.TemporaryDirectory(prefix="ovlcheck-limits-") as work:
        for case, n, expected, what in CASES:
            if wanted and case not in wanted:
                continue
            n = n if case == "depth" else max(1, n // SCALE)
            print("# " + what)
            ok = run(case, n, expected, work) and ok
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
