#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Make broken or minimal module BTF for the guest tests, on the host.

  btf-mutate.py mutate MODE --base VMLINUX.btf IN.btf OUT.btf
  btf-mutate.py foreign-check --base VMLINUX.btf FOREIGN.btf
  btf-mutate.py pad-base VMLINUX.btf OUT.btf
  btf-mutate.py info [--base VMLINUX.btf] FILE.btf
                    (key=value lines; next_id: the first type ID of a
                    split BTF on FILE.btf)
  btf-mutate.py base-proto-refs --base VMLINUX.btf FILE.btf...

IN.btf is a module's .BTF section (split BTF on top of VMLINUX.btf, the
raw .BTF of the vmlinux the module was built against). MODE is one of:

  truncate     cut the data in the middle of the type section; the header
               still announces the full sections
  magic        byte-swapped magic (0x9feb instead of 0xeb9f)
  type-id      member 'inner' of struct btf_test_obj refers to type ID
               <base types + module types>, the first ID that does not exist
  name-off     the name of struct btf_test_obj is at offset <base string
               section + module string section>, the first past the end
  hdr-only     a 24-byte header with no types and no strings (what a
               module without types of its own has); IN is ignored
  empty-str    a header and a string section holding only "", no types

limit KIND --base VMLINUX.btf OUT.btf writes module BTF at one of the
kernel's limits, or one past it (KIND):

  max-types    PTR types up to ID BTF_MAX_TYPE - 1, the last ID allowed
  over-types   one more
  max-strings  a string section whose last byte is at name offset
               BTF_MAX_NAME_OFFSET (base and split strings together),
               the last a TYPEDEF names
  over-strings one byte more
  over-size    BTF_MAX_SIZE + 1 bytes (16 MiB + 1)

pad-base writes VMLINUX.btf with 4096 INT types (named modbtf_pad_N)
appended: "another vmlinux" that differs from VMLINUX.btf in a known way.
Module BTF generated on it numbers its types and strings past where they
start on VMLINUX.btf.

foreign-check tells whether FOREIGN.btf, module BTF generated against
some other vmlinux, is provably invalid as split BTF on VMLINUX.btf, by
checks the kernel's verifier makes for certain: a name offset or a
referenced type ID past the end, a struct, union, enum, typedef or
function name that is no C identifier once read from VMLINUX.btf's
strings, or a FUNC whose type is no FUNC_PROTO. It prints the first such
reason and exits 0, or exits 1 if it finds none.

base-proto-refs prints, for each module BTF FILE, one line
  FILE COUNT FIRST
COUNT: how many of its own types of kind PTR, TYPEDEF, CONST, VOLATILE or
RESTRICT refer to a FUNC_PROTO of VMLINUX.btf (a type ID below the
module's first); FIRST: the first of them, as KIND[id]->FUNC_PROTO[id],
or "-". A FILE that does not parse gives "FILE error MESSAGE"; the exit
status is then 2.
"""
import argparse
import re
import struct
import sys

HDR = struct.Struct('<HBBIIIII')  # magic version flags hdr_len type_off/len str_off/len
TYPE = struct.Struct('<III')      # name_off info size_or_type
MAGIC = 0xeB9F

# kind: (name, bytes after struct btf_type per vlen unit, fixed extra bytes)
KINDS = {
    1: ('INT', 0, 4), 2: ('PTR', 0, 0), 3: ('ARRAY', 0, 12),
    4: ('STRUCT', 12, 0), 5: ('UNION', 12, 0), 6: ('ENUM', 8, 0),
    7: ('FWD', 0, 0), 8: ('TYPEDEF', 0, 0), 9: ('VOLATILE', 0, 0),
    10: ('CONST', 0, 0), 11: ('RESTRICT', 0, 0), 12: ('FUNC', 0, 0),
    13: ('FUNC_PROTO', 8, 0), 14: ('VAR', 0, 4), 15: ('DATASEC', 12, 0),
    16: ('FLOAT', 0, 0), 17: ('DECL_TAG', 0, 4), 18: ('TYPE_TAG', 0, 0),
    19: ('ENUM64', 12, 0),
}
# Kinds whose size_or_type field is a type ID.
REF_KINDS = {2, 8, 9, 10, 11, 12, 13, 14, 17, 18}
# Kinds whose non-zero names (the type's and its members') the kernel
# requires to be C identifiers shorter than KSYM_NAME_LEN (128).
IDENT_KINDS = {4, 5, 6, 8, 12}
IDENT = re.compile(r'[A-Za-z_][A-Za-z0-9_]{0,126}')


class BtfError(Exception):
    pass


class Type:
    """One btf_type: where it is in the data and what it refers to."""

    def __init__(self, off, name_off, kind, vlen, size_type):
        self.off = off            # offset of struct btf_type in the data
        self.name_off = name_off
        self.kind = kind
        self.vlen = vlen
        self.size_type = size_type
        self.refs = []            # (offset of a type ID field, type ID)
        self.names = []           # (offset of a name_off field, name_off)


class Btf:
    """Raw BTF, optionally split on a base."""

    def __init__(self, data, base=None):
        self.data = bytearray(data)
        self.base = base
        if len(data) < HDR.size:
            raise BtfError('shorter than a header')
        (self.magic, self.version, self.flags, self.hdr_len, self.type_off,
         self.type_len, self.str_off, self.str_len) = HDR.unpack_from(data)
        if self.magic != MAGIC:
            raise BtfError('bad magic %#x' % self.magic)
        self.start_id = base.nr_total() if base else 1
        self.start_str = base.str_total() if base else 0
        self.types = self._parse_types()

    def nr_total(self):
        return self.start_id + len(self.types)

    def str_total(self):
        return self.start_str + self.str_len

    def _parse_types(self):
        types = []
        pos = self.hdr_len + self.type_off
        end = pos + self.type_len
        while pos < end:
            name_off, info, size_type = TYPE.unpack_from(self.data, pos)
            kind, vlen = (info >> 24) & 0x1f, info & 0xffff
            if kind not in KINDS:
                raise BtfError('unknown kind %d at %#x' % (kind, pos))
            t = Type(pos, name_off, kind, vlen, size_type)
            t.names.append((pos, name_off))
            if kind in REF_KINDS:
                t.refs.append((pos + 8, size_type))
            body = pos + TYPE.size
            if kind == 3:  # ARRAY: elem type, index type, nelems
                elem, index, _ = struct.unpack_from('<III', self.data, body)
                t.refs += [(body, elem), (body + 4, index)]
            elif kind in (4, 5, 15):  # members / datasec vars: name|type, type, offset
                for i in range(vlen):
                    m = body + 12 * i
                    a, b, _ = struct.unpack_from('<III', self.data, m)
                    if kind == 15:
                        t.refs.append((m, a))
                    else:
                        t.names.append((m, a))
                        t.refs.append((m + 4, b))
            elif kind in (6, 19):
                for i in range(vlen):
                    m = body + KINDS[kind][1] * i
                    t.names.append((m, struct.unpack_from('<I', self.data, m)[0]))
            elif kind == 13:  # params: name_off, type
                for i in range(vlen):
                    m = body + 8 * i
                    a, b = struct.unpack_from('<II', self.data, m)
                    t.names.append((m, a))
                    t.refs.append((m + 4, b))
            pos = body + KINDS[kind][1] * vlen + KINDS[kind][2]
            types.append(t)
        if pos != end:
            raise BtfError('type section does not end on a type')
        return types

    def string(self, off):
        if off < self.start_str:
            return self.base.string(off)
        start = self.hdr_len + self.str_off + off - self.start_str
        end = self.data.index(b'\0', start)
        return self.data[start:end].decode()

    def type_by_id(self, type_id):
        if type_id < self.start_id:
            return self.base.type_by_id(type_id) if self.base else None
        i = type_id - self.start_id
        return self.types[i] if i < len(self.types) else None

    def find(self, kind, name):
        for t in self.types:
            if t.kind == kind and t.name_off and self.string(t.name_off) == name:
                return t
        raise BtfError('no %s %s in this BTF' % (KINDS[kind][0], name))

    def put_u32(self, off, value):
        struct.pack_into('<I', self.data, off, value)


def load(path, base=None):
    with open(path, 'rb') as f:
        return Btf(f.read(), base)


def member_field(btf, struct_name, member):
    """Offset in the data of the type field of struct_name.member."""
    t = btf.find(4, struct_name)
    for (noff, name_off), (toff, _) in zip(t.names[1:], t.refs):
        if btf.string(name_off) == member:
            return toff
    raise BtfError('struct %s has no member %s' % (struct_name, member))


def header(btf, type_len, str_len):
    return HDR.pack(MAGIC, btf.version, btf.flags, HDR.size, 0, type_len, 0, str_len)


def mutate(mode, btf):
    data = btf.data
    if mode == 'truncate':
        return data[:btf.hdr_len + btf.type_off + btf.type_len // 2]
    if mode == 'magic':
        struct.pack_into('<H', data, 0, 0x9feb)
        return data
    if mode == 'type-id':
        btf.put_u32(member_field(btf, 'btf_test_obj', 'inner'), btf.nr_total())
        return data
    if mode == 'name-off':
        btf.put_u32(btf.find(4, 'btf_test_obj').off, btf.str_total())
        return data
    if mode == 'hdr-only':
        return header(btf, 0, 0)
    if mode == 'empty-str':
        return header(btf, 0, 1) + b'\0'
    raise BtfError('unknown mode ' + mode)


BTF_MAX_TYPE = 0x000fffff
BTF_MAX_NAME_OFFSET = 0x00ffffff
BTF_MAX_SIZE = 16 * 1024 * 1024
PTR_VOID = TYPE.pack(0, 2 << 24, 0)  # unnamed PTR to void


def split_btf(base, types, strs):
    hdr = HDR.pack(MAGIC, base.version, 0, HDR.size, 0, len(types), len(types),
                   len(strs))
    return hdr + types + strs


def limit(kind, base):
    """Split BTF on base at (or one past) one of the kernel's limits."""
    if kind in ('max-types', 'over-types'):
        n = BTF_MAX_TYPE - base.nr_total() + (kind == 'over-types')
        return split_btf(base, PTR_VOID * n, b'')
    if kind in ('max-strings', 'over-strings'):
        # the split strings end at BTF_MAX_NAME_OFFSET (+ 1): "...x\0"
        n = BTF_MAX_NAME_OFFSET + 1 - base.str_total() + (kind == 'over-strings')
        strs = b'\0' * (n - 2) + b'x\0'
        name_off = base.str_total() + n - 2
        ptr_id = base.nr_total()
        types = PTR_VOID + TYPE.pack(name_off, 8 << 24, ptr_id)  # typedef x
        return split_btf(base, types, strs)
    if kind == 'over-size':
        strs = b'\0' * (BTF_MAX_SIZE + 1 - HDR.size - len(PTR_VOID))
        return split_btf(base, PTR_VOID, strs)
    raise BtfError('unknown limit ' + kind)


PAD_TYPES = 4096


def pad_base(btf):
    """btf (a base BTF) with PAD_TYPES 32-bit INT types appended."""
    types = bytes(btf.data[btf.hdr_len + btf.type_off:
                           btf.hdr_len + btf.type_off + btf.type_len])
    strs = bytes(btf.data[btf.hdr_len + btf.str_off:
                          btf.hdr_len + btf.str_off + btf.str_len])
    new_types, new_strs = bytearray(types), bytearray(strs)
    for i in range(PAD_TYPES):
        new_types += TYPE.pack(len(new_strs), 1 << 24, 4)
        new_types += struct.pack('<I', 32)  # encoding 0, offset 0, 32 bits
        new_strs += b'modbtf_pad_%d\0' % i
    hdr = HDR.pack(MAGIC, btf.version, btf.flags, HDR.size, 0, len(new_types),
                   len(new_types), len(new_strs))
    return hdr + new_types + new_strs


def foreign_reason(btf):
    """Why btf, read as split BTF on its base, must fail verification."""
    for t in btf.types:
        for _, name_off in t.names:
            if name_off >= btf.str_total():
                return 'name offset %d >= %d, the end of the strings' % (
                    name_off, btf.str_total())
    for t in btf.types:
        for _, ref in t.refs:
            if ref >= btf.nr_total():
                return 'type ID %d referenced, only %d exist' % (ref, btf.nr_total())
    for i, t in enumerate(btf.types):
        if t.kind not in IDENT_KINDS:
            continue
        for _, name_off in t.names:
            if name_off and not IDENT.fullmatch(btf.string(name_off)):
                return '%s [%d]: the name (or a member name) at offset %d reads %r here' % (
                    KINDS[t.kind][0], btf.start_id + i, name_off,
                    btf.string(name_off)[:40])
    for i, t in enumerate(btf.types):
        if t.kind == 12:
            proto = btf.type_by_id(t.size_type)
            if proto is None or proto.kind != 13:
                return 'FUNC [%d] has type %d, which is no FUNC_PROTO' % (
                    btf.start_id + i, t.size_type)
    return None


# Kinds that only qualify or name the type they refer to.
MODIFIER_KINDS = {2, 8, 9, 10, 11}


def base_proto_refs(btf):
    """The module's modifier types that refer to a FUNC_PROTO of the base."""
    refs = []
    for i, t in enumerate(btf.types):
        if t.kind in MODIFIER_KINDS and t.size_type < btf.start_id:
            target = btf.base.type_by_id(t.size_type)
            if target is not None and target.kind == 13:
                refs.append('%s[%d]->FUNC_PROTO[%d]' % (
                    KINDS[t.kind][0], btf.start_id + i, t.size_type))
    return refs


def print_base_proto_refs(base, paths):
    status = 0
    for path in paths:
        try:
            refs = base_proto_refs(load(path, base))
            print(path, len(refs), refs[0] if refs else '-')
        except (BtfError, OSError, struct.error, ValueError) as e:
            print(path, 'error', e)
            status = 2
    return status


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = p.add_subparsers(dest='cmd', required=True)
    m = sub.add_parser('mutate')
    m.add_argument('mode')
    m.add_argument('--base', required=True)
    m.add_argument('input')
    m.add_argument('output')
    f = sub.add_parser('foreign-check')
    f.add_argument('--base', required=True)
    f.add_argument('input')
    i = sub.add_parser('info')
    i.add_argument('--base')
    i.add_argument('input')
    lim = sub.add_parser('limit')
    lim.add_argument('kind')
    lim.add_argument('--base', required=True)
    lim.add_argument('output')
    b = sub.add_parser('pad-base')
    b.add_argument('input')
    b.add_argument('output')
    r = sub.add_parser('base-proto-refs')
    r.add_argument('--base', required=True)
    r.add_argument('inputs', nargs='+')
    args = p.parse_args()
    if args.cmd == 'base-proto-refs':
        try:
            base = load(args.base)
        except (BtfError, OSError, struct.error, ValueError) as e:
            print('btf-mutate: %s: %s' % (args.base, e), file=sys.stderr)
            return 2
        return print_base_proto_refs(base, args.inputs)
    if args.cmd == 'limit':
        try:
            out = limit(args.kind, load(args.base))
            with open(args.output, 'wb') as o:
                o.write(out)
        except (BtfError, OSError, struct.error, ValueError) as e:
            print('btf-mutate: %s' % e, file=sys.stderr)
            return 2
        return 0
    try:
        base = load(args.base) if getattr(args, 'base', None) else None
        btf = load(args.input, base)
        if args.cmd == 'pad-base':
            with open(args.output, 'wb') as o:
                o.write(pad_base(btf))
        elif args.cmd == 'mutate':
            out = mutate(args.mode, btf)
            with open(args.output, 'wb') as o:
                o.write(out)
        elif args.cmd == 'foreign-check':
            reason = foreign_reason(btf)
            if not reason:
                print('no certain verification failure found', file=sys.stderr)
                return 1
            print(reason)
        else:
            print('size=%d\nhdr_len=%d\ntype_len=%d\nstr_len=%d\ntypes=%d\n'
                  'start_id=%d\nstart_str=%d\nnext_id=%d' % (
                      len(btf.data), btf.hdr_len, btf.type_len, btf.str_len,
                      len(btf.types), btf.start_id, btf.start_str, btf.nr_total()))
    except (BtfError, OSError, struct.error, ValueError) as e:
        print('btf-mutate: %s: %s' % (args.input, e), file=sys.stderr)
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main())
