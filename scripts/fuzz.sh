#!/bin/bash
# make fuzz: the whole fuzz campaign of which make check runs a slice
# (tests/guest/30-btf-fuzz.sh). COUNT cases (default 20000) of seed SEED
# (tests/tools/btf-fuzz.py) go to tests/progs/btf_fuzz on the default
# kernel (module BTF that fails to validate refuses the module) and, as
# user BTF only, on stock 5.10; the first DEBUG_COUNT (default 2000) on
# the debug kernel (KASAN, lockdep, kmemleak; the module loads without
# its BTF) and on the strict kernel (the same checkers; the module is
# refused), where a case takes about 0.4 s. Every outcome must be one
# btf_fuzz allows, on both kernels of the series; and BPF_BTF_LOAD must
# give each case the same verdict on the series as on stock 5.10 (the
# split-BTF work must not loosen or tighten user BTF). Output and the
# verdicts in build/fuzz/.
#
#   fuzz.sh [COUNT [DEBUG_COUNT [SEED [FIRST]]]]
set -eu
. "$(dirname "$0")/lib.sh"

FUZZ=$BUILD/fuzz

# run VARIANT CASES ARGS...: btf_fuzz ARGS... on the cases that
# prepare-tests.sh made for variant CASES, in the guest of VARIANT; its
# output in $FUZZ/VARIANT/out.txt. Non-zero if it found a violation.
run() {
	local v=$1 cases=$BUILD/tests/$2/fuzz art=$BUILD/tests/$1 t0 rc=0
	shift 2
	t0=$(now)
	mkdir -p "$FUZZ/$v"
	log "btf_fuzz on $v: $(grep -c . "$cases/cases.txt") cases"
	"$TOP/scripts/vm.sh" -v "$v" -m "$(variant_mem "$v")" -t 3600 -- \
		"$TOP/tests/guest/fuzz-run.sh" \
		"$art/btf_fuzz" "$@" "$art/btf_test.ko" "$cases/cases.bin" \
		>"$FUZZ/$v/out.txt" 2>&1 || rc=$?
	grep -E '^(VIOLATION|totals|FAIL|kmemleak)' "$FUZZ/$v/out.txt" | sed "s/^/  $v: /" >&2 || true
	log "$v: $(($(now) - t0)) s, exit $rc"
	return "$rc"
}

# verdicts VARIANT: "case errno" of BPF_BTF_LOAD for each case.
verdicts() {
	awk '$1 == "case" { print $2, $NF }' "$FUZZ/$1/out.txt" >"$FUZZ/$1/user-verdicts"
	wc -l <"$FUZZ/$1/user-verdicts"
}

main() {
	local count=${1:-20000} debug_count=${2:-2000} seed=${3:-modbtf} first=${4:-0}
	local v n bad=0
	# Split cases are split BTF on the variant's own vmlinux BTF. Stock
	# 5.10 takes the default kernel's cases, byte for byte, as user BTF.
	# (The next make check makes its own slice again.)
	for v in default debug strict stock; do
		"$TOP/scripts/build.sh" "$v"
		n=$count
		[ "$v" != debug ] && [ "$v" != strict ] || n=$debug_count
		MODBTF_FUZZ_CASES=$n MODBTF_FUZZ_SEED=$seed MODBTF_FUZZ_FIRST=$first \
			"$TOP/scripts/prepare-tests.sh" "$v"
	done
	rm -rf "$FUZZ"
	run default default -p refuse -t bpftool || bad=1
	run debug debug -p drop -t bpftool || bad=1
	run strict strict -p refuse -t bpftool || bad=1
	run stock default -p refuse -u || bad=1
	for v in default stock; do
		n=$(verdicts "$v")
		[ "$n" = "$count" ] || { log "$v: $n verdicts of $count cases"; bad=1; }
	done
	if cmp -s "$FUZZ/default/user-verdicts" "$FUZZ/stock/user-verdicts"; then
		log "BPF_BTF_LOAD: the same verdict on the series and on stock 5.10 for all $count cases"
	else
		log "BPF_BTF_LOAD verdicts differ between the series and stock 5.10 (case, errno):"
		diff "$FUZZ/stock/user-verdicts" "$FUZZ/default/user-verdicts" | head -n 40 >&2 || true
		bad=1
	fi
	return "$bad"
}

main "$@"
