# bpftrace 0.17 (Debian's package) as a user runs it on a module
# function: `bpftrace -lv 'kfunc:<module>:*'` lists the btf_attach test
# module's functions with their typed arguments (from the module's BTF),
# and a kfunc:<module>:<function> probe prints a field of a struct only
# the module defines, then exits. While the probe is attached the module
# cannot be unloaded.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/attach-lib.sh"
A=btf_attach
command -v bpftrace >/dev/null || fail "no bpftrace (scripts/deps.sh installs it)"
load_ko $A

echo "== bpftrace -lv 'kfunc:$A:*'"
bpftrace -lv "kfunc:$A:*" >"$SCRATCH/list.out" 2>"$SCRATCH/list.err" ||
	{ show_file "$SCRATCH/list.err"; fail "bpftrace -lv failed"; }
grep -A3 "^kfunc:$A:btf_attach_hit$" "$SCRATCH/list.out" >"$SCRATCH/hit.txt" ||
	{ show_file "$SCRATCH/list.out"; fail "bpftrace lists no kfunc:$A:btf_attach_hit"; }
show_file "$SCRATCH/hit.txt"
# the name line, then one indented line per argument and the return value
{
	read -r _
	read -r arg1
	read -r arg2
	read -r ret
} <"$SCRATCH/hit.txt"
expect_eq "argument 1" "struct btf_attach_arg * arg" "$arg1"
expect_eq "argument 2" "int x" "$arg2"
expect_eq "return value" "int retval" "$ret"

echo "== kfunc:$A:btf_attach_hit, printing arg->tag"
prog='kfunc:btf_attach:btf_attach_hit { printf("tag=%d x=%d\n", args->arg->tag, args->x); exit(); }'
hold_start bt "Attaching 1 probe..." timeout 120 bpftrace -e "$prog" ||
	{ show_file "$SCRATCH/bt.err"; fail "bpftrace did not start attaching"; }
# bpftrace says so before it attaches: wait for the trampoline
for ((i = 0; i < 300; i++)); do
	grep -q "^btf_attach_hit \[$A\] " /sys/kernel/tracing/enabled_functions && break
	sleep 0.2
done
grep -q "^btf_attach_hit \[$A\] " /sys/kernel/tracing/enabled_functions ||
	{ show_file "$SCRATCH/bt.err"; fail "bpftrace's probe is not attached to btf_attach_hit [$A]"; }
! rmmod $A 2>/dev/null || fail "rmmod $A succeeded while bpftrace is attached"
echo "rmmod refused while attached"
trigger $A 5
hold_stop bt || { show_file "$SCRATCH/bt.err"; fail "bpftrace failed"; }
show_file "$SCRATCH/bt.out"
grep -qx "tag=${TAG[$A]} x=5" "$SCRATCH/bt.out" || fail "bpftrace did not print tag=${TAG[$A]} x=5"
rm_mod $A
