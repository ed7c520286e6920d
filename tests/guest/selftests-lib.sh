# shellcheck shell=bash
# For the tests that run 5.10's own BPF selftests (19, 04): test_progs,
# built from the patched tree by scripts/selftests.sh, and what its
# output says. Source it after lib.sh.

SELFTESTS=$MODBTF_ART/selftests
[ -x "$SELFTESTS/test_progs" ] ||
	fail "no $SELFTESTS/test_progs: scripts/selftests.sh failed or did not run (see build/tests/selftests/build.log)"
# test_progs saves and restores its network namespace around each test
[ -e /proc/self/ns/net ] ||
	fail "no /proc/self/ns/net: test_progs needs network namespaces (CONFIG_NET_NS=y)"

# test_progs_run OUT ARG...: ./test_progs ARG... in $SELFTESTS, its
# output in OUT. TP_RC: its exit status; TP_NUM[TEST]: the number of
# each test that ran; TP_SUBS[NUMBER]: how many of its subtests passed;
# TP_SUMMARY: the summary's passed, subtests passed, skipped and failed.
test_progs_run() {
	local out=$1 line
	local re_sum='^Summary: ([0-9]+)/([0-9]+) PASSED, ([0-9]+) SKIPPED, ([0-9]+) FAILED$'
	shift
	TP_RC=0
	(cd "$SELFTESTS" && ./test_progs "$@") >"$out" 2>&1 || TP_RC=$?
	declare -gA TP_NUM=() TP_SUBS=()
	TP_SUMMARY=()
	while IFS= read -r line; do
		if [[ $line =~ ^#([0-9]+)/[0-9]+\ .*:OK$ ]]; then
			TP_SUBS[${BASH_REMATCH[1]}]=$((${TP_SUBS[${BASH_REMATCH[1]}]:-0} + 1))
		elif [[ $line =~ ^#([0-9]+)\ ([A-Za-z0-9_]+):(OK|FAIL)$ ]]; then
			TP_NUM[${BASH_REMATCH[2]}]=${BASH_REMATCH[1]}
		elif [[ $line =~ $re_sum ]]; then
			TP_SUMMARY=("${BASH_REMATCH[@]:1}")
		fi
	done <"$out"
	# All of the output if something failed, else the line of each test
	if [ "$TP_RC" != 0 ] || [ "${#TP_SUMMARY[@]}" = 0 ] || [ "${TP_SUMMARY[3]}" != 0 ]; then
		cat "$out"
	else
		grep -E '^#[0-9]+ |:SKIP' "$out" || true
	fi
	[ "${#TP_SUMMARY[@]}" = 4 ] || fail "test_progs $* printed no summary (exit $TP_RC)"
}

# expect_test_progs_passed OUT LIST WANT_SUBTESTS...: after
# test_progs_run OUT, every test named in the file LIST ran and passed,
# each with at least as many passed subtests as WANT_SUBTESTS (TEST=N
# words) say, and nothing failed or (unless MODBTF_ALLOW_SKIP=1) was
# skipped.
expect_test_progs_passed() {
	local out=$1 list=$2 kv t got ntests=0 short='' passed subpassed skipped failed
	local -A want=()
	shift 2
	for kv; do
		want[${kv%%=*}]=${kv#*=}
	done
	read -r passed subpassed skipped failed <<<"${TP_SUMMARY[*]}"
	while read -r t; do
		ntests=$((ntests + 1))
		[ -n "${TP_NUM[$t]-}" ] || { short="$short $t(did not run)"; continue; }
		got=${TP_SUBS[${TP_NUM[$t]}]:-0}
		[ "$got" -ge "${want[$t]:-0}" ] || short="$short $t($got of ${want[$t]} subtests)"
	done <"$list"
	echo "tests: $passed of $ntests passed, $failed tests and subtests failed; subtests: $subpassed passed, $skipped skipped"
	grep -E '^#[0-9]+(/[0-9]+)? .*:FAIL$' "$out" | sed 's/^/failed: /' || true
	[ -z "$short" ] || echo "too few subtests passed:$short"
	expect_eq "failed tests and subtests" 0 "$failed"
	expect_eq "test_progs exit status" 0 "$TP_RC"
	expect_eq "tests passed" "$ntests" "$passed"
	[ -z "$short" ] || fail "too few subtests passed:$short"
	# test_progs counts a skipped test as passed; the runner's rule for skips
	[ "$skipped" = 0 ] || [ "${MODBTF_ALLOW_SKIP:-0}" = 1 ] ||
		fail "$skipped tests or subtests skipped (MODBTF_ALLOW_SKIP=1 allows it)"
}
