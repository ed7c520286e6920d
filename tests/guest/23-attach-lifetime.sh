# A module with a BPF program attached to one of its functions cannot be
# unloaded: rmmod fails ("in use"), the module keeps working, its
# refcount counts the attachment. Once the program is gone, rmmod
# succeeds and the module's BTF ID is gone with it. A program loaded
# with the BTF of a module that went away meanwhile (its BTF fd held
# across rmmod, or across rmmod and a new insmod) is refused: ENOENT,
# with a log line that says the module is not loaded.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/attach-lib.sh"
# The contract with the kernel: the log line for a module that is gone
msg_gone_re='module .*(not live|not loaded|is gone)'
A=btf_attach

btf_scan
base_ids=$BTF_COUNT

echo "== libbpf: fentry, fexit, fmod_ret attached"
load_ko $A
expect_module_works $A
loader_hold libbpf /sys/kernel/debug/$A/trigger
expect_busy $A
expect_trigger $A $FMOD_RET_X $FMOD_RET_VALUE
hold_stop libbpf || fail "attach_loader -H failed: $(<$SCRATCH/libbpf.err)"
expect_facts $SCRATCH/libbpf.out fentry_hits=2 fexit_hits=2 fmod_ret_hits=2
unload_when_free $A "$base_ids"

for kind in fentry fexit fmod_ret; do
	echo "== $kind attached with attach_btf_obj_fd"
	load_ko $A
	tool_attach hold --btf $A --func btf_attach_hit --kind $kind
	expect_busy $A
	tool_release hold
	expect_facts $SCRATCH/hold.out errno=0 attach_errno=0 hits=1
	unload_when_free $A "$base_ids"
done

# load_after MODE: hold A's BTF fd and the ID of btf_attach_hit, unload
# A (MODE reload: and load it again), then load the program with them.
load_after() {
	load_ko $A
	hold_start stale ready "$TOOL" --btf $A --func btf_attach_hit --pause load ||
		{ show_file $SCRATCH/stale.err; fail "attach_btf --pause did not get ready"; }
	rm_mod $A
	[ "$1" != reload ] || load_ko $A
	hold_stop stale || { show_file $SCRATCH/stale.err; fail "attach_btf failed"; }
	show_file $SCRATCH/stale.out
	echo "log:"
	show_file $SCRATCH/stale.err "| "
	expect_facts $SCRATCH/stale.out errno=2
	grep -Eq "$msg_gone_re" $SCRATCH/stale.err || fail "no line of the log matches /$msg_gone_re/"
	[ "$1" != reload ] || rm_mod $A
}
echo "== the BTF fd of a module unloaded meanwhile"
load_after unload
echo "== the BTF fd of a module unloaded and loaded again meanwhile"
load_after reload
expect_btf_ids "at the end" "$base_ids" -$A
