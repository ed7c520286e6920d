#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The module BTF benchmark's report (scripts/bench.sh).

    report.py BENCH_DIR KERNEL...

Reads BENCH_DIR/KERNEL/{host,guest}.csv ("csv,KEY,WHAT,VALUES..." lines),
writes BENCH_DIR/samples.csv (every sample, with its kernel),
BENCH_DIR/table.md and BENCH_DIR/load-cost.png (gnuplot), and prints the
table: each figure for each kernel, and the first kernel's over the
second's.
"""
import os
import statistics
import subprocess
import sys

NAMES = {"default": "5.10 + series", "upstream": "6.1"}


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def quantile(xs, q):
    xs = sorted(xs)
    if not xs:
        return float("nan")
    i = q * (len(xs) - 1)
    lo = int(i)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (i - lo)


def read_csv(path):
    rows = []
    with open(path) as fh:
        for line in fh:
            parts = line.strip().split(",")
            if len(parts) >= 3 and parts[0] == "csv":
                rows.append(parts[1:])
    return rows


def read_rows(bench, kernel):
    """All rows of a kernel, and the rows of each main round's boot."""
    d = os.path.join(bench, kernel)
    rows, rounds = read_csv(os.path.join(d, "host.csv")), []
    for f in sorted(os.listdir(d)):
        if f.startswith("guest-") and f.endswith(".csv"):
            r = read_csv(os.path.join(d, f))
            rows += r
            if f.startswith("guest-main-"):
                rounds.append(r)
    return rows, rounds


def fit(points):
    """Least squares y = a + b x: (a, b)."""
    n = len(points)
    if n < 2:
        return float("nan"), float("nan")
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    b = sum((x - mx) * (y - my) for x, y in points) / sxx
    return my - b * mx, b


class Kernel:
    def __init__(self, bench, name):
        self.name = name
        self.rows, self.rounds = read_rows(bench, name)
        self.fig = {}
        self.load = {}
        self.compute()

    def select(self, what, key=None, rows=None):
        return [r[2:] for r in (self.rows if rows is None else rows)
                if r[1] == what and (key is None or r[0] == key)]

    def pairs(self, n, rows=None):
        """The (with, without) load and unload times of each sample of
        size n: modbtf_bench load prints each sample's two loads one
        after the other, in either order.
        """
        s = [x for x in self.select("load", str(n), rows)]
        out = []
        for a, b in zip(s[0::2], s[1::2]):
            w, wo = (a, b) if a[0] == "with" else (b, a)
            if (w[0], wo[0]) != ("with", "without"):
                raise SystemExit("%s: load samples of %d out of pairs" % (self.name, n))
            out.append((int(w[1]), int(wo[1]), int(w[2]), int(wo[2])))
        return out

    def cost(self, n, rows=None):
        """The BTF cost of a load: the median of the samples' with minus
        without (each pair ran back to back).
        """
        return median([w - wo for w, wo, _, _ in self.pairs(n, rows)])

    def slope(self, rows=None):
        return fit([(self.btf[n] / 1024, self.cost(n, rows)) for n in sorted(self.btf)])

    def compute(self):
        f = self.fig
        btf = {int(r[0]): int(r[2]) for r in self.rows if r[1] == "btf_bytes"}
        self.btf = btf
        for n in sorted(btf):
            p = self.pairs(n)
            if not p:
                raise SystemExit("%s: no load samples of bench_%d" % (self.name, n))
            w = [x[0] for x in p]
            d = [x[0] - x[1] for x in p]
            ud = [x[2] - x[3] for x in p]
            cost = median(d)
            self.load[n] = dict(kb=btf[n] / 1024, cost=cost,
                                lo=quantile(d, 0.25), hi=quantile(d, 0.75))
            f["load %d types: BTF bytes" % n] = btf[n]
            f["load %d types: samples" % n] = len(p)
            f["load %d types: with BTF (us)" % n] = median(w) / 1e3
            f["load %d types: without BTF (us)" % n] = median([x[1] for x in p]) / 1e3
            f["load %d types: BTF cost (us)" % n] = cost / 1e3
            f["load %d types: BTF share of load (%%)" % n] = 100 * cost / median(w)
            f["unload %d types: BTF cost (us)" % n] = median(ud) / 1e3
            bl = [int(x[0]) for x in self.select("btfload", str(n))]
            if bl:
                f["BPF_BTF_LOAD %d types, standalone (us; inputs differ by kernel)" % n] = median(bl) / 1e3
        a, b = self.slope()
        f["load cost: fixed part (us)"] = a / 1e3
        f["load cost: slope (ns/KB)"] = b
        self.round_slopes = [self.slope(r)[1] for r in self.rounds]
        first = [int(x[0]) for x in self.select("first")]
        second = [int(x[0]) for x in self.select("second")]
        f["first load after boot: boots"] = len(first)
        f["first load after boot (us)"] = median(first) / 1e3
        f["second load (us)"] = median(second) / 1e3
        f["first load's extra (us)"] = (median(first) - median(second)) / 1e3
        mem = {}
        for kind in ("with", "without"):
            c = [(int(x[1]) + int(x[2])) / int(x[0], 10) for x in self.select("copies", kind)]
            a = [int(x[3]) / int(x[0]) for x in self.select("copies", kind)]
            if c:
                mem[kind] = median(c), median(a)
        if "with" in mem and "without" in mem and 1000 in btf:
            per = (mem["with"][0] - mem["without"][0]) * 1024
            f["memory per module, slab+vmalloc, with BTF (KB)"] = mem["with"][0]
            f["memory per module, slab+vmalloc, without BTF (KB)"] = mem["without"][0]
            f["memory per module BTF (KB)"] = per / 1024
            f["memory per module BTF / .BTF bytes"] = per / btf[1000]
            f["MemAvailable fall per module BTF (KB)"] = mem["with"][1] - mem["without"][1]
        core = {}
        for k in ("0", "10", "50"):
            core[k] = median([int(x[0]) for x in self.select("core", k)])
            bt = [int(x[0]) for x in self.select("exec", k)]
            f["libbpf CO-RE load, %s other modules (ms)" % k] = core[k] / 1e6
            f["bpftool btf show, %s other modules (ms)" % k] = median(bt) / 1e6
        f["libbpf CO-RE load, each other module adds (ms)"] = (core["50"] - core["0"]) / 50e6
        rd = self.select("read")
        if rd:
            mbs = [int(x[0]) / int(x[1]) * 1e9 / 2 ** 20 for x in rd]
            f["sysfs read of the largest module BTF (MiB/s)"] = median(mbs)
        build = {m: median([int(r[2]) for r in self.rows
                            if r[0] == m and r[1] == "build"])
                 for m in ("btf", "nobtf")}
        nb = len([r for r in self.rows if r[0] == "btf" and r[1] == "build"])
        f["build of the bench modules: builds each way"] = nb
        f["build of the bench modules, with BTF (s)"] = build["btf"] / 1e9
        f["build of the bench modules, without BTF (s)"] = build["nobtf"] / 1e9
        f["build overhead of BTF (%)"] = 100 * (build["btf"] / build["nobtf"] - 1)
        f[".BTF bytes of the bench modules"] = sum(btf.values())


def fmt(v):
    if isinstance(v, str):
        return v
    if isinstance(v, int) or (isinstance(v, float) and v.is_integer() and abs(v) > 1000):
        return "%d" % v
    if v != v:
        return "-"
    return "%.3g" % v if abs(v) < 100 else "%.0f" % v


def ratio(a, b):
    """a / b, where that means something: both numbers, the same sign."""
    if isinstance(a, str) or isinstance(b, str) or a != a or b != b or b == 0 or a * b < 0:
        return "-"
    return "%.2f" % (a / b)


def table(ks):
    head = ["figure"] + [NAMES.get(k.name, k.name) for k in ks]
    if len(ks) == 2:
        head.append("ratio")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    keys = list(ks[0].fig)
    for k in ks[1:]:
        keys += [x for x in k.fig if x not in keys]
    if len(ks) == 2:
        # Round r of one kernel against round r of the other: the
        # kernels took turns boot by boot.
        for k in ks:
            k.fig["load cost slope, each round (ns/KB)"] = \
                " ".join("%.0f" % x for x in k.round_slopes)
        keys.append("load cost slope, each round (ns/KB)")
        rr = [a / b for a, b in zip(ks[0].round_slopes, ks[1].round_slopes) if b]
    for key in keys:
        vals = [k.fig.get(key, float("nan")) for k in ks]
        row = [key] + [fmt(v) for v in vals]
        if len(ks) == 2:
            if key == "load cost slope, each round (ns/KB)":
                row.append(" ".join("%.2f" % x for x in rr))
            elif "inputs differ" in key:
                row.append("-")
            else:
                row.append(ratio(vals[0], vals[1]))
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines) + "\n"


def samples(bench, ks):
    with open(os.path.join(bench, "samples.csv"), "w") as out:
        out.write("kernel,key,what,values...\n")
        for k in ks:
            for r in k.rows:
                out.write(",".join([k.name] + r) + "\n")


def plot(bench, ks):
    data = os.path.join(bench, "load-cost.dat")
    with open(data, "w") as out:
        for k in ks:
            out.write("# %s\n" % k.name)
            for n in sorted(k.load):
                d = k.load[n]
                out.write("%f %f %f %f\n" % (d["kb"], d["cost"] / 1e3,
                                             d["lo"] / 1e3, d["hi"] / 1e3))
            out.write("\n\n")
    cmds = ["set terminal pngcairo size 900,600",
            "set output '%s'" % os.path.join(bench, "load-cost.png"),
            "set title 'Module load time with BTF minus without, paired samples (median; bars: quartiles)'",
            "set xlabel '.BTF of the module (KB)'",
            "set ylabel 'extra load time (us), QEMU TCG'",
            "set logscale x", "set xrange [0.5:2000]", "set key left top",
            "set grid"]
    plots = ["'%s' index %d using 1:2:3:4 with yerrorlines title '%s'"
             % (data, i, NAMES.get(k.name, k.name)) for i, k in enumerate(ks)]
    cmds.append("plot " + ", ".join(plots))
    subprocess.run(["gnuplot"], input="\n".join(cmds), text=True, check=True)


def main():
    bench, names = sys.argv[1], sys.argv[2:]
    ks = [Kernel(bench, n) for n in names]
    text = table(ks)
    with open(os.path.join(bench, "table.md"), "w") as out:
        out.write(text)
    samples(bench, ks)
    plot(bench, ks)
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
