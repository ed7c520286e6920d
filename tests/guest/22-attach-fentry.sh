# fentry, fexit and fmod_ret programs on a function of a kernel module
# (btf_attach_hit of the btf_attach test module), loaded and attached by
# Debian's libbpf 1.1 through a skeleton: libbpf passes the module's BTF
# object as attach_btf_obj_fd. The fentry program reads a struct that
# only the module has, through its BTF-typed argument; fexit sees the
# return value; fmod_ret changes it. The attachment is a BPF trampoline
# (an ftrace direct call), not a kprobe. And two modules with a function
# of the same name (btf_attach, btf_attach_b): a program attached with
# one module's BTF runs for that module's function only, and its
# argument has that module's type.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/attach-lib.sh"
# The verifier's refusal of a read past the end of A's struct (16 bytes)
msg_beyond="access beyond struct btf_attach_arg at off ${TAG_OFF[btf_attach_b]} size 4"
A=btf_attach B=btf_attach_b
trig_a=/sys/kernel/debug/$A/trigger

echo "== the module without BPF"
load_ko $A
expect_module_works $A
# The type is the module's only: it cannot come from vmlinux BTF
! grep -q btf_attach_arg /sys/kernel/btf/vmlinux || fail "vmlinux BTF names btf_attach_arg"

echo "== libbpf: fentry, fexit, fmod_ret on $A:btf_attach_hit"
"$LOADER" -v "$trig_a" 5 $FMOD_RET_X >$SCRATCH/loader.out 2>$SCRATCH/loader.err || {
	grep -v '^libbpf: \(elf\|sec\|map\|CO-RE\|prog .*: \(relo\|found data map\)\)' $SCRATCH/loader.err | tail -n 40
	fail "attach_loader could not load and attach the programs on $A's btf_attach_hit"
}
show_file $SCRATCH/loader.out
grep -Eq "found target candidate \[[0-9]+\] struct btf_attach_arg in \[$A\]" $SCRATCH/loader.err ||
	fail "libbpf did not relocate struct btf_attach_arg against [$A] BTF"
# Two calls: x=5, then x=FMOD_RET_X, for which fmod_ret returns its value
# (and the function does not run); fexit sees what fmod_ret made of it.
expect_facts $SCRATCH/loader.out "result.5=$((TAG[$A] + 5))" \
	"result.$FMOD_RET_X=$FMOD_RET_VALUE" \
	fentry_hits=2 "fentry_tag=${TAG[$A]}" "fentry_x=$FMOD_RET_X" \
	fexit_hits=2 "fexit_x=$FMOD_RET_X" "fexit_ret=$FMOD_RET_VALUE" \
	fmod_ret_hits=2
expect_trigger $A 6 $((TAG[$A] + 6))

echo "== a trampoline, not a kprobe"
loader_hold hold -p fentry "$trig_a"
# "btf_attach_hit [btf_attach] (1) R I D\ttramp: ...", then on a line of
# its own "\tdirect-->bpf_trampoline_..."
ftrace=$(grep -A1 "^btf_attach_hit \[$A\] " /sys/kernel/tracing/enabled_functions) ||
	fail "btf_attach_hit [$A] is not in enabled_functions while attached"
echo "enabled_functions: ${ftrace//[$'\t\n']/ }"
[[ $ftrace =~ \ D[[:space:]].*direct--\>bpf_trampoline_ ]] ||
	fail "btf_attach_hit is traced, but not by a direct call to a BPF trampoline"
! grep -q btf_attach_hit /sys/kernel/debug/kprobes/list || fail "a kprobe on btf_attach_hit"
expect_trigger $A 7 $((TAG[$A] + 7))
hold_stop hold || fail "attach_loader -H failed: $(<$SCRATCH/hold.err)"
expect_facts $SCRATCH/hold.out fentry_hits=1 fentry_x=7 "fentry_tag=${TAG[$A]}"

echo "== the same function name in two modules"
load_ko $B
expect_module_works $B
# check_one MOD OTHER: fentry on MOD's btf_attach_hit, with MOD's BTF,
# reading the tag at MOD's offset, runs for MOD's calls only
check_one() {
	tool_attach one --btf "$1" --func btf_attach_hit --off "${TAG_OFF[$1]}"
	expect_trigger "$2" 1 $((TAG[$2] + 1))
	expect_trigger "$1" 2 $((TAG[$1] + 2))
	tool_release one
	expect_facts $SCRATCH/one.out errno=0 attach_errno=0 hits=1 "tag=${TAG[$1]}"
}
check_one $B $A
check_one $A $B
# Both at once: a trampoline each, although the FUNC may have the same
# type ID in both modules' BTF (split BTF: both count on from vmlinux's)
for m in $A $B; do
	"$TOOL" --btf $m --func btf_attach_hit info >$SCRATCH/$m.info || fail "attach_btf info of $m failed"
	echo "$m: BTF ID $(fact $SCRATCH/$m.info obj_id), btf_attach_hit is type $(fact $SCRATCH/$m.info type_id)"
done
tool_attach on_a --btf $A --func btf_attach_hit --off "${TAG_OFF[$A]}"
tool_attach on_b --btf $B --func btf_attach_hit --off "${TAG_OFF[$B]}"
expect_trigger $A 1 $((TAG[$A] + 1))
expect_trigger $B 2 $((TAG[$B] + 2))
expect_trigger $B 3 $((TAG[$B] + 3))
tool_release on_a
tool_release on_b
expect_facts $SCRATCH/on_a.out hits=1 "tag=${TAG[$A]}"
expect_facts $SCRATCH/on_b.out hits=2 "tag=${TAG[$B]}"
# the argument is typed with the BTF of the module named: B's offset of
# the tag is past the end of A's struct
expect_load "$A's btf_attach_hit, reading at B's offset" 13 "$msg_beyond" \
	--btf $A --func btf_attach_hit --off "${TAG_OFF[$B]}"
# fmod_ret on B leaves A's function alone
tool_attach ret --btf $B --func btf_attach_hit --kind fmod_ret --ret 999
expect_trigger $A 3 $((TAG[$A] + 3))
expect_trigger $B 3 999
tool_release ret
expect_facts $SCRATCH/ret.out errno=0 attach_errno=0 hits=1
expect_trigger $B 3 $((TAG[$B] + 3))
rm_mod $B
rm_mod $A
