#!/bin/bash
# Build what the guest tests need on the host, for one kernel variant:
# the external test modules (make M= against the build directory), the
# test programs, broken copies of the test module, the facts the tests
# compare against, and the corpus: every module the build installed, with
# its .BTF (corpus/). Output: build/tests/VARIANT ($MODBTF_ART there).
#
# On a kernel without module BTF (stock) kbuild gives the test modules no
# .BTF: they get what the series' kbuild would give them (pahole on the
# build's vmlinux), so that every artifact exists and the module-BTF tests
# fail in the guest for what the kernel does, as the negative control
# expects. Nothing here depends on the host's kernel or on other variants.
set -eu
. "$(dirname "$0")/lib.sh"

TOOLS=$TOP/tests/tools
PROGS=$TOP/tests/progs
BAD_MODES="truncate magic type-id name-off"
EMPTY_MODES="hdr-only empty-str"
# Corpus modules known to point at a vmlinux FUNC_PROTO from their own
# BTF: the first two must be built where the corpus is, the others are
# required to load wherever they are built.
FUNCPROTO_MUST="virtio_net failover"
FUNCPROTO_IF_BUILT="net_failover scsi_transport_fc libiscsi iscsi_tcp nvram"
CORPUS_MIN_LOADED=150
# The fuzz cases that make check runs (fuzz_cases; the count is the
# variant's, scripts/variants.sh)
FUZZ_SEED=${MODBTF_FUZZ_SEED:-modbtf}
FUZZ_FIRST=${MODBTF_FUZZ_FIRST:-0}
FUZZ_CASES=${MODBTF_FUZZ_CASES:-}

# build_ext_module OUT ART NAME: tests/modules/NAME with make M=; every
# module its Kbuild makes (one directory may build several) goes to ART.
build_ext_module() {
	local out=$1 art=$2 name=$3 dir
	dir=$art/src/$name
	rm -rf "$dir" && mkdir -p "$dir"
	cp "$TOP/tests/modules/$name"/* "$dir/"
	run_logged "$art/$name.log" "make M= of tests/modules/$name" \
		make -C "$out" M="$dir" modules
	cp "$dir"/*.ko "$art/"
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
	run_logged "$ART/progs.log" "build of tests/progs/show_void.c (needs libbpf-dev)" \
		gcc -O2 -Wall -Werror -o "$ART/show_void" "$PROGS/show_void.c" -lbpf
	run_logged "$ART/progs.log" "build of tests/progs/attach_btf.c (needs libbpf-dev)" \
		gcc -O2 -Wall -Werror -o "$ART/attach_btf" "$PROGS/attach_btf.c" -lbpf
	run_logged "$ART/progs.log" "build of tests/progs/btf_fuzz.c" \
		gcc -O2 -Wall -Werror -o "$ART/btf_fuzz" "$PROGS/btf_fuzz.c"
	bpf_object core
	bpf_object attach
	# The skeleton is generated, into $ART, not the source tree
	run_logged "$ART/progs.log" "bpftool gen skeleton of attach.bpf.o" \
		sh -c 'bpftool gen skeleton "$1" name attach >"$2"' _ \
		"$ART/attach.bpf.o" "$ART/attach.skel.h"
	run_logged "$ART/progs.log" "build of tests/progs/attach_loader.c (needs libbpf-dev)" \
		gcc -O2 -Wall -Werror -I"$ART" -I"$PROGS" -o "$ART/attach_loader" \
		"$PROGS/attach_loader.c" -lbpf
}

# bench_smoke OUT: what 33-bench-smoke.sh runs: the benchmark's guest
# side (tests/bench) on two of its modules, built for this kernel. On a
# kernel without module BTF they cannot be made, and the test fails.
bench_smoke() {
	rm -rf "$ART/bench"
	"$TOP/tests/bench/build.sh" programs "$ART/bench/bin"
	"$TOP/tests/bench/build.sh" modules "$1" "$ART/bench/mods" 10 1000 ||
		log "no bench modules for this kernel: 33-bench-smoke.sh will fail"
}

# bpf_object NAME: tests/progs/NAME.bpf.c into $ART/NAME.bpf.o
bpf_object() {
	run_logged "$ART/progs.log" "clang -target bpf of tests/progs/$1.bpf.c" \
		clang -target bpf -g -O2 -D__TARGET_ARCH_x86 \
		-I/usr/include/x86_64-linux-gnu -I"$PROGS" \
		-c "$PROGS/$1.bpf.c" -o "$ART/$1.bpf.o"
}

# attach_module_checks OUT: btf_attach_hit is what the attach tests need in
# both btf_attach modules: a global function of that exact name in the
# symbol table (not inlined, not a renamed clone), and a FUNC in the
# module's BTF.
attach_module_checks() {
	local out=$1 m
	for m in btf_attach btf_attach_b; do
		nm "$ART/$m.ko" | grep -q ' T btf_attach_hit$' ||
			die "$m.ko has no global symbol btf_attach_hit" "$ART/btf_attach.log"
		bpftool --base-btf "$out/vmlinux" btf dump file "$ART/$m.ko" 2>/dev/null |
			grep -q "] FUNC 'btf_attach_hit' " ||
			die "the BTF of $m.ko has no FUNC btf_attach_hit"
	done
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
	run_logged "$ART/mutate.log" "elf-nobits.py" python3 "$TOOLS/elf-nobits.py" \
		"$ART/btf_test.ko" "$ART/bad/btf_test-nobits.ko"
}

# pahole_btf KO BASE OUT_DIR BTF: into the file BTF, the BTF pahole makes
# for KO on BASE (a vmlinux or raw BTF), with the flags the build in
# OUT_DIR uses: what the series' kbuild does. Non-zero if that fails.
# shellcheck disable=SC2086 # $flags: a list of options
pahole_btf() {
	local ko=$ART/tmp/pahole.ko flags
	flags=$(PAHOLE=pahole sh "$3/source/scripts/pahole-flags.sh")
	{
		objcopy --remove-section .BTF "$1" "$ko" &&
			LLVM_OBJCOPY=objcopy pahole -J $flags --btf_base "$2" "$ko" &&
			objcopy --dump-section .BTF="$4" "$ko" "$ART/tmp/objcopy.out"
	} >>"$ART/pahole-btf.log" 2>&1
}

# Stock 5.10's kbuild makes no module BTF. So that the negative control
# tests what the kernel does with module BTF (and no test fails there
# for want of a file), a test module without .BTF gets the BTF the
# series' kbuild would give it.
add_missing_btf() {
	local out=$1 ko
	for ko in "$ART"/*.ko; do
		has_btf "$ko" && continue
		! grep -qx CONFIG_DEBUG_INFO_BTF_MODULES=y "$out/.config" ||
			die "$ko has no .BTF although the build has CONFIG_DEBUG_INFO_BTF_MODULES=y" "$ART/$(basename "$ko" .ko).log"
		log "$(basename "$ko") has no .BTF (this kbuild makes none): adding pahole's BTF on $out/vmlinux"
		pahole_btf "$ko" "$out/vmlinux" "$out" "$ART/tmp/added.btf" ||
			die "pahole could not make BTF for $ko" "$ART/pahole-btf.log"
		with_btf "$ko" "$ART/tmp/added.btf" "$ko.new"
		mv "$ko.new" "$ko"
	done
}

# A copy of btf_test.ko carrying the BTF pahole generates for it on
# another vmlinux: this build's vmlinux BTF with 4096 types appended
# (btf-mutate.py pad-base), so the result depends on nothing but this
# build. Only a BTF the kernel's verifier must reject for certain is
# used (btf-mutate.py foreign-check); why it must fail goes to
# bad/foreign.txt.
foreign_module() {
	local out=$1 base=$ART/tmp/padded-vmlinux.btf reason
	mutate pad-base "$ART/vmlinux.btf" "$base"
	pahole_btf "$ART/btf_test.ko" "$base" "$out" "$ART/bad/foreign.btf" ||
		die "pahole could not make BTF on $base" "$ART/pahole-btf.log"
	reason=$(python3 "$TOOLS/btf-mutate.py" foreign-check \
		--base "$ART/vmlinux.btf" "$ART/bad/foreign.btf") ||
		die "BTF made on $base is not certain to fail on $out/vmlinux"
	printf 'base: vmlinux BTF + 4096 INT types\nmust fail: %s\n' "$reason" >"$ART/bad/foreign.txt"
	with_btf "$ART/btf_test.ko" "$ART/bad/foreign.btf" "$ART/bad/btf_test-foreign.ko"
	log "foreign BTF: $reason"
}

# Fuzzed BTF for 30-btf-fuzz.sh, in $ART/fuzz: the cases FIRST to
# FIRST+COUNT-1 of tests/tools/btf-fuzz.py with seed SEED (env
# MODBTF_FUZZ_SEED, MODBTF_FUZZ_FIRST, MODBTF_FUZZ_CASES; make check's
# slice by default), mutants of the test modules' .BTF and, as user BTF,
# of btf_initgate's types as standalone BTF (pahole with the build's
# flags).
# shellcheck disable=SC2086 # $flags: a list of options
fuzz_cases() {
	local out=$1 dir=$ART/fuzz flags m split=()
	rm -rf "$dir" && mkdir -p "$dir"
	flags=$(PAHOLE=pahole sh "$out/source/scripts/pahole-flags.sh")
	run_logged "$ART/pahole-btf.log" "pahole --btf_encode_detached of btf_initgate.ko" \
		pahole -J $flags --btf_encode_detached="$dir/btf_initgate.user.btf" \
		"$ART/btf_initgate.ko"
	for m in btf_test btf_attach btf_initgate; do
		split+=(--split "$m=$ART/$m.btf")
	done
	run_logged "$ART/fuzz.log" "btf-fuzz.py gen" python3 "$TOOLS/btf-fuzz.py" gen \
		--seed "$FUZZ_SEED" --first "$FUZZ_FIRST" --count "$FUZZ_CASES" \
		--base "$ART/vmlinux.btf" "${split[@]}" \
		--user "btf_initgate=$dir/btf_initgate.user.btf" "$dir/cases"
	echo "seed=$FUZZ_SEED first=$FUZZ_FIRST count=$FUZZ_CASES" >"$dir/slice"
}

# Copies of btf_race.ko with module BTF at the kernel's limits and one
# past them (btf-mutate.py limit), in $ART/limits; the BTF of those that
# must load is kept to compare with sysfs.
LIMITS="max-types over-types max-strings over-strings over-size"
limit_modules() {
	local kind btf
	rm -rf "$ART/limits" && mkdir -p "$ART/limits"
	for kind in $LIMITS; do
		btf=$ART/limits/$kind.btf
		mutate limit "$kind" --base "$ART/vmlinux.btf" "$btf"
		with_btf "$ART/btf_race.ko" "$btf" "$ART/limits/btf_race-$kind.ko"
		[[ $kind == max-* ]] || rm -f "$btf"
	done
}

# A copy of btf_test.ko whose .BTF holds types that refer across the
# split boundary in every way pahole's output does (btf-shapes.py), and
# the lines bpftool must print for them: $ART/shapes.
shapes_module() {
	mkdir -p "$ART/shapes"
	run_logged "$ART/shapes.log" "btf-shapes.py" python3 "$TOOLS/btf-shapes.py" \
		--base "$ART/vmlinux.btf" "$ART/shapes/shapes.btf" "$ART/shapes/expect"
	with_btf "$ART/btf_test.ko" "$ART/shapes/shapes.btf" "$ART/shapes/btf_test-shapes.ko"
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

# module_name KO: the kernel's name for the module in KO ('-' is '_').
module_name() {
	local n=${1##*/}
	n=${n%.ko}
	echo "${n//-/_}"
}

# corpus_kos OUT: the installed modules of the build in OUT, but the
# project's own test modules, one path a line.
corpus_kos() {
	local ko mods own
	own=" $(cd "$TOP/tests/modules" && echo *) "
	mods=$(echo "$1"/mods/lib/modules/*)
	[ -f "$mods/modules.dep" ] || die "no $mods/modules.dep (did modules_install run depmod?)"
	find "$mods" -name '*.ko' | sort | while read -r ko; do
		[[ $own == *" $(module_name "$ko") "* ]] || echo "$ko"
	done
}

# bpftool_check KO VMLINUX: "ok" if Debian's bpftool reads KO's BTF as
# split BTF on VMLINUX's, else "bpftool-failed" (its error in the log).
bpftool_check() {
	if bpftool --base-btf "$2" btf dump file "$1" >/dev/null 2>"$ART/tmp/bpftool.err"; then
		echo ok
	else
		sed "s|^|$1: |" "$ART/tmp/bpftool.err" >>"$ART/corpus/bpftool.log"
		echo bpftool-failed
	fi
}

# corpus_modules OUT: for each module of the build in OUT, "NAME PATH
# SIZE CHECK": PATH under /lib/modules/RELEASE, the size of its .BTF
# (dumped to $ART/corpus/NAME.btf), bpftool_check's verdict; "0 no-btf"
# for a module without .BTF.
corpus_modules() {
	local out=$1 ko name btf
	while read -r ko; do
		name=$(module_name "$ko")
		btf=$ART/corpus/$name.btf
		if has_btf "$ko"; then
			dump_btf "$ko" "$btf"
			echo "$name ${ko#"$out"/mods/lib/modules/*/} $(stat -c %s "$btf") $(bpftool_check "$ko" "$out/vmlinux")"
		else
			echo "$name ${ko#"$out"/mods/lib/modules/*/} 0 no-btf"
		fi
	done < <(corpus_kos "$out")
}

# funcproto_refs: "NAME FIRST" for each $ART/corpus/NAME.btf, FIRST the
# first of its own types that refers to a vmlinux FUNC_PROTO, or "-".
funcproto_refs() {
	local file first
	python3 "$TOOLS/btf-mutate.py" base-proto-refs --base "$ART/vmlinux.btf" \
		"$ART"/corpus/*.btf >"$ART/tmp/refs" || die "btf-mutate.py base-proto-refs: $(grep ' error ' "$ART/tmp/refs")"
	while read -r file _ first; do
		file=${file##*/}
		echo "${file%.btf} $first"
	done <"$ART/tmp/refs"
}

# corpus_facts OUT NAME...: $ART/corpus/facts for the guest test: how
# many of the modules NAME must load, and which must load with their
# FUNC_PROTO references. Where config/corpus.config is part of the
# build, at least CORPUS_MIN_LOADED; in a Debian-configured build (deb)
# at least as many; elsewhere (debug, stock: a few modules) every one.
corpus_facts() {
	local out=$1 m min=$(($# - 1)) req=''
	shift
	if [ "$(basename "$out")" = deb ]; then
		# Debian's configuration: some modules need hardware the VM
		# lacks; which refer to a FUNC_PROTO depends on the config
		# and pahole. Any refused for its BTF still fails the test.
		min=$CORPUS_MIN_LOADED
	elif ! grep '=m$' "$TOP/config/corpus.config" | grep -qvxFf "$out/.config"; then
		min=$CORPUS_MIN_LOADED
		req=$FUNCPROTO_MUST
		for m in $FUNCPROTO_IF_BUILT; do
			[[ " $* " != *" $m "* ]] || req="$req $m"
		done
	fi
	printf 'modules=%d\nmin_loaded=%d\nfuncproto_required=%s\n' "$#" "$min" "$req" \
		>"$ART/corpus/facts"
}

# The corpus, every module the build installed, for tests/guest/20-corpus.sh:
# $ART/corpus/NAME.btf, the .BTF of each; $ART/corpus/list, the manifest:
# corpus_modules' columns and funcproto_refs' FIRST; $ART/corpus/facts.
# A failure of Debian's bpftool is recorded (it would be pahole's fault,
# not the kernel's); a module without .BTF is an error where the build
# makes module BTF.
corpus() {
	local out=$1 dir=$ART/corpus t0 name path size check missing='' bad='' n=0
	local -a names=()
	local -A ref=()
	t0=$(now)
	rm -rf "$dir" && mkdir -p "$dir"
	corpus_modules "$out" >"$ART/tmp/modules"
	while read -r name path size check; do
		names+=("$name")
		[ "$check" != no-btf ] || missing="$missing $name"
		[ "$check" != bpftool-failed ] || bad="$bad $name"
	done <"$ART/tmp/modules"
	if [ -n "$missing" ] && grep -q '^CONFIG_DEBUG_INFO_BTF_MODULES=y' "$out/.config"; then
		die "modules without a .BTF section:$missing"
	fi
	if [ -z "$missing" ] && [ ${#names[@]} -gt 0 ]; then
		while read -r name path; do
			ref[$name]=$path
		done < <(funcproto_refs)
	fi
	{
		echo "# name path btf_size host_check vmlinux_funcproto_ref"
		while read -r name path size check; do
			echo "$name $path $size $check ${ref[$name]:--}"
		done <"$ART/tmp/modules"
	} >"$dir/list"
	for name in "${!ref[@]}"; do
		[ "${ref[$name]}" = - ] || n=$((n + 1))
	done
	corpus_facts "$out" "${names[@]}"
	log "corpus: ${#names[@]} modules, $n refer to a vmlinux FUNC_PROTO," \
		"bpftool failed on:${bad:- none} ($(($(now) - t0)) s; $dir/list)"
}

# 5.10's BTF selftests (test_progs), in $ART/selftests: built from the
# patched tree for every variant, stock too, where they must fail for the
# kernel's sake, on the variant's own vmlinux BTF. If the build fails,
# 19-selftests-btf.sh fails and says so.
selftests() {
	rm -rf "$ART/selftests"
	if "$TOP/scripts/selftests.sh" "$1/vmlinux" "$ART.selftests"; then
		cp -a "$ART.selftests/run" "$ART/selftests"
	else
		log "no BTF selftests for the guest: 19-selftests-btf.sh will fail"
	fi
}

main() {
	local variant=${1:-default} out m
	variant_check "$variant"
	out=$BUILD/out/$variant
	ART=$BUILD/tests/$variant
	FUZZ_CASES=${FUZZ_CASES:-$(variant_fuzz_cases "$variant")}
	[ -f "$out/vmlinux" ] || die "no $variant kernel in $out (make build first)"
	rm -rf "$ART/bad" "$ART/notypes" "$ART/shapes" "$ART/fuzz" "$ART/limits" "$ART/tmp"
	mkdir -p "$ART/bad" "$ART/notypes" "$ART/tmp"
	cat "$out/include/config/kernel.release" >"$ART/release"
	cp "$out/.config" "$ART/config"
	for m in "$TOP"/tests/modules/*/; do
		build_ext_module "$out" "$ART" "$(basename "$m")"
	done
	build_programs
	selftests "$out"
	layout_expectations
	: >"$ART/pahole-btf.log"
	add_missing_btf "$out"
	extract_btf "$out"
	attach_module_checks "$out"
	if [ -f "$ART/btf_test.btf" ]; then
		bad_modules
		foreign_module "$out"
		empty_modules
		fuzz_cases "$out"
		limit_modules
	else
		log "skipping the broken and empty BTF modules: btf_test.ko has no BTF"
	fi
	# Needs only vmlinux BTF: on stock 5.10 too, where the kernel ignores it
	shapes_module
	bench_smoke "$out"
	corpus "$out"
	rm -rf "$ART/tmp"
}

main "$@"
