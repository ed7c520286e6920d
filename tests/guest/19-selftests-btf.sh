# 5.10's own BTF selftests: `test_progs -t btf`, built from the patched
# tree by scripts/selftests.sh (prog_tests/*btf*.c; btf.c is the old
# test_btf). Every test must pass, and each with all its subtests. That
# test_progs has the series' struct bpf_btf_info: on stock 5.10, whose
# kernel returns the old, smaller info_len, "Large bpf_btf_info" fails.
. "$(dirname "$0")/lib.sh"

# Subtests of each test (the others have none)
declare -A SUBTESTS=([btf]=184 [btf_dump]=8 [btf_map_in_map]=2
	[btf_skc_cls_ingress]=2 [ksyms_btf]=2)
out=$SCRATCH/test_progs.out
# pahole 1.18 to 1.21 (Debian 11 has 1.20) encode no variables: kbuild
# passes --skip_encoding_btf_vars (scripts/pahole-flags.sh). Without a
# VAR in vmlinux BTF, ksyms_btf can only skip: it is left out, by name.
without=
if ! bpftool btf dump file /sys/kernel/btf/vmlinux | grep -qm1 "^\[[0-9]*\] VAR "; then
	echo "vmlinux BTF has no variables (pahole older than 1.22): not running ksyms_btf"
	without=ksyms_btf
fi

dir=$MODBTF_ART/selftests
[ -x "$dir/test_progs" ] ||
	fail "no $dir/test_progs: scripts/selftests.sh failed or did not run (see build/tests/selftests/build.log)"
# test_progs saves and restores its network namespace around each test
[ -e /proc/self/ns/net ] ||
	fail "no /proc/self/ns/net: test_progs needs network namespaces (CONFIG_NET_NS=y)"
# snprintf_btf makes traffic for its program with ping
command -v ping >/dev/null || fail "no ping on the host (iputils-ping): snprintf_btf needs it"

cd "$dir"
rc=0
./test_progs -t btf ${without:+-b "$without"} >"$out" 2>&1 || rc=$?

# Each test's number (#N name:OK), its subtests that passed (#N/M name:OK)
# and the summary
declare -A num=() subs=()
summary=()
re_sum='^Summary: ([0-9]+)/([0-9]+) PASSED, ([0-9]+) SKIPPED, ([0-9]+) FAILED$'
while IFS= read -r line; do
	if [[ $line =~ ^#([0-9]+)/[0-9]+\ .*:OK$ ]]; then
		subs[${BASH_REMATCH[1]}]=$((${subs[${BASH_REMATCH[1]}]:-0} + 1))
	elif [[ $line =~ ^#([0-9]+)\ ([A-Za-z0-9_]+):(OK|FAIL)$ ]]; then
		num[${BASH_REMATCH[2]}]=${BASH_REMATCH[1]}
	elif [[ $line =~ $re_sum ]]; then
		summary=("${BASH_REMATCH[@]:1}")
	fi
done <"$out"

# All of the output if something failed, else the line of each test
if [ "$rc" != 0 ] || [ "${#summary[@]}" = 0 ] || [ "${summary[3]}" != 0 ]; then
	cat "$out"
else
	grep -E '^#[0-9]+ |:SKIP' "$out" || true
fi
[ "${#summary[@]}" = 4 ] || fail "test_progs -t btf printed no summary (exit $rc)"
read -r passed subpassed skipped failed <<<"${summary[*]}"

# Every test of the build ran, each with all its subtests
short=
ntests=0
while read -r t; do
	[ "$t" != "$without" ] || continue
	ntests=$((ntests + 1))
	[ -n "${num[$t]-}" ] || { short="$short $t(did not run)"; continue; }
	got=${subs[${num[$t]}]:-0}
	[ "$got" -ge "${SUBTESTS[$t]:-0}" ] || short="$short $t($got of ${SUBTESTS[$t]} subtests)"
done <"$dir/tests.txt"

echo "tests: $passed of $ntests passed, $failed tests and subtests failed; subtests: $subpassed passed, $skipped skipped"
grep -E '^#[0-9]+(/[0-9]+)? .*:FAIL$' "$out" | sed 's/^/failed: /' || true
[ -z "$short" ] || echo "too few subtests passed:$short"
expect_eq "failed tests and subtests" 0 "$failed"
expect_eq "test_progs exit status" 0 "$rc"
expect_eq "tests passed" "$ntests" "$passed"
[ -z "$short" ] || fail "too few subtests passed:$short"
# test_progs counts a skipped test as passed; the runner's rule for skips
[ "$skipped" = 0 ] || [ "${MODBTF_ALLOW_SKIP:-0}" = 1 ] ||
	fail "$skipped tests or subtests skipped (MODBTF_ALLOW_SKIP=1 allows it)"
