#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn pahole's layout of STRUCT (and of the structs inside it) into the
key=value lines core_loader prints: obj_size, off.FIELD, size.FIELD, with
nested members as off.OUTER.INNER counted from the start of STRUCT.

  pahole -C btf_test_obj,btf_test_inner X.ko | pahole-layout.py btf_test_obj
"""
import re
import sys

START = re.compile(r'^struct (\w+) \{')
MEMBER = re.compile(r'^\s+(?:struct\s+)?(\w+)\s+\**(\w+)(?:\[\d+\])*;\s+/\*\s+(\d+)\s+(\d+)\s+\*/')
SIZE = re.compile(r'/\* size: (\d+),')


def parse(lines):
    structs, cur = {}, None
    for line in lines:
        m = START.match(line)
        if m:
            cur = structs.setdefault(m.group(1), {'members': []})
            continue
        if cur is None:
            continue
        m = MEMBER.match(line)
        if m:
            cur['members'].append((m.group(2), m.group(1), int(m.group(3)), int(m.group(4))))
        m = SIZE.search(line)
        if m:
            cur['size'] = int(m.group(1))
            cur = None
    return structs


def emit(structs, name, prefix='', base=0):
    for member, typ, off, size in structs[name]['members']:
        print('off.%s%s=%d' % (prefix, member, base + off))
        print('size.%s%s=%d' % (prefix, member, size))
        if typ in structs:
            emit(structs, typ, prefix + member + '.', base + off)


def main():
    structs = parse(sys.stdin)
    name = sys.argv[1]
    if name not in structs or 'size' not in structs[name]:
        print('pahole-layout: no complete struct %s in the input' % name, file=sys.stderr)
        return 1
    print('obj_size=%d' % structs[name]['size'])
    emit(structs, name)
    return 0


if __name__ == '__main__':
    sys.exit(main())
