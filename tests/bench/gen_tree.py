#!/usr/bin/env python3
"""Generate synthetic device trees for the ovlcheck benchmarks.

Standard library only; the output is deterministic.

  --base PATH      base tree source (.dts): N device nodes /soc/bus@K/dev@A
                   spread over B simple-bus nodes, each labelled dev_I (so
                   `dtc -@` emits a __symbols__ node with one entry per device),
                   with compatible, reg, status and, on every third device,
                   clocks = <&clk_C> pointing at one of a few fixed-clock
                   providers under /clocks.

  --base-dtb PATH  the same base tree written directly as a .dtb that is
                   byte-identical to `dtc -@ -I dts -O dtb` of the --base
                   source (same phandle numbers, string table and __symbols__).
                   dtc 1.6's -@ is quadratic in the number of labels (about
                   90 s for 50,000 nodes), so large benchmark bases are written
                   this way; bench_apply.sh checks the identity with cmp on
                   its first size on every run.

  --overlay PATH   overlay source (/dts-v1/; /plugin/;) with M fragments:
                    - about half modify distinct existing devices, spread over
                      the whole base:   &dev_I { status = "okay"; new-prop = <I>; };
                    - the rest add a distinct labelled node under a bus:
                        &bus_K { newdev_J: newdev@A { compatible; reg;
                                                      clocks = <&clk_C>; ... }; };
                      every 4th new node also has vendor,peer = <&newdev_{J-1}>,
                      a reference local to the overlay,
                   so `dtc -@` emits __symbols__, __fixups__ and
                   __local_fixups__.  No two fragments touch the same node or
                   add the same node, so the Linux kernel would accept it too.

Example:
  gen_tree.py --nodes 2000 --fragments 1000 --base base.dts --overlay ovl.dts
"""

import argparse
import struct
import sys

DEV_STRIDE = 0x100  # size of each device's reg window
NEW_DEV_OFFSET = 0x8000000  # overlay-added devices live above the base ones
BUS_WINDOW = 0x10000000  # each bus translates a 256 MiB window
BUS_BASE = 0x10000000


# --------------------------------------------------------------------------
# A tiny tree model, rendered either as .dts text or as a `dtc -@`-style .dtb.
# Property values: str (string), tuple of int (cells), Ref (phandle cell).

class Ref:
    __slots__ = ("label",)

    def __init__(self, label):
        self.label = label


class Node:
    __slots__ = ("name", "label", "props", "children", "phandle")

    def __init__(self, name, label=None, props=None):
        self.name = name
        self.label = label
        self.props = props if props is not None else []
        self.children = []
        self.phandle = 0

    def add(self, child):
        self.children.append(child)
        return child


def build_base(n, buses, clocks):
    root = Node("", props=[
        ("model", "ovlcheck benchmark board (%d devices)" % n),
        ("compatible", "ovlcheck,bench-board"),
        ("#address-cells", (1,)),
        ("#size-cells", (1,)),
    ])
    clk = root.add(Node("clocks"))
    for c in range(clocks):
        clk.add(Node("clock-%d" % c, "clk_%d" % c, [
            ("compatible", "fixed-clock"),
            ("#clock-cells", (0,)),
            ("clock-frequency", (24000000 + c * 1000000,)),
        ]))
    soc = root.add(Node("soc", props=[
        ("compatible", "simple-bus"),
        ("#address-cells", (1,)),
        ("#size-cells", (1,)),
        ("ranges", None),
    ]))
    for k in range(buses):
        addr = BUS_BASE + k * BUS_WINDOW
        bus = soc.add(Node("bus@%x" % addr, "bus_%d" % k, [
            ("compatible", "simple-bus"),
            ("reg", (addr, BUS_WINDOW)),
            ("#address-cells", (1,)),
            ("#size-cells", (1,)),
            ("ranges", (0, addr, BUS_WINDOW)),
        ]))
        # Devices of this bus: indices k, k+buses, k+2*buses, ...
        for i in range(k, n, buses):
            a = (i // buses) * DEV_STRIDE
            props = [
                ("compatible", "ovlcheck,bench-dev%d" % (i % 7)),
                ("reg", (a, DEV_STRIDE)),
            ]
            if i % 3 == 0:
                props.append(("clocks", Ref("clk_%d" % (i % clocks))))
            props.append(("status", "disabled" if i % 2 else "okay"))
            bus.add(Node("dev@%x" % a, "dev_%d" % i, props))
    return root


# --------------------------------------------------------------------------
# .dts writer

def _dts_value(v):
    if v is None:
        return ""
    if isinstance(v, str):
        return ' = "%s"' % v
    if isinstance(v, Ref):
        return " = <&%s>" % v.label
    return " = <%s>" % " ".join("0x%x" % x for x in v)


def write_dts(root, fh):
    out = ["/dts-v1/;\n\n"]
    w = out.append

    def node(nd, depth):
        ind = "\t" * depth
        label = nd.label + ": " if nd.label else ""
        w("%s%s%s {\n" % (ind, label, nd.name or "/"))
        pind = ind + "\t"
        for name, v in nd.props:
            w("%s%s%s;\n" % (pind, name, _dts_value(v)))
        for ch in nd.children:
            w("\n")
            node(ch, depth + 1)
        w("%s};\n" % ind)

    node(root, 0)
    fh.write("".join(out))


# --------------------------------------------------------------------------
# .dtb writer reproducing `dtc -@` (dtc 1.6) output byte for byte.

FDT_MAGIC = 0xD00DFEED
FDT_BEGIN_NODE, FDT_END_NODE, FDT_PROP, FDT_END = 1, 2, 3, 9


def _preorder(nd):
    stack = [nd]
    while stack:
        cur = stack.pop()
        yield cur
        stack.extend(reversed(cur.children))


def add_dtc_symbols(root):
    """Do what `dtc -@` does: number phandles, add phandle props, __symbols__.

    dtc first numbers nodes as references to them are resolved (pre-order
    over nodes and their properties), then -@ numbers every other labelled
    node in pre-order; each new `phandle` property goes after the node's
    existing properties.  __symbols__ becomes the root's last child.
    """
    nodes = list(_preorder(root))
    by_label = {nd.label: nd for nd in nodes if nd.label}
    nxt = 1
    for nd in nodes:
        for _, v in nd.props:
            if isinstance(v, Ref):
                t = by_label[v.label]
                if not t.phandle:
                    t.phandle = nxt
                    nxt += 1
    for nd in nodes:
        if nd.label and not nd.phandle:
            nd.phandle = nxt
            nxt += 1
    for nd in nodes:
        if nd.phandle:
            nd.props.append(("phandle", (nd.phandle,)))
    # Paths, computed in one walk.
    paths = {id(root): ""}
    syms = []
    for nd in nodes:
        p = paths[id(nd)]
        for ch in nd.children:
            paths[id(ch)] = p + "/" + ch.name
        if nd.label:
            syms.append((nd.label, p or "/"))
    root.add(Node("__symbols__", props=syms))
    return by_label


def write_dtb(root, fh):
    by_label = {nd.label: nd for nd in _preorder(root) if nd.label}
    strings = bytearray()
    str_off = {}  # dtc reuses any existing string *suffix* (first offset)

    def name_off(s):
        off = str_off.get(s)
        if off is None:
            off = len(strings)
            b = s.encode()
            strings.extend(b + b"\0")
            for j in range(len(s)):
                str_off.setdefault(s[j:], off + j)
        return off

    pack = struct.pack
    chunks = []
    w = chunks.append

    def pad4(b):
        return b + b"\0" * (-len(b) % 4)

    # Iterative pre-order with explicit END_NODE markers.
    stack = [root]
    while stack:
        nd = stack.pop()
        if nd is None:
            w(pack(">I", FDT_END_NODE))
            continue
        w(pack(">I", FDT_BEGIN_NODE) + pad4(nd.name.encode() + b"\0"))
        for name, v in nd.props:
            if v is None:
                data = b""
            elif isinstance(v, str):
                data = v.encode() + b"\0"
            elif isinstance(v, Ref):
                data = pack(">I", by_label[v.label].phandle)
            else:
                data = pack(">%dI" % len(v), *v)
            w(pack(">III", FDT_PROP, len(data), name_off(name)) + pad4(data))
        stack.append(None)
        stack.extend(reversed(nd.children))
    w(pack(">I", FDT_END))
    dt_struct = b"".join(chunks)

    hdr_size = 40
    off_rsv = hdr_size  # already 8-aligned
    rsvmap = pack(">QQ", 0, 0)
    off_struct = off_rsv + len(rsvmap)
    off_strings = off_struct + len(dt_struct)
    total = off_strings + len(strings)
    hdr = pack(">10I", FDT_MAGIC, total, off_struct, off_strings, off_rsv,
               17, 16, 0, len(strings), len(dt_struct))
    fh.write(hdr + rsvmap + dt_struct + bytes(strings))


# --------------------------------------------------------------------------
# Overlay (text; small enough for dtc -@)

def overlay_plan(n, m):
    """Return (modified device indices, number of added nodes)."""
    n_mod = min(m // 2, n)
    n_add = m - n_mod
    # Distinct device indices spread evenly over [0, n).
    mods = [j * n // n_mod for j in range(n_mod)] if n_mod else []
    return mods, n_add


def gen_overlay(n, m, buses, clocks):
    mods, n_add = overlay_plan(n, m)
    out = []
    w = out.append
    w("/dts-v1/;\n/plugin/;\n\n")
    w("/* %d fragments: %d modify existing devices, %d add new nodes */\n\n"
      % (m, len(mods), n_add))
    # Interleave the two kinds so fragment order is not trivially grouped.
    mi = ai = 0
    for f in range(m):
        if (f % 2 == 0 and mi < len(mods)) or ai >= n_add:
            i = mods[mi]
            mi += 1
            w("&dev_%d {\n" % i)
            w('\tstatus = "okay";\n')
            w("\tnew-prop = <%d>;\n" % i)
            w("};\n\n")
        else:
            j = ai
            ai += 1
            k = j % buses
            a = NEW_DEV_OFFSET + (j // buses) * DEV_STRIDE
            w("&bus_%d {\n" % k)
            w("\tnewdev_%d: newdev@%x {\n" % (j, a))
            w('\t\tcompatible = "ovlcheck,bench-newdev";\n')
            w("\t\treg = <0x%x 0x%x>;\n" % (a, DEV_STRIDE))
            w("\t\tclocks = <&clk_%d>;\n" % (j % clocks))
            if j % 4 == 3:
                w("\t\tvendor,peer = <&newdev_%d>;\n" % (j - 1))
            w('\t\tstatus = "okay";\n')
            w("\t};\n};\n\n")
    return "".join(out)


# --------------------------------------------------------------------------
# Checking an applied result (fast; `dtc -I dtb` is quadratic on big trees)

def scan_dtb(path):
    """Return (node-name-prefix counts, property counts, __symbols__ size)."""
    with open(path, "rb") as fh:
        b = fh.read()
    if len(b) < 40:
        raise ValueError("%s: too short for a .dtb" % path)
    magic, total, off_struct, off_strings, _, version, _, _, size_strings, \
        size_struct = struct.unpack_from(">10I", b, 0)
    if magic != FDT_MAGIC or total > len(b) or version < 16:
        raise ValueError("%s: bad FDT header" % path)
    unpack = struct.unpack_from
    pos, end = off_struct, off_struct + size_struct
    names = {}
    props = {}
    n_syms = 0
    depth = 0
    sym_depth = -1
    while pos < end:
        (tok,) = unpack(">I", b, pos)
        pos += 4
        if tok == FDT_BEGIN_NODE:
            z = b.index(b"\0", pos)
            name = b[pos:z].decode()
            pos = (z + 4) & ~3
            depth += 1
            key = name.split("@", 1)[0]
            names[key] = names.get(key, 0) + 1
            if depth == 2 and name == "__symbols__":
                sym_depth = depth
        elif tok == FDT_END_NODE:
            if depth == sym_depth:
                sym_depth = -1
            depth -= 1
        elif tok == FDT_PROP:
            ln, noff = unpack(">II", b, pos)
            pos = (pos + 8 + ln + 3) & ~3
            z = b.index(b"\0", off_strings + noff)
            pname = b[off_strings + noff:z].decode()
            props[pname] = props.get(pname, 0) + 1
            if depth == sym_depth:
                n_syms += 1
        elif tok == 4:  # FDT_NOP
            pass
        elif tok == FDT_END:
            break
        else:
            raise ValueError("%s: bad token %d at %d" % (path, tok, pos - 4))
    if depth != 0:
        raise ValueError("%s: unbalanced nodes" % path)
    return names, props, n_syms


def check_applied(path, n, m, buses, clocks):
    """One-line verdict on an applied base+overlay .dtb; True if as expected."""
    mods, n_add = overlay_plan(n, m)
    try:
        names, props, n_syms = scan_dtb(path)
    except (OSError, ValueError) as e:
        print("MISMATCH: %s" % e)
        return False
    got = (names.get("dev", 0), names.get("newdev", 0),
           props.get("new-prop", 0), n_syms)
    want = (n, n_add, len(mods), n + buses + clocks + n_add)
    what = "dev nodes %d, new nodes %d, new-prop %d, symbols %d"
    if got == want:
        print("ok (" + what % got + ")")
        return True
    print(("MISMATCH: got " + what + "; expected %d, %d, %d, %d")
          % (got + want))
    return False


def main(argv=None):
    p = argparse.ArgumentParser(
        description="Generate synthetic .dts/.dtb inputs for ovlcheck "
        "benchmarks (see the module docstring).")
    p.add_argument("--nodes", type=int, default=2000,
                   help="device nodes in the base tree (default 2000)")
    p.add_argument("--fragments", type=int, default=1000,
                   help="fragments in the overlay (default 1000)")
    p.add_argument("--buses", type=int, default=8,
                   help="simple-bus nodes under /soc (default 8)")
    p.add_argument("--clocks", type=int, default=4,
                   help="fixed-clock providers (default 4)")
    p.add_argument("--base", metavar="PATH", help="write the base .dts here")
    p.add_argument("--base-dtb", metavar="PATH",
                   help="write the base as a .dtb identical to `dtc -@` output")
    p.add_argument("--overlay", metavar="PATH",
                   help="write the overlay .dts here")
    p.add_argument("--check-applied", metavar="DTB",
                   help="check DTB is the base with the overlay applied "
                   "(counts of devices, new nodes, new-prop, __symbols__); "
                   "prints ok/MISMATCH, exit status 0/1")
    p.add_argument("--print-plan", action="store_true",
                   help="print '<modified> <added>' fragment counts")
    a = p.parse_args(argv)

    if a.nodes < 1 or a.fragments < 0 or a.clocks < 1:
        p.error("need --nodes >= 1, --fragments >= 0, --clocks >= 1")
    if not 1 <= a.buses <= 14:
        p.error("--buses must be 1..14 (32-bit bus windows)")
    if (a.nodes // a.buses + 1) * DEV_STRIDE > NEW_DEV_OFFSET or \
            (a.fragments // a.buses + 1) * DEV_STRIDE > BUS_WINDOW - NEW_DEV_OFFSET:
        p.error("too many nodes per bus; raise --buses")
    if not (a.base or a.base_dtb or a.overlay or a.print_plan
            or a.check_applied):
        p.error("nothing to do: give --base, --base-dtb and/or --overlay")
    if a.check_applied:
        ok = check_applied(a.check_applied, a.nodes, a.fragments, a.buses,
                           a.clocks)
        return 0 if ok else 1

    if a.base or a.base_dtb:
        root = build_base(a.nodes, a.buses, a.clocks)
        if a.base:
            with open(a.base, "w") as fh:
                write_dts(root, fh)
        if a.base_dtb:
            add_dtc_symbols(root)
            with open(a.base_dtb, "wb") as fh:
                write_dtb(root, fh)
    if a.overlay:
        with open(a.overlay, "w") as fh:
            fh.write(gen_overlay(a.nodes, a.fragments, a.buses, a.clocks))
    if a.print_plan:
        mods, n_add = overlay_plan(a.nodes, a.fragments)
        print(len(mods), n_add)
    return 0


if __name__ == "__main__":
    sys.exit(main())
