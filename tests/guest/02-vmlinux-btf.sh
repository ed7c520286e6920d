# vmlinux BTF is exposed and Debian's bpftool parses it.
. "$(dirname "$0")/lib.sh"
f=/sys/kernel/btf/vmlinux
[ -f "$f" ] || fail "$f missing"
expect_eq "mode of $f" 444 "$(stat -c %a "$f")"
# Its magic is 0xeB9F (little endian: 9f eb) and version 1.
expect_eq "BTF header" "9feb01" "$(od -An -tx1 -N3 "$f" | tr -d ' ')"
bpftool btf dump file "$f" >$SCRATCH/vmlinux.btf.txt
grep -q "^\[1\] " $SCRATCH/vmlinux.btf.txt || fail "bpftool printed no type 1"
grep -q "STRUCT 'task_struct'" $SCRATCH/vmlinux.btf.txt || fail "no struct task_struct in vmlinux BTF"
bpftool btf dump file "$f" format c >$SCRATCH/vmlinux.h
grep -q '^struct task_struct {' $SCRATCH/vmlinux.h || fail "format c has no struct task_struct"
