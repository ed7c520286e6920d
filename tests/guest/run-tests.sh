#!/bin/bash
# Guest test runner: runs every tests/guest/NN-*.sh (or the ones named on
# the command line) and ends with "N passed, N failed".
#
# Each test is a bash script run with set -eu in its own process; exit 0
# passes, anything else fails. Tests find host-built artifacts (test
# modules, programs) in $MODBTF_ART, and the kernel variant in
# $MODBTF_VARIANT. A test that exits 77 is reported as skipped, and the
# runner counts it as failed unless MODBTF_ALLOW_SKIP=1.
set -u
here=$(cd "$(dirname "$0")" && pwd)
pass=0 fail=0 skip=0
failed=

run_one() {
	local t=$1 name rc t0
	name=$(basename "$t" .sh)
	echo "--- $name"
	t0=$(date +%s)
	bash -eu "$t" 2>&1 | sed 's/^/    /'
	rc=${PIPESTATUS[0]}
	echo "    ($(($(date +%s) - t0)) s)"
	case $rc in
	0) echo "ok   $name"; pass=$((pass + 1)) ;;
	77)
		echo "SKIP $name"
		skip=$((skip + 1))
		[ "${MODBTF_ALLOW_SKIP:-0}" = 1 ] || { fail=$((fail + 1)); failed="$failed $name"; }
		;;
	*) echo "FAIL $name (exit $rc)"; fail=$((fail + 1)); failed="$failed $name" ;;
	esac
}

main() {
	local t
	if [ $# -eq 0 ]; then
		set -- "$here"/[0-9][0-9]-*.sh
	fi
	echo "kernel $(uname -r), variant ${MODBTF_VARIANT:-?}"
	for t in "$@"; do
		case $t in */*) ;; *) t=$here/$t ;; esac
		run_one "$t"
	done
	[ -z "$failed" ] || echo "failed:$failed"
	if [ "$skip" -gt 0 ]; then
		echo "$pass passed, $fail failed, $skip skipped"
	else
		echo "$pass passed, $fail failed"
	fi
	[ "$fail" -eq 0 ]
}

main "$@"
