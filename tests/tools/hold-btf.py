#!/usr/bin/env python3
"""Load a tiny BTF (one int type) with BPF_BTF_LOAD, run a command while
holding it, and exit with the command's status.

   hold-btf.py CMD...

On any kernel with BPF this gives BPF_BTF_GET_NEXT_ID something to list,
so that `bpftool btf show` has a user-space BTF to print, also on a
kernel without module BTF (which lists no vmlinux BTF).
"""
import ctypes
import os
import struct
import subprocess
import sys

SYS_BPF = 321  # x86_64
BPF_BTF_LOAD = 18


def tiny_btf():
    strings = b"\0int\0"
    # BTF_KIND_INT (1) "int": 4 bytes, signed, 32 bits
    types = struct.pack("<III", 1, 1 << 24, 4) + struct.pack("<I", (1 << 24) | 32)
    hdr = struct.pack("<HBBIIIII", 0xEB9F, 1, 0, 24, 0, len(types), len(types), len(strings))
    return hdr + types + strings


def btf_load(data):
    libc = ctypes.CDLL(None, use_errno=True)
    buf = ctypes.create_string_buffer(data, len(data))
    # union bpf_attr for BPF_BTF_LOAD: btf, btf_log_buf, btf_size,
    # btf_log_size, btf_log_level
    attr = struct.pack("<QQIII", ctypes.addressof(buf), 0, len(data), 0, 0)
    abuf = ctypes.create_string_buffer(attr, 128)
    fd = libc.syscall(SYS_BPF, BPF_BTF_LOAD, abuf, 128)
    if fd < 0:
        err = ctypes.get_errno()
        sys.exit("BPF_BTF_LOAD: %s" % os.strerror(err))
    return fd


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    fd = btf_load(tiny_btf())
    rc = subprocess.call(sys.argv[1:])
    os.close(fd)
    sys.exit(rc)


main()
