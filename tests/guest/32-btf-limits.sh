# Module BTF at the kernel's limits (tests/tools/btf-mutate.py limit), as
# the .BTF of btf_race.ko: the most types a split BTF may add (the last
# ID BTF_MAX_TYPE - 1) and a string section that ends at
# BTF_MAX_NAME_OFFSET load with exactly that BTF; one type more, one
# string byte more, or more than BTF_MAX_SIZE bytes fail to validate,
# each with one "failed to validate" line and a "BPF:" line that says
# which limit, and the module is refused, or loads without BTF with
# CONFIG_MODULE_ALLOW_BTF_MISMATCH.
. "$(dirname "$0")/lib.sh"
M=btf_race
policy=$(btf_policy)
btf_scan
base_ids=$BTF_COUNT
declare -A REASON=(
	[over-types]="BPF:Exceeded max num of types"
	[over-strings]="BPF:Invalid string section"
	[over-size]="BPF:BTF of 16777217 bytes is larger than 16777216"
)
declare -A ERRNO=([over-types]=-7 [over-strings]=-22 [over-size]=-7)
declare -A INSMOD_ERR=([-7]="Argument list too long" [-22]="Invalid parameters")

for kind in max-types max-strings; do
	t0=$SECONDS
	load_ko $M "$(art "limits/$M-$kind.ko")"
	expect_btf_file $M "limits/$kind.btf"
	expect_btf_ids "$kind loaded" $((base_ids + 1)) +$M
	rm_mod $M
	echo "$kind: $(stat -c %s "$(art "limits/$kind.btf")") bytes loaded and read back in $((SECONDS - t0)) s"
done

for kind in over-types over-strings over-size; do
	msg="failed to validate module [$M] BTF: ${ERRNO[$kind]}"
	mark=$(klog_mark)
	rc=0
	insmod "$(art "limits/$M-$kind.ko")" 2>"$SCRATCH/insmod.err" || rc=$?
	[ "$rc" != 0 ] || _loaded+=("$M")
	klog_since "$mark"
	expect_eq "'$msg' lines ($kind)" 1 "$(count_lines "$msg" "${KLOG[@]}")"
	expect_eq "'${REASON[$kind]}' lines ($kind)" 1 "$(count_lines "${REASON[$kind]}" "${KLOG[@]}")"
	if [ "$policy" = drop ]; then
		expect_eq "insmod status ($kind, mismatch allowed)" 0 "$rc"
		expect_no_btf_file $M
		rm_mod $M
	else
		[ "$rc" != 0 ] || fail "insmod of $kind succeeded"
		[[ $(<"$SCRATCH/insmod.err") == *"${INSMOD_ERR[${ERRNO[$kind]}]}"* ]] ||
			fail "insmod ($kind): expected '${INSMOD_ERR[${ERRNO[$kind]}]}', got: $(<"$SCRATCH/insmod.err")"
		! is_loaded $M || fail "$M is loaded"
	fi
	echo "$kind: ${REASON[$kind]}, $msg"
	expect_btf_ids "after $kind" "$base_ids" -$M
done
