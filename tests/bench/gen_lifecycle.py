#!/usr/bin/env python3
"""Generate the overlay for bench_remove.sh: many provider/consumer devices.

Standard library only; the output is deterministic.  The base tree comes from
gen_tree.py (--base-dtb), whose populated simple-bus nodes are labelled
bus_0 .. bus_{B-1}; this overlay adds its devices under them.

  --overlay PATH  overlay source (/dts-v1/; /plugin/;) adding DEVICES new
                  device nodes in clusters of CLUSTER providers + CLUSTER
                  consumers (one fragment per cluster, clusters spread over
                  the buses):
                    lclk_I: lclk-I { compatible = "fixed-clock";
                                     #clock-cells = <0>; clock-frequency; };
                    lcons-J { compatible = "ovlcheck,bench-consumer";
                              clocks = <&lclk_a &lclk_b ...>; };
                  every consumer references every provider of its cluster,
                  so there are CLUSTER*CLUSTER distinct (consumer, provider)
                  pairs per cluster -> that many device links.  Providers
                  come first in each fragment, so each link's supplier device
                  exists when the consumer's device is added.
  --print-expect  print "<devices> <clock references> <links>"

With the defaults (1000 devices, clusters of 4+4 -> 125 clusters, 16 links
each): 1000 devices, 2000 clocks references, 2000 device links.  In general
DEVICES/2 * CLUSTER references.  Without
the barrier every one of the 1000 overlay nodes is still pinned by a pending
link release at its destroy check, so `ovlcheck remove` reports 1000
unbalanced nodes; with it, none.
"""

import argparse
import sys


def plan(devices, cluster):
    per = 2 * cluster
    if devices % per:
        raise ValueError("--devices must be a multiple of 2*--cluster (%d)" % per)
    clusters = devices // per
    refs = clusters * cluster * cluster
    return clusters, refs, refs


def gen_overlay(devices, cluster, buses):
    clusters, _, _ = plan(devices, cluster)
    out = ["/dts-v1/;", "/plugin/;", ""]
    for k in range(clusters):
        out.append("&bus_%d {" % (k % buses))
        provs = []
        for i in range(cluster):
            n = k * cluster + i
            provs.append("lclk_%d" % n)
            out.append("\tlclk_%d: lclk-%d {" % (n, n))
            out.append('\t\tcompatible = "fixed-clock";')
            out.append("\t\t#clock-cells = <0>;")
            out.append("\t\tclock-frequency = <%d>;" % (1000000 + n))
            out.append("\t};")
        for i in range(cluster):
            n = k * cluster + i
            out.append("\tlcons-%d {" % n)
            out.append('\t\tcompatible = "ovlcheck,bench-consumer";')
            out.append("\t\tclocks = <%s>;" % " ".join("&" + p for p in provs))
            out.append("\t};")
        out.append("};")
        out.append("")
    return "\n".join(out)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--devices", type=int, default=1000,
                   help="overlay device nodes (default 1000)")
    p.add_argument("--cluster", type=int, default=4,
                   help="providers (and consumers) per cluster (default 4)")
    p.add_argument("--buses", type=int, default=8,
                   help="bus_K labels in the base (gen_tree.py --buses, default 8)")
    p.add_argument("--overlay", metavar="PATH", help="write the overlay .dts here")
    p.add_argument("--print-expect", action="store_true",
                   help="print '<devices> <clock references> <links>'")
    a = p.parse_args(argv)
    if a.devices < 2 or a.cluster < 1 or a.buses < 1:
        p.error("need --devices >= 2, --cluster >= 1, --buses >= 1")
    try:
        clusters, refs, links = plan(a.devices, a.cluster)
    except ValueError as e:
        p.error(str(e))
    if not (a.overlay or a.print_expect):
        p.error("nothing to do: give --overlay and/or --print-expect")
    if a.overlay:
        with open(a.overlay, "w") as fh:
            fh.write(gen_overlay(a.devices, a.cluster, a.buses))
    if a.print_expect:
        print(a.devices, refs, links)
    return 0


if __name__ == "__main__":
    sys.exit(main())
