#!/bin/bash
# Build what the guest tests need on the host, for one kernel variant:
# the external test modules (make M= against the build directory), the
# test programs, broken copies of the test module, and the facts the
# tests compare against. Output: build/tests/VARIANT ($MODBTF_ART there).
#
# On a kernel without module BTF (stock) the modules have no .BTF: what
# derives from it is skipped with a message, and the module-BTF tests
# fail in the guest, as the negative control expects.
set -eu
. "$(dirname "$0")/lib.sh"

TOOLS=$TOP/tests/tools
PROGS=$TOP/tests/progs
BAD_MODES="truncate magic type-id name-off"
EMPTY_MODES="hdr-only empty-str"

build_ext_module() {
	local out=$1 art=$2 name=$3 dir
	dir=$art/src/$name
	rm -rf "$dir" && mkdir -p "$dir"
	cp "$TOP/tests/modules/$name"/* "$dir/"
	run_logged "$art/$name.log" "make M= of tests/modules/$name" \
		make -C "$out" M="$dir" modules
	cp "$dir/$name.ko" "$art/"
}

# has_btf ELF: does ELF have a .BTF section?
has_btf() {
	readelf -S -W "$1" 2>/dev/null | grep -q '] \.BTF '
}

# dump_btf ELF OUT: ELF's .BTF section into the file OUT.
dump_btf() {
	run_logged "$ART/objcopy.log" "objcopy --dump-section .BTF of $1" \
		objcopy --dump-section .BTF="$2" "$1" "$ART/tmp/objcopy.out"
}

# with_btf KO BTF OUT: a copy of KO whose .BTF section is the file BTF.
with_btf() {
	local how=--add-section
	has_btf "$1" && how=--update-section
	run_logged "$ART/objcopy.log" "objcopy $how .BTF=$2 $1" \
		objcopy "$how" .BTF="$2" "$1" "$3"
}

mutate() {
	run_logged "$ART/mutate.log" "btf-mutate.py $*" python3 "$TOOLS/btf-mutate.py" "$@"
}

# The .BTF of vmlinux and of the modules the tests compare against: the
# test modules and veth, as installed for modprobe.
extract_btf() {
	local out=$1 ko name
	dump_btf "$out/vmlinux" "$ART/vmlinux.btf"
	run_logged "$ART/vmlinux.info" "btf-mutate.py info of vmlinux BTF" \
		python3 "$TOOLS/btf-mutate.py" info "$ART/vmlinux.btf"
	for ko in "$ART"/*.ko "$(find "$out/mods/lib/modules" -name veth.ko | head -n 1)"; do
		[ -f "$ko" ] || die "no module $ko"
		name=$(basename "$ko" .ko)
		rm -f "$ART/$name.btf"
		if has_btf "$ko"; then
			dump_btf "$ko" "$ART/$name.btf"
		else
			log "$name.ko has no .BTF section: the module BTF tests will fail"
		fi
	done
}

# The programs in tests/progs: user space against Debian's libbpf 1.1 and
# UAPI headers, the BPF object with clang.
build_programs() {
	run_logged "$ART/progs.log" "build of tests/progs/btf_syscall.c" \
		gcc -O2 -Wall -Werror -o "$ART/btf_syscall" "$PROGS/btf_syscall.c"
	run_logged "$ART/progs.log" "build of tests/progs/core_loader.c (needs libbpf-dev)" \
		gcc -O2 -Wall -Werror -o "$ART/core_loader" "$PROGS/core_loader.c" -lbpf
	run_logged "$ART/progs.log" "clang -target bpf of tests/progs/core.bpf.c" \
		clang -target bpf -g -O2 -D__TARGET_ARCH_x86 \
		-I/usr/include/x86_64-linux-gnu -I"$PROGS" \
		-c "$PROGS/core.bpf.c" -o "$ART/core.bpf.o"
}

# Where struct btf_test_obj's members are, from the module's DWARF: what
# CO-RE relocations must arrive at.
layout_expectations() {
	run_logged "$ART/pahole.log" "pahole -C btf_test_obj of btf_test.ko" \
		sh -c 'pahole -F dwarf -C btf_test_obj,btf_test_inner "$1" >"$2"' _ \
		"$ART/btf_test.ko" "$ART/btf_test_obj.pahole"
	run_logged "$ART/pahole.log" "layout of struct btf_test_obj from pahole" \
		sh -c 'python3 "$1" btf_test_obj <"$2" >"$3"' _ "$TOOLS/pahole-layout.py" \
		"$ART/btf_test_obj.pahole" "$ART/btf_test_obj.layout"
}

# Copies of btf_test.ko with broken .BTF, in $ART/bad.
bad_modules() {
	local mode
	for mode in $BAD_MODES; do
		mutate mutate "$mode" --base "$ART/vmlinux.btf" "$ART/btf_test.btf" \
			"$ART/bad/$mode.btf"
		with_btf "$ART/btf_test.ko" "$ART/bad/$mode.btf" "$ART/bad/btf_test-$mode.ko"
	done
}

# foreign_btf BASE OUT_DIR BTF: into the file BTF, btf_test.ko's BTF as
# pahole makes it on BASE (a vmlinux or raw BTF), with the flags the
# build in OUT_DIR uses. Non-zero if that fails (BASE may be mid-build).
# shellcheck disable=SC2086 # $flags: a list of options
foreign_btf() {
	local ko=$ART/tmp/foreign.ko flags
	flags=$(PAHOLE=pahole sh "$2/source/scripts/pahole-flags.sh")
	{
		objcopy --remove-section .BTF "$ART/btf_test.ko" "$ko" &&
			LLVM_OBJCOPY=objcopy pahole -J $flags --btf_base "$1" "$ko" &&
			objcopy --dump-section .BTF="$3" "$ko" "$ART/tmp/objcopy.out"
	} >>"$ART/foreign.log" 2>&1
}

# A copy of btf_test.ko carrying the BTF pahole generates for it on
# another vmlinux: another variant's build first, else the host's
# running kernel. Only a BTF the kernel's verifier must reject for
# certain is used (see btf-mutate.py foreign-check); which one, and
# why it must fail, goes to bad/foreign.txt.
foreign_module() {
	local out=$1 base reason
	: >"$ART/foreign.log"
	for base in "$BUILD"/out/*/vmlinux /sys/kernel/btf/vmlinux; do
		[ -f "$base" ] && [ "$base" != "$out/vmlinux" ] || continue
		[ "$base" = /sys/kernel/btf/vmlinux ] || has_btf "$base" || continue
		if ! foreign_btf "$base" "$out" "$ART/bad/foreign.btf"; then
			log "could not generate BTF on $base (see $ART/foreign.log)"
			continue
		fi
		if reason=$(python3 "$TOOLS/btf-mutate.py" foreign-check \
			--base "$ART/vmlinux.btf" "$ART/bad/foreign.btf" 2>>"$ART/foreign.log"); then
			printf 'base: %s\nmust fail: %s\n' "$base" "$reason" >"$ART/bad/foreign.txt"
			with_btf "$ART/btf_test.ko" "$ART/bad/foreign.btf" "$ART/bad/btf_test-foreign.ko"
			log "foreign BTF from $base: $reason"
			return 0
		fi
		log "BTF made on $base is not certain to fail here, trying another base"
	done
	rm -f "$ART/bad/foreign.btf"
	log "no other vmlinux gives BTF that must fail: no bad/btf_test-foreign.ko"
}

# Copies of btf_notypes.ko with a .BTF of no types, in $ART/notypes, and
# one with no .BTF at all.
empty_modules() {
	local mode
	for mode in $EMPTY_MODES; do
		mutate mutate "$mode" --base "$ART/vmlinux.btf" "$ART/btf_test.btf" \
			"$ART/notypes/$mode.btf"
		with_btf "$ART/btf_notypes.ko" "$ART/notypes/$mode.btf" \
			"$ART/notypes/btf_notypes-$mode.ko"
	done
	run_logged "$ART/objcopy.log" "objcopy --remove-section .BTF" \
		objcopy --remove-section .BTF "$ART/btf_notypes.ko" "$ART/notypes/btf_notypes-no-btf.ko"
}

main() {
	local variant=${1:-default} out m
	out=$BUILD/out/$variant
	ART=$BUILD/tests/$variant
	[ -f "$out/vmlinux" ] || die "no $variant kernel in $out (make build first)"
	rm -rf "$ART/bad" "$ART/notypes" "$ART/tmp"
	mkdir -p "$ART/bad" "$ART/notypes" "$ART/tmp"
	cat "$out/include/config/kernel.release" >"$ART/release"
	cp "$out/.config" "$ART/config"
	for m in "$TOP"/tests/modules/*/; do
		build_ext_module "$out" "$ART" "$(basename "$m")"
	done
	build_programs
	layout_expectations
	extract_btf "$out"
	if [ -f "$ART/btf_test.btf" ]; then
		bad_modules
		foreign_module "$out"
		empty_modules
	else
		log "skipping the broken and empty BTF modules: btf_test.ko has no BTF"
	fi
	rm -rf "$ART/tmp"
}

main "$@"
