# Module BTF that refers to vmlinux types in every shape pahole emits
# must load: pointers, typedefs, const and volatile to a vmlinux
# FUNC_PROTO (void and non-void return), a pointer to a vmlinux FWD,
# arrays of vmlinux types, const of a vmlinux array, a typedef of a
# vmlinux pointer, and a struct with members of all of those (see
# tests/tools/btf-shapes.py). A pointer to a vmlinux FUNC_PROTO with a
# non-void return was once refused ("Invalid type_id"), and with it
# virtio_net, failover and the SCSI transports. The kernel's copy must be
# byte for byte the section, and bpftool must read back every type.
. "$(dirname "$0")/lib.sh"
btf_scan
base_ids=$BTF_COUNT
mark=$(klog_mark)
load_ko btf_test "$(art shapes/btf_test-shapes.ko)"
klog_since "$mark"
for line in "${KLOG[@]}"; do
	[[ $line != *"failed to validate"* && $line != BPF:* ]] || fail "kernel log: $line"
done
expect_btf_file btf_test shapes/shapes.btf
expect_btf_ids "shapes loaded" $((base_ids + 1)) +btf_test
bpftool btf dump file /sys/kernel/btf/btf_test >$SCRATCH/shapes.dump ||
	fail "bpftool btf dump file /sys/kernel/btf/btf_test failed"
diff -u "$(art shapes/expect)" $SCRATCH/shapes.dump || fail "bpftool shows other types than were loaded"
echo "$(grep -c '^\[' $SCRATCH/shapes.dump) types of every shape verified and read back"
rm_mod btf_test
expect_no_btf_file btf_test
