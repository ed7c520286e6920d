# Module BTF the kernel cannot verify: a truncated section, a wrong
# magic, a type ID past the last type, a name offset past the strings,
# and BTF generated on another vmlinux. Each load logs exactly one
#   failed to validate module [btf_test] BTF: -22
# (plus verifier lines starting with "BPF:"). Without
# CONFIG_MODULE_ALLOW_BTF_MISMATCH insmod fails; with it the module
# loads without BTF: no /sys/kernel/btf/btf_test, no BTF ID. A .BTF
# that is SHT_NOBITS is no BTF at all: the module loads, silently.
. "$(dirname "$0")/lib.sh"
msg='failed to validate module [btf_test] BTF: -22'
btf_scan
base_ids=$BTF_COUNT
mismatch_allowed=0
if config_on CONFIG_MODULE_ALLOW_BTF_MISMATCH; then
	mismatch_allowed=1
fi

# check_bad KO: load the artifact KO, which has bad BTF; check what the
# policy says.
check_bad() {
	local ko mark rc=0 line
	ko=$(art "$1")
	mark=$(klog_mark)
	insmod "$ko" 2>$SCRATCH/insmod.err || rc=$?
	# unloaded at exit whatever fails below
	[ "$rc" != 0 ] || _loaded+=(btf_test)
	klog_since "$mark"
	for line in "${KLOG[@]}"; do
		echo "    dmesg: $line"
	done
	expect_eq "'$msg' lines for $1" 1 "$(count_lines "$msg" "${KLOG[@]}")"
	if [ "$mismatch_allowed" = 1 ]; then
		expect_eq "insmod status (mismatch allowed)" 0 "$rc"
		is_loaded btf_test || fail "btf_test not loaded"
		expect_no_btf_file btf_test
		expect_btf_ids "$1 loaded" "$base_ids" -btf_test
		rm_mod btf_test
	else
		[ "$rc" != 0 ] || fail "insmod $(basename "$ko") succeeded"
		# kmod's insmod words EINVAL as "Invalid parameters"
		[[ $(<$SCRATCH/insmod.err) == *"Invalid parameters"* ]] ||
			fail "insmod: expected EINVAL, got: $(<$SCRATCH/insmod.err)"
		! is_loaded btf_test || fail "btf_test is loaded"
		expect_no_btf_file btf_test
		expect_btf_ids "$1 refused" "$base_ids" -btf_test
	fi
	# and no other line says that something failed to validate
	for line in "${KLOG[@]}"; do
		[[ $line != *"failed to validate"* || $line == "$msg" ]] || fail "unexpected: $line"
	done
}

for mode in truncate magic type-id name-off; do
	echo "== $mode"
	check_bad "bad/btf_test-$mode.ko"
done
foreign=$(art bad/foreign.txt)
echo "== foreign: $(tr '\n' ' ' <"$foreign")"
check_bad bad/btf_test-foreign.ko
# A .BTF section that is SHT_NOBITS, with an offset far past the file:
# no BTF at all, not BTF read from wherever the offset points. The module
# loads without BTF, whatever the policy, and nothing is logged.
echo "== .BTF is SHT_NOBITS"
mark=$(klog_mark)
load_ko btf_test "$(art bad/btf_test-nobits.ko)"
klog_since "$mark"
for line in "${KLOG[@]}"; do
	[[ $line != *BTF* ]] || fail "unexpected: $line"
done
expect_no_btf_file btf_test
expect_btf_ids "nobits loaded" "$base_ids" -btf_test
rm_mod btf_test
# The good module still loads afterwards, with its BTF.
load_ko btf_test
expect_btf_file btf_test btf_test.btf
rm_mod btf_test
