# `bpftool btf dump file /sys/kernel/btf/btf_test` (bpftool takes vmlinux
# BTF as the base by itself) prints the module's types, which refer to
# vmlinux types by vmlinux IDs; `format c` gives C that compiles and has
# the layout the compiler gave the module (pahole, on the host).
. "$(dirname "$0")/lib.sh"
f=/sys/kernel/btf/btf_test
load_ko btf_test

# Raw: the module's types only, numbered after vmlinux's.
bpftool btf dump file "$f" >$SCRATCH/btf_test.txt || fail "bpftool cannot dump $f"
cat $SCRATCH/btf_test.txt
# The first module ID follows vmlinux's last, counted on the host in the
# vmlinux BTF that /sys/kernel/btf/vmlinux must be.
cmp /sys/kernel/btf/vmlinux "$(art vmlinux.btf)" || fail "/sys/kernel/btf/vmlinux is not vmlinux's .BTF"
first=$(head -n 1 $SCRATCH/btf_test.txt)
first=${first#[}
expect_eq "first module type ID" "$(fact "$(art vmlinux.info)" next_id)" "${first%%]*}"
grep -Eq "^\[[0-9]+\] STRUCT 'btf_test_obj' size=40 vlen=5$" $SCRATCH/btf_test.txt ||
	fail "no STRUCT 'btf_test_obj' size=40 vlen=5"
grep -Eq "^\[[0-9]+\] ENUM 'btf_test_state' (encoding=UNSIGNED )?size=4 vlen=2$" $SCRATCH/btf_test.txt ||
	fail "no ENUM 'btf_test_state' size=4 vlen=2"
grep -Eq "^\[[0-9]+\] FUNC 'btf_test_touch' type_id=[0-9]+ linkage=[a-z]+$" $SCRATCH/btf_test.txt ||
	fail "no FUNC 'btf_test_touch'"

# C: vmlinux's types, then the module's, which must read as in the source.
bpftool btf dump file "$f" format c >$SCRATCH/btf_test.h || fail "bpftool cannot dump $f as C"
echo "format c: $(wc -l <$SCRATCH/btf_test.h) lines"
expect_eq "struct btf_test_obj in format c" "struct btf_test_obj {
	u32 magic;
	u64 counter;
	char tag[12];
	struct btf_test_inner inner;
	int last;
};" "$(sed -n '/^struct btf_test_obj {$/,/^};$/p' $SCRATCH/btf_test.h)"
expect_eq "enum btf_test_state in format c" "enum btf_test_state {
	BTF_TEST_IDLE = 0,
	BTF_TEST_BUSY = 7,
};" "$(sed -n '/^enum btf_test_state {$/,/^};$/p' $SCRATCH/btf_test.h)"

# A C file using the module's types, asserting their layout at compile
# time against what pahole read from the module's DWARF.
layout=$(art btf_test_obj.layout)
{
	echo '#include "btf_test.h"'
	echo '#define SIZE(m) sizeof(((struct btf_test_obj *)0)->m)'
	while IFS='=' read -r key value; do
		case $key in
		obj_size) echo "_Static_assert(sizeof(struct btf_test_obj) == $value, \"$key\");" ;;
		off.*) echo "_Static_assert(__builtin_offsetof(struct btf_test_obj, ${key#off.}) == $value, \"$key\");" ;;
		size.*) echo "_Static_assert(SIZE(${key#size.}) == $value, \"$key\");" ;;
		esac
	done <"$layout"
	echo 'int touch(struct btf_test_obj *o) { return o->inner.b + o->last + BTF_TEST_BUSY; }'
} >$SCRATCH/use.c
t0=$(date +%s)
gcc -fsyntax-only -Wno-unknown-pragmas -Werror -I"$SCRATCH" $SCRATCH/use.c || fail "bpftool's C does not compile"
echo "gcc -fsyntax-only took $(($(date +%s) - t0)) s"
