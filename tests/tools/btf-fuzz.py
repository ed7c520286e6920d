#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Make fuzzed BTF, deterministically, for the guest's btf_fuzz loader.

  btf-fuzz.py gen --seed S --count N [--first K] --base VMLINUX.btf
              --split NAME=FILE... --user NAME=FILE... OUT_PREFIX

Each case K (K = FIRST .. FIRST+N-1) is one mutation of one input, chosen
by a random generator seeded with "S:K" only: case K is the same whatever
N, FIRST or the other cases are, so that one case can be made again on
its own (--first K --count 1). Inputs: --split, a module's .BTF section
(split BTF on VMLINUX.btf, the raw .BTF of the vmlinux the modules were
built against); --user, standalone BTF (a BPF object's .BTF), which the
guest also gives to BPF_BTF_LOAD. The cases alternate between the
inputs' kinds: three split cases for one user case.

Writes OUT_PREFIX.bin, the cases one after another, each as
  u32 case number, u8 kind (0 split, 1 user), u8 pad[3], u32 length,
  then the bytes (little endian);
and OUT_PREFIX.txt, one line a case: "K KIND INPUT WHAT", WHAT saying
which mutation it is.

Mutations: bit flips; header fields at and around boundaries; type IDs
and name offsets at and around every boundary (0, the base/split
boundary, the last type or string, one past it, huge); kind, vlen,
kind_flag and reserved info bits; size fields; member offsets and
bitfields; array, enum, datasec and func_proto specifics; records cut,
duplicated, or spliced in from another input; the data truncated; names
that are no C identifiers or too long; strings without their NUL.
"""
import argparse
import importlib.util
import os
import random
import struct
import sys

_spec = importlib.util.spec_from_file_location(
    'btf_mutate', os.path.join(os.path.dirname(os.path.abspath(__file__)), 'btf-mutate.py'))
bm = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bm)

HDR_FIELDS = ['magic', 'version', 'flags', 'hdr_len', 'type_off', 'type_len',
              'str_off', 'str_len']
# offset and size of each header field
HDR_AT = {'magic': (0, 2), 'version': (2, 1), 'flags': (3, 1), 'hdr_len': (4, 4),
          'type_off': (8, 4), 'type_len': (12, 4), 'str_off': (16, 4),
          'str_len': (20, 4)}
KSYM_NAME_LEN = 128


def around(*values):
    """Each value and its neighbours, as u32."""
    out = set()
    for v in values:
        for d in (-4, -1, 0, 1, 4):
            out.add((v + d) & 0xffffffff)
    return sorted(out)


HUGE = [0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, bm.BTF_MAX_TYPE,
        bm.BTF_MAX_TYPE + 1, 1 << 24]


class Case:
    def __init__(self, btf, rng, inputs):
        self.btf = btf
        self.rng = rng
        self.inputs = inputs
        self.data = bytearray(btf.data)

    def u32(self, off):
        return struct.unpack_from('<I', self.data, off)[0]

    def put(self, off, value, size=4):
        fmt = {1: '<B', 2: '<H', 4: '<I'}[size]
        struct.pack_into(fmt, self.data, off, value & ((1 << (8 * size)) - 1))

    def pick_type(self, kinds=None):
        types = [t for t in self.btf.types if kinds is None or t.kind in kinds]
        return self.rng.choice(types) if types else None

    def id_boundaries(self):
        b = self.btf
        return around(0, b.start_id - 1, b.start_id, b.nr_total() - 1,
                      b.nr_total()) + HUGE

    def str_boundaries(self):
        b = self.btf
        return around(0, b.start_str, b.str_total() - 1, b.str_total()) + HUGE

    # mutations: each changes self.data and returns what it did

    def flip(self):
        n = self.rng.randint(1, 4)
        bits = []
        for _ in range(n):
            off = self.rng.randrange(len(self.data))
            bit = self.rng.randrange(8)
            self.data[off] ^= 1 << bit
            bits.append('%d.%d' % (off, bit))
        return 'flip ' + ','.join(bits)

    def header(self):
        name = self.rng.choice(HDR_FIELDS)
        off, size = HDR_AT[name]
        cur = getattr(self.btf, name)
        choices = around(cur, len(self.data), len(self.data) - bm.HDR.size, 0) + HUGE
        value = self.rng.choice(choices) & ((1 << (8 * size)) - 1)
        self.put(off, value, size)
        return 'header %s=%#x' % (name, value)

    def _field(self, fields, boundaries, label):
        """One of fields (offset, value) set to one of boundaries."""
        if not fields:
            return self.info()
        off, old = self.rng.choice(fields)
        value = self.rng.choice(boundaries)
        self.put(off, value)
        return '%s @%d %d->%#x' % (label, off, old, value)

    def ref(self):
        return self._field([r for t in self.btf.types for r in t.refs],
                           self.id_boundaries(), 'ref')

    def name(self):
        return self._field([n for t in self.btf.types for n in t.names],
                           self.str_boundaries(), 'name_off')

    def info(self):
        t = self.pick_type()
        if t is None:
            return self.header()
        info = self.u32(t.off + 4)
        what = self.rng.choice(['kind', 'vlen', 'kflag', 'reserved'])
        if what == 'kind':
            value = (info & ~(0x1f << 24)) | (self.rng.randrange(32) << 24)
        elif what == 'vlen':
            vlen = self.rng.choice([0, 1, t.vlen - 1, t.vlen + 1, 0xffff])
            value = (info & ~0xffff) | (vlen & 0xffff)
        elif what == 'kflag':
            value = info ^ (1 << 31)
        else:
            value = info | (1 << self.rng.choice(list(range(16, 24)) + [29, 30]))
        self.put(t.off + 4, value)
        return 'info @%d %s %#x->%#x' % (t.off, what, info, value)

    def size(self):
        t = self.pick_type({1, 4, 5, 6, 15, 16, 19})
        if t is None:
            return self.flip()
        value = self.rng.choice([0, 1, 2, 3, 5, 7, 9, 16, 17, 0x7fffffff,
                                 0xffffffff, t.size_type - 1, t.size_type + 1])
        self.put(t.off + 8, value)
        return 'size @%d %d->%#x' % (t.off, t.size_type, value & 0xffffffff)

    def body(self):
        """A kind-specific field after struct btf_type."""
        t = self.pick_type({1, 3, 4, 5, 6, 13, 14, 15, 19})
        if t is None:
            return self.flip()
        body = t.off + bm.TYPE.size
        per, extra = bm.KINDS[t.kind][1], bm.KINDS[t.kind][2]
        span = per * t.vlen + extra
        if span == 0:
            return self.info()
        field = body + 4 * self.rng.randrange(span // 4)
        old = self.u32(field)
        if t.kind == 1:  # INT encoding | offset | bits
            value = self.rng.choice([0, 64, 65, 128, 129, 0xff, 1 << 16, 1 << 24,
                                     (1 << 24) | 32, (7 << 24) | 32, 0xffffffff])
        elif t.kind in (4, 5) and (field - body) % 12 == 8:  # member offset
            value = self.rng.choice([0, 1, 7, old + 1, old - 1, (1 << 24) | old,
                                     (0xff << 24) | old, 0xffffff, 0x7fffffff,
                                     0xffffffff, t.size_type * 8,
                                     t.size_type * 8 + 1])
        elif t.kind == 15 and (field - body) % 12 != 0:  # var offset, size
            value = self.rng.choice([0, 1, old + 1, old - 1, 0x7fffffff,
                                     0xffffffff, 1 << 20])
        elif t.kind == 14:  # VAR linkage
            value = self.rng.choice([0, 1, 2, 3, 0xffffffff])
        else:
            value = self.rng.choice(self.id_boundaries() + [old ^ 1, old + 1])
        self.put(field, value)
        return '%s[%d] body @%d %#x->%#x' % (
            bm.KINDS[t.kind][0], t.off, field, old, value & 0xffffffff)

    def _rebuild(self, types, what):
        """New data with the type section types (bytes), same strings."""
        b = self.btf
        strs = bytes(b.data[b.hdr_len + b.str_off:b.hdr_len + b.str_off + b.str_len])
        hdr = bm.HDR.pack(bm.MAGIC, b.version, b.flags, bm.HDR.size, 0, len(types),
                          len(types), len(strs))
        self.data = bytearray(hdr + types + strs)
        return what

    def _records(self):
        b = self.btf
        offs = [t.off for t in b.types] + [b.hdr_len + b.type_off + b.type_len]
        return [bytes(b.data[offs[i]:offs[i + 1]]) for i in range(len(b.types))]

    def records(self):
        recs = self._records()
        if not recs:
            return self.header()
        i = self.rng.randrange(len(recs))
        op = self.rng.choice(['cut', 'dup', 'swap', 'splice', 'half'])
        if op == 'cut':
            del recs[i]
        elif op == 'dup':
            recs.insert(i, recs[i])
        elif op == 'swap':
            j = self.rng.randrange(len(recs))
            recs[i], recs[j] = recs[j], recs[i]
        elif op == 'splice':
            other = self.rng.choice(self.inputs)
            orecs = Case(other, self.rng, self.inputs)._records()
            if orecs:
                recs.insert(i, self.rng.choice(orecs))
        else:
            recs[i] = recs[i][:self.rng.randrange(len(recs[i]))]
        return self._rebuild(b''.join(recs), 'records %s #%d' % (op, i))

    def truncate(self):
        n = self.rng.randrange(len(self.data))
        self.data = self.data[:n]
        return 'truncate to %d' % n

    def strings(self):
        b = self.btf
        start = b.hdr_len + b.str_off
        end = start + b.str_len
        names = [off for t in b.types for _, off in t.names
                 if b.start_str < off < b.str_total()]
        op = self.rng.choice(['no-nul', 'bad-char', 'long', 'empty', 'digit'])
        if op == 'no-nul' or not names:
            if end > start:
                self.data[end - 1] = ord('x')
            return 'strings: last NUL replaced'
        noff = self.rng.choice(names)
        at = start + noff - b.start_str
        if op == 'bad-char':
            self.data[at] = self.rng.choice(b'-. $\x01\xff')
            return 'strings: bad char at %d' % noff
        if op == 'digit':
            self.data[at] = ord('7')
            return 'strings: leading digit at %d' % noff
        if op == 'empty':
            self.data[at] = 0
            return 'strings: name at %d made empty' % noff
        # a name of KSYM_NAME_LEN characters or more, at the end
        long = b'n' * self.rng.choice([KSYM_NAME_LEN - 1, KSYM_NAME_LEN,
                                       KSYM_NAME_LEN + 1, 4096])
        self.data[end:end] = long + b'\0'
        self.put(20, b.str_len + len(long) + 1)
        ref = next(o for t in b.types for o, v in t.names if v == noff)
        self.put(ref, b.str_total())
        return 'strings: name of %d characters' % len(long)

    def funcproto(self):
        t = self.pick_type({13})
        if t is None or t.vlen == 0:
            return self.body()
        body = t.off + bm.TYPE.size
        i = self.rng.randrange(t.vlen)
        op = self.rng.choice(['void-param', 'vararg-name', 'void-ret'])
        if op == 'void-param':  # type 0: varargs, unless i is the last
            self.put(body + 8 * i + 4, 0)
            self.put(body + 8 * i, 0)
        elif op == 'vararg-name':
            self.put(body + 8 * (t.vlen - 1) + 4, 0)
        else:
            self.put(t.off + 8, 0)
        return 'FUNC_PROTO[%d] %s #%d' % (t.off, op, i)


MUTATIONS = ['flip', 'flip', 'header', 'ref', 'ref', 'name', 'info', 'info',
             'size', 'body', 'body', 'records', 'records', 'truncate',
             'strings', 'funcproto']


# Mutations that move what follows them
RESHAPING = {'records', 'truncate', 'strings'}


def make_case(seed, k, split, user):
    """Case k: its kind, input name, bytes and what was done. split and
    user: lists of (name, parsed Btf)."""
    rng = random.Random('%s:%d' % (seed, k))
    kind = 1 if k % 4 == 3 and user else 0
    pool = user if kind else split
    name, btf = rng.choice(pool)
    case = Case(btf, rng, [b for _, b in pool])
    what = []
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        # A reshaping mutation rebuilds the data from the input's types
        # and strings (it would drop earlier mutations): first or never
        m = rng.choice([m for m in MUTATIONS if not what or m not in RESHAPING])
        what.append(getattr(case, m)())
        # the offsets of the input no longer hold
        if m in RESHAPING or len(case.data) != len(btf.data):
            break
    return kind, name, bytes(case.data), '; '.join(what)


def named(values):
    out = []
    for v in values or []:
        name, _, path = v.partition('=')
        if not path:
            raise SystemExit('btf-fuzz: expected NAME=FILE, got %s' % v)
        out.append((name, path))
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = p.add_subparsers(dest='cmd', required=True)
    g = sub.add_parser('gen')
    g.add_argument('--seed', required=True)
    g.add_argument('--count', type=int, required=True)
    g.add_argument('--first', type=int, default=0)
    g.add_argument('--base', required=True)
    g.add_argument('--split', action='append', required=True)
    g.add_argument('--user', action='append')
    g.add_argument('out')
    args = p.parse_args()
    base = bm.load(args.base)
    split = [(n, bm.load(f, base)) for n, f in named(args.split)]
    user = [(n, bm.load(f)) for n, f in named(args.user)]
    with open(args.out + '.bin', 'wb') as binf, open(args.out + '.txt', 'w') as txt:
        for k in range(args.first, args.first + args.count):
            kind, name, data, what = make_case(args.seed, k, split, user)
            binf.write(struct.pack('<IB3xI', k, kind, len(data)) + data)
            txt.write('%d %s %s %s\n' % (k, 'user' if kind else 'split', name, what))
    return 0


if __name__ == '__main__':
    sys.exit(main())
