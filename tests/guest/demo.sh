#!/bin/bash
# `make run`: show module BTF working, for a human. Not a test, but it
# fails (non-zero) if any step does.
set -eu
. "$(dirname "$0")/lib.sh"

step() { printf '\n$ %s\n' "$*"; "$@"; }

echo "kernel $(uname -r) (variant ${MODBTF_VARIANT:-?})"
step modprobe veth
_loaded+=(veth)
step insmod "$(art btf_test.ko)"
_loaded+=(btf_test)
step ls -l /sys/kernel/btf
step bpftool btf show
printf '\n$ bpftool btf dump file /sys/kernel/btf/btf_test format c\n'
bpftool btf dump file /sys/kernel/btf/btf_test format c >$SCRATCH/btf_test.h
head -n 12 $SCRATCH/btf_test.h
echo "... ($(wc -l <$SCRATCH/btf_test.h) lines: vmlinux's types come first, as the base; then the module's own:)"
grep -q '^struct btf_test_obj {$' $SCRATCH/btf_test.h
sed -n '/^struct btf_test_inner {$/,$p' $SCRATCH/btf_test.h | head -n 30
printf '\n$ core_loader core.bpf.o /sys/kernel/debug/btf_test/trigger 1\n'
echo "(a CO-RE kprobe on btf_test_touch() reading struct btf_test_obj, a type only the module's BTF has)"
"$(art core_loader)" "$(art core.bpf.o)" /sys/kernel/debug/btf_test/trigger 1
step insmod "$(art btf_attach.ko)"
_loaded+=(btf_attach)
printf '\n$ attach_loader -p fentry,fexit /sys/kernel/debug/btf_attach/trigger 5\n'
echo "(libbpf 1.1 attaches fentry and fexit programs to btf_attach_hit(), a function of the"
echo " module, through the module's BTF; fentry reads arg->tag, a struct only the module has)"
"$(art attach_loader)" -p fentry,fexit /sys/kernel/debug/btf_attach/trigger 5 | grep -v '^\(fmod_ret\|tp_btf\|raw_tp\)_'
step rmmod btf_test btf_attach veth
step ls -l /sys/kernel/btf
