#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the .BTF section of a module into SHT_NOBITS far out of the file.

  elf-nobits.py IN.ko OUT.ko

The section header says SHT_NOBITS with sh_offset 0x40000000 and keeps
its size. The kernel's ELF checks do not look at where a NOBITS section
lies: a loader that took .BTF by name would copy from that offset.
"""
import struct
import sys

SHT_NOBITS = 8


def main():
    data = bytearray(open(sys.argv[1], 'rb').read())
    if data[:4] != b'\x7fELF' or data[4] != 2 or data[5] != 1:
        sys.exit('elf-nobits: %s is no little-endian ELF64 file' % sys.argv[1])
    shoff, = struct.unpack_from('<Q', data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from('<HHH', data, 0x3a)
    strtab_off, = struct.unpack_from('<Q', data, shoff + shstrndx * shentsize + 0x18)
    for i in range(shnum):
        sh = shoff + i * shentsize
        name_off, = struct.unpack_from('<I', data, sh)
        end = data.index(b'\0', strtab_off + name_off)
        if data[strtab_off + name_off:end] == b'.BTF':
            struct.pack_into('<I', data, sh + 4, SHT_NOBITS)
            struct.pack_into('<Q', data, sh + 0x18, 0x40000000)
            open(sys.argv[2], 'wb').write(data)
            return 0
    sys.exit('elf-nobits: %s has no .BTF section' % sys.argv[1])


if __name__ == '__main__':
    sys.exit(main())
