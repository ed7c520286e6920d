# libbpf 1.1 CO-RE against module BTF: a kprobe program on
# btf_test_touch() with its own, differently laid out struct btf_test_obj
# loads, libbpf relocates it against the btf_test module's BTF, and the
# offsets, sizes and values it sees are the module's.
. "$(dirname "$0")/lib.sh"
loader=$(art core_loader)
obj=$(art core.bpf.o)
layout=$(art btf_test_obj.layout)
load_ko btf_test

# The type is the module's only: libbpf cannot have found it in vmlinux.
! grep -q "btf_test_obj" /sys/kernel/btf/vmlinux || fail "vmlinux BTF names btf_test_obj"

"$loader" -v "$obj" /sys/kernel/debug/btf_test/trigger 2 >$SCRATCH/core.txt 2>$SCRATCH/core.log ||
	{ tail -n 30 $SCRATCH/core.log; fail "core_loader failed"; }
cat $SCRATCH/core.txt
grep -Eq "found target candidate \[[0-9]+\] struct btf_test_obj in \[btf_test\]" $SCRATCH/core.log ||
	{ grep -i 'btf_test_obj\|module' $SCRATCH/core.log | head -n 20; fail "libbpf did not relocate against [btf_test] BTF"; }

# Offsets and sizes: those pahole read from the module's DWARF on the host.
mapfile -t want <"$layout"
expect_facts $SCRATCH/core.txt "${want[@]}"
# Values: the module's constants; two triggers, the second one sees the
# counter the first one incremented.
expect_facts $SCRATCH/core.txt hits=2 type_exists=1 \
	val.magic=$((0xb7f0cafe)) val.inner.a=$((0x1234)) val.inner.b=$((0x5678)) \
	val.last=42 val.counter=1 val.tag=module-btf enum.BTF_TEST_BUSY=7
rm_mod btf_test
