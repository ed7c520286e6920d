#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Make a module BTF whose types refer across the split boundary.

  btf-shapes.py --base VMLINUX.btf OUT.btf OUT.expect

OUT.btf is valid split BTF on VMLINUX.btf (the raw .BTF of vmlinux) with
one type of each shape that a module's BTF has when pahole dedups the
type it refers to into vmlinux: pointers, typedefs and const/volatile
to a vmlinux FUNC_PROTO (void and non-void return), a pointer to a
vmlinux FWD, arrays of vmlinux types, modifiers of a vmlinux array, a
typedef of a vmlinux pointer, and a struct with members of all of
those. The kernel must accept it: each shape was refused once.

OUT.expect holds the lines `bpftool btf dump file` must print for the
module's types, in order, one a line (the ids are absolute).
"""
import argparse
import importlib.util
import os
import struct
import sys

_spec = importlib.util.spec_from_file_location(
    'btf_mutate', os.path.join(os.path.dirname(os.path.abspath(__file__)), 'btf-mutate.py'))
bm = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bm)

INT, PTR, ARRAY, STRUCT, FWD, TYPEDEF, VOLATILE, CONST, FUNC, FUNC_PROTO = \
    1, 2, 3, 4, 7, 8, 9, 10, 12, 13
NAMES = {PTR: 'PTR', TYPEDEF: 'TYPEDEF', VOLATILE: 'VOLATILE', CONST: 'CONST'}


def base_id(base, pred, what):
    """The ID of the first base type t for which pred(t, id) holds."""
    for i, t in enumerate(base.types):
        if pred(t, base.start_id + i):
            return base.start_id + i
    raise bm.BtfError('vmlinux BTF has no ' + what)


def named(base, kind, name):
    return lambda t, _: t.kind == kind and t.name_off and base.string(t.name_off) == name


def type_size(base, type_id):
    """sizeof the base type type_id, following modifiers and arrays."""
    nelems = 1
    for _ in range(32):
        t = base.type_by_id(type_id)
        if t.kind in (INT, STRUCT, 5, 6):
            return nelems * t.size_type
        if t.kind == PTR:
            return nelems * 8
        if t.kind == ARRAY:
            elem, _, n = struct.unpack_from('<III', base.data, t.off + 12)
            nelems *= n
            type_id = elem
        elif t.kind in (TYPEDEF, VOLATILE, CONST, 11):
            type_id = t.size_type
        else:
            break
    raise bm.BtfError('no size for base type %d' % type_id)


class Split:
    """Split BTF being written: types and strings after the base's."""

    def __init__(self, base):
        self.base = base
        self.types = b''
        self.strs = b'\0'
        self.next_id = base.nr_total()
        self.expect = []

    def name(self, s):
        if not s:
            return 0
        off = self.base.str_total() + len(self.strs)
        self.strs += s.encode() + b'\0'
        return off

    def add(self, kind, name, size_type, vlen=0, body=b'', expect=''):
        self.types += struct.pack('<III', self.name(name), kind << 24 | vlen, size_type) + body
        self.expect.append('[%d] %s' % (self.next_id, expect))
        self.next_id += 1
        return self.next_id - 1

    def ref(self, kind, target, name=''):
        shown = "'%s'" % name if name else "'(anon)'"
        return self.add(kind, name, target, expect='%s %s type_id=%d' % (NAMES[kind], shown, target))

    def array(self, elem, index, nelems):
        return self.add(ARRAY, '', 0, body=struct.pack('<III', elem, index, nelems),
                        expect="ARRAY '(anon)' type_id=%d index_type_id=%d nr_elems=%d" % (
                            elem, index, nelems))

    def struct(self, name, members):
        body, off, lines = b'', 0, []
        for mname, mtype, size in members:
            body += struct.pack('<III', self.name(mname), mtype, off * 8)
            lines.append("\t'%s' type_id=%d bits_offset=%d" % (mname, mtype, off * 8))
            off += size
        tid = self.add(STRUCT, name, off, vlen=len(members), body=body,
                       expect="STRUCT '%s' size=%d vlen=%d" % (name, off, len(members)))
        self.expect += lines
        return tid

    def data(self):
        hdr = struct.pack('<HBBIIIII', bm.MAGIC, 1, 0, 24, 0, len(self.types),
                          len(self.types), len(self.strs))
        return hdr + self.types + self.strs


def shapes(base):
    """The split BTF with every shape, and what bpftool must print."""
    fp_ret = base_id(base, lambda t, _: t.kind == FUNC_PROTO and t.size_type, 'FUNC_PROTO')
    fp_void = base_id(base, lambda t, _: t.kind == FUNC_PROTO and not t.size_type,
                      'void FUNC_PROTO')
    fwd = base_id(base, lambda t, _: t.kind == FWD, 'FWD')
    int_id = base_id(base, named(base, INT, 'int'), 'int')
    u32 = base_id(base, named(base, TYPEDEF, 'u32'), 'typedef u32')
    lh = base_id(base, named(base, STRUCT, 'list_head'), 'struct list_head')
    arr = base_id(base, lambda t, i: t.kind == ARRAY and type_size(base, i) > 0, 'ARRAY')
    ptr = base_id(base, lambda t, _: t.kind == PTR, 'PTR')
    td_fp = base_id(base, lambda t, _: t.kind == TYPEDEF and
                    base.type_by_id(t.size_type).kind == FUNC_PROTO, 'typedef of a FUNC_PROTO')
    s = Split(base)
    p_fp_ret = s.ref(PTR, fp_ret)
    p_fp_void = s.ref(PTR, fp_void)
    td_ret = s.ref(TYPEDEF, fp_ret, 'shape_fn_ret_t')
    s.ref(TYPEDEF, fp_void, 'shape_fn_void_t')
    c_fp = s.ref(CONST, fp_ret)
    s.ref(VOLATILE, fp_void)
    s.ref(VOLATILE, fp_ret)
    s.ref(CONST, fp_void)
    p_c_fp = s.ref(PTR, c_fp)
    p_fwd = s.ref(PTR, fwd)
    a_lh = s.array(lh, int_id, 3)
    a_u32 = s.array(u32, int_id, 4)
    c_arr = s.ref(CONST, arr)
    td_ptr = s.ref(TYPEDEF, ptr, 'shape_ptr_t')
    p_td_fp = s.ref(PTR, td_fp)
    p_td_ret = s.ref(PTR, td_ret)
    td_u32 = s.ref(TYPEDEF, u32, 'shape_u32_t')
    c_lh = s.ref(CONST, lh)
    v_td_u32 = s.ref(VOLATILE, td_u32)
    st = s.struct('btf_shapes', [
        ('fn_ret', p_fp_ret, 8), ('fn_void', p_fp_void, 8), ('fn_const', p_c_fp, 8),
        ('fwd', p_fwd, 8), ('lists', a_lh, 3 * 16), ('words', a_u32, 16),
        ('carr', c_arr, type_size(base, arr)), ('ptr', td_ptr, 8),
        ('fn_typedef', p_td_fp, 8), ('fn_own_typedef', p_td_ret, 8),
        ('word', td_u32, 4), ('vword', v_td_u32, 4), ('list', c_lh, 16)])
    p_st = s.ref(PTR, st)
    # A FUNC's parameters must have names
    proto = s.add(FUNC_PROTO, '', int_id, vlen=1, body=struct.pack('<II', s.name('shapes'), p_st),
                  expect="FUNC_PROTO '(anon)' ret_type_id=%d vlen=1" % int_id)
    s.expect.append("\t'shapes' type_id=%d" % p_st)
    s.add(FUNC, 'btf_shapes_fn', proto, expect="FUNC 'btf_shapes_fn' type_id=%d linkage=static" % proto)
    return s


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--base', required=True)
    p.add_argument('output')
    p.add_argument('expect')
    args = p.parse_args()
    try:
        s = shapes(bm.load(args.base))
        bm.Btf(s.data(), bm.load(args.base))  # parses back
    except (bm.BtfError, OSError, struct.error, ValueError) as e:
        print('btf-shapes: %s' % e, file=sys.stderr)
        return 2
    with open(args.output, 'wb') as o:
        o.write(s.data())
    with open(args.expect, 'w') as o:
        o.write('\n'.join(s.expect) + '\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())
