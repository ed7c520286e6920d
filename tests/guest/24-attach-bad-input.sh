# BPF_PROG_LOAD with attach_btf_obj_fd and attach_btf_id that do not name
# a module function an fentry program may attach to: each is refused
# with its errno and a line in the verifier log, and nothing in the
# kernel log. An explicit vmlinux BTF fd works like attach_btf_obj_fd 0.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/attach-lib.sh"
# The contract with the kernel: errno and log line of each refusal
# (%d: the attach_btf_id).
EINVAL=22 ENOTSUPP=524
msg_not_btf="is neither a BPF program nor a BTF object"
msg_not_kernel="is not a kernel BTF"
msg_invalid="attach_btf_id %d is invalid"
msg_not_func="attach_btf_id %d is not a function"
msg_lsm="module BTF only for fentry, fexit, fmod_ret and tp_btf"
A=btf_attach
hit="--func btf_attach_hit --lookup $A"

mark=$(klog_mark)
load_ko $A
expect_module_works $A

# The tool itself, the way 5.10 always worked: attach_btf_obj_fd 0, a
# vmlinux function's ID
expect_load "vmlinux function, attach_btf_obj_fd 0" 0 "" \
	--btf none --lookup vmlinux --func bpf_fentry_test1

# shellcheck disable=SC2086 # $hit: options
{
	expect_load "a map fd" $EINVAL "$msg_not_btf" --btf map $hit
	expect_load "a user BTF fd" $ENOTSUPP "$msg_not_kernel" --btf user $hit
	expect_load "a closed fd" $EINVAL "$msg_not_btf" --btf closed $hit
}

"$TOOL" --btf $A --struct btf_attach_arg info >$SCRATCH/info.out || fail "attach_btf info failed"
show_file $SCRATCH/info.out
last=$(fact $SCRATCH/info.out last_type_id)
struct_id=$(fact $SCRATCH/info.out type_id)
# shellcheck disable=SC2059 # the messages are formats
{
	expect_load "an ID past $A's last type" $EINVAL "$(printf "$msg_invalid" $((last + 1)))" \
		--btf $A --type-id $((last + 1))
	expect_load "the ID of a struct" $EINVAL "$(printf "$msg_not_func" "$struct_id")" \
		--btf $A --type-id "$struct_id"
}
expect_load "lsm with module BTF" $EINVAL "$msg_lsm" --btf $A --func btf_attach_hit --kind lsm
expect_load "vmlinux function, the vmlinux BTF fd" 0 "" --btf vmlinux --func bpf_fentry_test1

# and the module still works
expect_trigger $A 9 $((TAG[$A] + 9))
rm_mod $A
klog_since "$mark"
expect_no_splat
