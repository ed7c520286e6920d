#!/bin/bash
# Build what the guest tests need on the host, for one kernel variant:
# the external test modules (make M= against the build directory) and
# the facts the tests compare against. Output: build/tests/VARIANT.
set -eu
. "$(dirname "$0")/lib.sh"

build_ext_module() {
	local out=$1 art=$2 name=$3 dir
	dir=$art/src/$name
	rm -rf "$dir" && mkdir -p "$dir"
	cp "$TOP/tests/modules/$name"/* "$dir/"
	run_logged "$art/$name.log" "make M= of tests/modules/$name" \
		make -C "$out" M="$dir" modules
	cp "$dir/$name.ko" "$art/"
}

main() {
	local variant=${1:-default} out art m
	out=$BUILD/out/$variant
	art=$BUILD/tests/$variant
	[ -f "$out/vmlinux" ] || die "no $variant kernel in $out (make build first)"
	mkdir -p "$art"
	cat "$out/include/config/kernel.release" >"$art/release"
	for m in "$TOP"/tests/modules/*/; do
		build_ext_module "$out" "$art" "$(basename "$m")"
	done
}

main "$@"
