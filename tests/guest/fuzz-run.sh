#!/bin/bash
# make fuzz's command in the guest (scripts/fuzz.sh): COMMAND (btf_fuzz
# on a slice of the campaign) and then, on a kernel with kmemleak,
# nothing leaked since it started.
#
#   fuzz-run.sh COMMAND...
. "$(dirname "$0")/lib.sh"
kmemleak_clear
rc=0
"$@" || rc=$?
[ "$rc" = 0 ] || fail "$1: exit $rc"
expect_no_leaks
