#!/usr/bin/env python3
"""extract.py [<kernel dir>...]: for every run-cases.sh serial log <run>.log in
each dir (a scenario's kernel-6.1, kernel-6.12, ...; default: every
*/kernel-*/ next to this script), write

  <run>.of.txt     the kernel's lines that start with "OF:", and fw_devlink's
                   "<node>: Fixed dependency cycle(s) with <node>" lines (the
                   "[ t.tttttt] " timestamp stripped), in log order, with the initramfs
                   "=== STEP ..." and "=== RESULT ..." lines kept in place.
                   Only lines after "=== ORACLE START" (6.1 prints no OF: line
                   at boot in these runs; 6.12 prints one, "OF: reserved mem:
                   Reserved memory: No reserved-memory node in the DT"; the
                   script says how many it left out).
  <run>.state.txt  the same STEP/RESULT lines plus every DIFF block verbatim and
                   every device list, where platform devices already present in
                   the run's first device list (the boot baseline) are replaced
                   by one "(N baseline platform devices omitted)" line and baseline devices
                   that have disappeared are listed as "gone <device>"; "bound",
                   i2c and devlink lines of the listed devices are kept verbatim.

<run> is the log name without .log, e.g. provider-consumer.nobarrier,
provider-consumer.twice.barrier, stack.provider+consumer.top.nobarrier.
boot-dump.*.log is skipped (it is a full live-tree dump, kept only raw)."""
import glob, os, re, sys

# fw_devlink's pr_info when it relaxes a dependency cycle (drivers/base/core.c, v6.3+).
FW_DEVLINK_CYCLE = re.compile(r'^/\S*: Fixed dependency cycle\(s\) with /')
TS = re.compile(r'^\[\s*\d+\.\d+\] (.*)$')


def one(path):
    of, st = [], []
    started = False
    baseline = None
    mode = None
    cur = None
    boot_of = 0
    for raw in open(path, errors='replace'):
        line = raw.rstrip('\n')
        m = TS.match(line)
        if m:
            msg = m.group(1)
            if msg.startswith('OF:') or FW_DEVLINK_CYCLE.search(msg):
                if started:
                    of.append(msg)
                else:
                    boot_of += 1
            continue
        if line.startswith('=== ORACLE START'):
            started = True
            continue
        if not started:
            continue
        if line.startswith('=== STEP') or line.startswith('=== RESULT'):
            of.append(line)
            st.append(line)
            mode = None
            continue
        if line.startswith('=== DIFF'):
            mode = 'diff'
            st.append(line)
            continue
        if line.startswith('=== PLATFORM DEVICES'):
            mode = 'dev'
            cur = {'pdev': [], 'rest': []}
            continue
        if mode == 'dev' and line.startswith('=== END DEVICES'):
            pd = [p for p in cur['pdev']]
            if baseline is None:
                baseline = set(pd)
            keep = [p for p in pd if p not in baseline]
            n = len(pd) - len(keep)
            st.append('=== PLATFORM DEVICES (%d baseline platform devices omitted)' % n)
            bound = {}
            for kind, l in cur['rest']:
                if kind == 'bound':
                    bound.setdefault(l.split()[1], []).append(l)
            for p in sorted(baseline - set(pd)):
                st.append('gone ' + p + '   (baseline platform device no longer listed)')
            for p in keep:
                st.append('pdev ' + p)
                st.extend(bound.get(p, []))
            for kind, l in cur['rest']:
                if kind == 'bound' and l.split()[1] not in keep:
                    st.append(l)   # baseline device bound: keep, it is short
                elif kind != 'bound':
                    st.append(l)
            st.append(line)
            mode = None
            continue
        if mode == 'dev':
            if line.startswith('pdev '):
                cur['pdev'].append(line[5:])
            elif line.startswith('bound '):
                cur['rest'].append(('bound', line))
            elif line.startswith('=== '):
                cur['rest'].append(('hdr', line))
            elif line.startswith(('i2cdev ', 'spidev ', 'link ', '(no ')):
                cur['rest'].append(('x', line))
            continue
        if mode == 'diff':
            st.append(line)
            if line.startswith('=== END DIFF'):
                mode = None
            continue
        if line.startswith('=== ORACLE END'):
            st.append(line)
    if boot_of:
        print('%s: %d OF: lines before ORACLE START (not in .of.txt)' % (path, boot_of))
    base = path[:-4]
    open(base + '.of.txt', 'w').write('\n'.join(of) + '\n')
    open(base + '.state.txt', 'w').write('\n'.join(st) + '\n')


dirs = sys.argv[1:] or sorted(glob.glob(os.path.join(os.path.dirname(os.path.abspath(__file__)), '*', 'kernel-*')))
for d in dirs:
    for f in sorted(glob.glob(os.path.join(d, '*.log'))):
        if os.path.basename(f).startswith('boot-dump.'):
            continue
        one(f)
