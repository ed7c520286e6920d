#!/bin/bash
# The guest test suite on one kernel variant: build the host-side test
# artifacts, boot the variant with its memory and time limit (from
# scripts/variants.sh) and run tests/guest/run-tests.sh. Extra arguments
# go to vm.sh (e.g. -e MODBTF_CYCLES=50).
#
#   suite.sh VARIANT [VM.SH OPTIONS...]
set -eu
. "$(dirname "$0")/lib.sh"

main() {
	local variant=${1:?usage: suite.sh VARIANT [VM.SH OPTIONS...]}
	shift
	variant_check "$variant"
	"$TOP/scripts/prepare-tests.sh" "$variant"
	cd "$TOP"
	exec "$TOP/scripts/vm.sh" -v "$variant" -m "$(variant_mem "$variant")" \
		-t "$(variant_timeout "$variant")" "$@" -- tests/guest/run-tests.sh
}

main "$@"
