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

    def cost(self, n, rows=None):
        """Median load time with BTF minus without, and the samples."""
        s = self.select("load", str(n), rows)
        w = [int(x[1]) for x in s if x[0] == "with"]
        wo = [int(x[1]) for x in s if x[0] == "without"]
        return median(w) - median(wo), w, wo

    def compute(self):
        f = self.fig
        btf = {int(r[0]): int(r[2]) for r in self.rows if r[1] == "btf_bytes"}
        self.btf = btf
        sa = {int(r[0]): int(r[2]) for r in self.rows if r[1] == "standalone_bytes"}
        pts, upts = [], []
        for n in sorted(btf):
            s = self.select("load", str(n))
            w = [int(x[1]) for x in s if x[0] == "with"]
            wo = [int(x[1]) for x in s if x[0] == "without"]
            uw = [int(x[2]) for x in s if x[0] == "with"]
            uwo = [int(x[2]) for x in s if x[0] == "without"]
            if not w or not wo:
                continue
            cost = median(w) - median(wo)
            self.load[n] = dict(
                kb=btf[n] / 1024, with_=median(w), without=median(wo),
                cost=cost, samples=min(len(w), len(wo)),
                lo=quantile(w, 0.25) - quantile(wo, 0.75),
                hi=quantile(w, 0.75) - quantile(wo, 0.25),
                ucost=median(uw) - median(uwo))
            pts.append((btf[n] / 1024, cost))
            f["load %d types: BTF bytes" % n] = btf[n]
            f["load %d types: with BTF (us)" % n] = median(w) / 1e3
            f["load %d types: without BTF (us)" % n] = median(wo) / 1e3
            f["load %d types: BTF cost (us)" % n] = cost / 1e3
            f["load %d types: BTF share of load (%%)" % n] = 100 * cost / median(w)
            f["unload %d types: BTF cost (us)" % n] = (median(uw) - median(uwo)) / 1e3
            bl = [int(x[0]) for x in self.select("btfload", str(n))]
            if bl:
                f["BPF_BTF_LOAD %d types standalone (us)" % n] = median(bl) / 1e3
                upts.append((sa.get(n, btf[n]) / 1024, median(bl)))
        a, b = fit(pts)
        f["load cost: fixed part (us)"] = a / 1e3
        f["load cost: slope (ns/KB)"] = b
        slopes = sorted(fit([(btf[n] / 1024, self.cost(n, r)[0]) for n in sorted(btf)])[1]
                        for r in self.rounds)
        if slopes:
            f["load cost slope of each round: lowest (ns/KB)"] = slopes[0]
            f["load cost slope of each round: highest (ns/KB)"] = slopes[-1]
        a, b = fit(upts)
        f["BPF_BTF_LOAD: fixed part (us)"] = a / 1e3
        f["BPF_BTF_LOAD: slope (ns/KB)"] = b
        first = [int(x[0]) for x in self.select("first")]
        second = [int(x[0]) for x in self.select("second")]
        f["first load after boot (us, median of %d boots)" % len(first)] = median(first) / 1e3
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
        for k in ("0", "10", "50"):
            core = [int(x[0]) for x in self.select("core", k)]
            bt = [int(x[0]) for x in self.select("exec", k)]
            f["libbpf CO-RE load, %s other modules (ms)" % k] = median(core) / 1e6
            f["bpftool btf show, %s other modules (ms)" % k] = median(bt) / 1e6
        rd = self.select("read")
        if rd:
            mbs = [int(x[0]) / int(x[1]) * 1e9 / 2 ** 20 for x in rd]
            f["sysfs read of %d bytes (MB/s)" % int(rd[0][0])] = median(mbs)
        build = {m: median([int(r[2]) for r in self.rows
                            if r[0] == m and r[1] == "build"])
                 for m in ("btf", "nobtf")}
        nb = len([r for r in self.rows if r[0] == "btf" and r[1] == "build"])
        f["build of the bench modules, with BTF (s, median of %d)" % nb] = build["btf"] / 1e9
        f["build of the bench modules, without BTF (s)"] = build["nobtf"] / 1e9
        f["build overhead of BTF (%)"] = 100 * (build["btf"] / build["nobtf"] - 1)
        f[".BTF bytes of the bench modules"] = sum(btf.values())


def fmt(v):
    if isinstance(v, int) or (isinstance(v, float) and v.is_integer() and abs(v) > 1000):
        return "%d" % v
    if v != v:
        return "-"
    return "%.3g" % v if abs(v) < 100 else "%.0f" % v


def table(ks):
    head = ["figure"] + [NAMES.get(k.name, k.name) for k in ks]
    if len(ks) == 2:
        head.append("ratio")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for key in ks[0].fig:
        vals = [k.fig.get(key, float("nan")) for k in ks]
        row = [key] + [fmt(v) for v in vals]
        if len(ks) == 2:
            ok = vals[1] == vals[1] and vals[1] != 0 and vals[0] == vals[0]
            row.append("%.2f" % (vals[0] / vals[1]) if ok else "-")
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
            "set title 'Module load time with BTF minus without (median; bars: interquartile)'",
            "set xlabel '.BTF of the module (KB)'",
            "set ylabel 'extra load time (us), QEMU TCG'",
            "set logscale xy", "set xrange [0.5:2000]", "set key left top",
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
