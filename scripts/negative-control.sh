#!/bin/bash
# Negative control: run the guest suite on the unpatched base (stock
# variant). The tests numbered 01-09 check the harness and what stock 5.10
# already does: they must pass. Every module-BTF test (10 and up) must
# fail, or it does not prove anything about the series.
set -eu
. "$(dirname "$0")/lib.sh"

main() {
	local logf=$BUILD/negative-control.log bad=0 name status want n_low=0 n_high=0
	"$TOP/scripts/suite.sh" stock >"$logf" 2>&1 || true
	grep -q '^[0-9]* passed, [0-9]* failed' "$logf" ||
		die "the suite did not complete on the stock kernel" "$logf"
	echo "on stock 5.10 ($(cat "$BUILD/tests/stock/release")):"
	while read -r status name; do
		case $name in
		0[0-9]-*) want=ok n_low=$((n_low + 1)) ;;
		*) want=FAIL n_high=$((n_high + 1)) ;;
		esac
		if [ "$status" = "$want" ]; then
			printf '  %-28s %-4s (expected)\n' "$name" "$status"
		else
			printf '  %-28s %-4s (expected %s)\n' "$name" "$status" "$want"
			bad=1
		fi
	done < <(sed -n 's/^\(ok\|FAIL\|SKIP\) *\([0-9][0-9]-[^ ]*\).*/\1 \2/p' "$logf")
	tail -n 1 "$logf" | sed 's/^/  suite: /'
	if [ "$n_low" = 0 ] || [ "$n_high" = 0 ]; then
		echo "  the suite ran $n_low harness tests and $n_high module-BTF tests: it proves nothing"
		return 1
	fi
	return $bad
}

main "$@"
