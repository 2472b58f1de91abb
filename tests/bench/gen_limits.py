#!/usr/bin/env python3
"""Generate the pathological but valid inputs of docs/limits.md, written as .dtb directly (dtc
1.6's -@ is quadratic in labels, and these are too big to compile as sources).

  gen_limits.py CASE N OUTDIR   writes OUTDIR/base.dtb and OUTDIR/overlay.dtbo

CASE:
  depth        a chain of N nested nodes under the root (the kernel keeps 62)
  fragments    an overlay of N fragments, each adding a node under the root
  properties   a base of N properties (1000 per node), an overlay updating one per node
  fixups       an overlay whose N nodes each reference a base label (__fixups__ of N entries)
  chain        N clock devices in a chain, each consuming the next (phandle chain, N links)
  cycle        the same chain closed into a cycle (a device-link cycle of N devices)
  big          a base with one property of N bytes (the blob size limit)
Standard library only; the output is deterministic.
"""

import os
import struct
import sys

FDT_BEGIN_NODE, FDT_END_NODE, FDT_PROP, FDT_END = 1, 2, 3, 9


class Blob:
    """A flattened tree written token by token (version 17, as dtc writes it)."""

    def __init__(self):
        self.struct = bytearray()
        self.strings = bytearray()
        self.offsets = {}

    def _pad(self):
        self.struct += b"\0" * (-len(self.struct) % 4)

    def begin(self, name):
        self.struct += struct.pack(">I", FDT_BEGIN_NODE) + name.encode() + b"\0"
        self._pad()

    def end(self):
        self.struct += struct.pack(">I", FDT_END_NODE)

    def prop(self, name, value=b""):
        if isinstance(value, str):
            value = value.encode() + b"\0"
        elif isinstance(value, (list, tuple)):
            value = b"".join(struct.pack(">I", v) for v in value)
        if name not in self.offsets:
            self.offsets[name] = len(self.strings)
            self.strings += name.encode() + b"\0"
        self.struct += struct.pack(">III", FDT_PROP, len(value), self.offsets[name]) + value
        self._pad()

    def write(self, path):
        self.struct += struct.pack(">I", FDT_END)
        rsv = 40
        off_struct = rsv + 16
        off_strings = off_struct + len(self.struct)
        total = off_strings + len(self.strings)
        header = struct.pack(">10I", 0xD00DFEED, total, off_struct, off_strings, rsv, 17, 16, 0,
                             len(self.strings), len(self.struct))
        with open(path, "wb") as f:
            f.write(header + b"\0" * 16 + self.struct + self.strings)


def base_start(b):
    b.begin("")
    b.prop("compatible", "ovlcheck,limits")
    b.prop("#address-cells", [1])
    b.prop("#size-cells", [1])


def overlay_with(fragments):
    """An overlay whose fragments add `fragments[i]` (a callable writing nodes) under the root."""
    o = Blob()
    o.begin("")
    for i, body in enumerate(fragments):
        o.begin("fragment@%d" % i)
        o.prop("target-path", "/")
        o.begin("__overlay__")
        body(o)
        o.end()
        o.end()
    return o


def simple_base():
    b = Blob()
    base_start(b)
    b.end()
    return b


def clock_chain(n, closed):
    """Clock devices clk0..clkN-1 at the root, clk_i consuming clk_{i+1} (and the last clk0)."""
    b = Blob()
    base_start(b)
    for i in range(n):
        b.begin("clk%d" % i)
        b.prop("compatible", "ovlcheck,chained-clock")  # a platform device, so fw_devlink links it
        b.prop("#clock-cells", [0])
        nxt = i + 1 if i + 1 < n else (0 if closed else None)
        if nxt is not None:
            b.prop("clocks", [nxt + 1])
        b.prop("phandle", [i + 1])
        b.end()
    b.end()
    return b


def main():
    case, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    os.makedirs(out, exist_ok=True)
    base, overlay = simple_base(), None
    if case == "depth":
        base = Blob()
        base_start(base)
        for i in range(n):
            base.begin("n%d" % i)
        for i in range(n):
            base.end()
        base.end()
        overlay = overlay_with([lambda o: (o.begin("added"), o.end())])
    elif case == "fragments":
        overlay = overlay_with([lambda o, i=i: (o.begin("node%d" % i), o.prop("value", [i]), o.end())
                                for i in range(n)])
    elif case == "properties":
        per_node = 1000
        base = Blob()
        base_start(base)
        for k in range((n + per_node - 1) // per_node):
            base.begin("props%d" % k)
            for i in range(min(per_node, n - k * per_node)):
                base.prop("p%d" % i, [i])
            base.end()
        base.end()
        overlay = overlay_with([lambda o, k=k: (o.begin("props%d" % k), o.prop("p0", [7]), o.end())
                                for k in range((n + per_node - 1) // per_node)])
    elif case == "fixups":
        base = Blob()
        base_start(base)
        base.begin("clk")
        base.prop("compatible", "fixed-clock")
        base.prop("#clock-cells", [0])
        base.prop("phandle", [1])
        base.end()
        base.begin("__symbols__")
        base.prop("clk", "/clk")
        base.end()
        base.end()
        overlay = Blob()
        overlay.begin("")
        overlay.begin("fragment@0")
        overlay.prop("target-path", "/")
        overlay.begin("__overlay__")
        for i in range(n):
            overlay.begin("user%d" % i)
            overlay.prop("clocks", [0xFFFFFFFF])
            overlay.end()
        overlay.end()
        overlay.end()
        overlay.begin("__fixups__")
        overlay.prop("clk", b"".join(("/fragment@0/__overlay__/user%d:clocks:0" % i).encode() + b"\0"
                                     for i in range(n)))
        overlay.end()
    elif case in ("chain", "cycle"):
        base = clock_chain(n, case == "cycle")
        overlay = overlay_with([lambda o: (o.begin("consumer"), o.prop("compatible", "ovlcheck,user"),
                                           o.prop("clocks", [1]), o.end())])
    elif case == "big":
        base = Blob()
        base_start(base)
        base.prop("blob", b"\x5a" * n)
        base.end()
    else:
        sys.exit("gen_limits.py: unknown case " + case)
    if overlay is None:
        overlay = overlay_with([lambda o: (o.begin("added"), o.end())])
    base.write(os.path.join(out, "base.dtb"))
    overlay.end()
    overlay.write(os.path.join(out, "overlay.dtbo"))


if __name__ == "__main__":
    main()
