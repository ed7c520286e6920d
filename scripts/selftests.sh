#!/bin/bash
# Build 5.10's own BPF selftest runner, test_progs, with its BTF tests,
# from the patched tree: tools/testing/selftests/bpf, tools/lib/bpf, the
# tree's bpftool (skeletons) and its UAPI headers (tools/include/uapi:
# struct bpf_btf_info as the series extends it). Out of tree, in
# build/tests/selftests; run `test_progs -t btf` in build/tests/selftests/run.
#
#   selftests.sh [VMLINUX [DIR]]
#
# VMLINUX (default: the default variant's) gives vmlinux.h, which only
# test_ksyms_btf*.c include. DIR (default build/tests/selftests) holds the
# build; prepare-tests.sh gives each variant its own, built on its own
# vmlinux, so that what a variant tests depends on nothing else.
#
# test_progs is reduced to the tests whose names contain "btf" (those that
# `test_progs -t btf` selects in a full build: btf.c is the old test_btf),
# but btf_dump (see EXCLUDED_TESTS), the tests of attaching tracing
# programs to vmlinux and to BPF programs (ATTACH_TESTS: the code that
# the series changes to attach to modules), and the BPF programs they
# need: clang does not build the 300 others, nor the other runners. 5.10 has no
# standalone test_btf any more. A stamp of every input skips the build
# when nothing changed; make rebuilds what did.
set -eu
. "$(dirname "$0")/lib.sh"

SRC=$TREE/tools/testing/selftests/bpf
SELF=${2:-$BUILD/tests/selftests}
SCRATCH=$SELF/tree
OUT=$SELF/out
RUN=$SELF/run
LOGF=$SELF/build.log
# What the BTF tests load or embed as skeletons, besides the
# btf_dump_test_case_*.c that btf_dump and btf_endian parse.
BTF_PROGS="test_btf_haskv test_btf_newkv test_btf_nokv test_btf_map_in_map
test_ksyms_btf test_ksyms_btf_null_check btf_data
netif_receive_skb"
# Not built: btf_dump compares libbpf's C dump of objects built by clang
# with expectations that say "long int" where Debian 12's clang 14 names
# the type "long" (upstream updated them after 5.10): 4 of its 8 subtests
# fail on any kernel. It is user space only, as are btf_endian, btf_write
# and resolve_btfids. Nor btf_skc_cls_ingress: a TCP syncookie test
# that needs IPv6 built in (and SYN_COOKIES, tc ingress), which the
# test kernels leave out; BTF is only incidental to it.
EXCLUDED_TESTS="btf_dump btf_skc_cls_ingress"
# fentry, fexit and fmod_ret on vmlinux functions and on BPF programs
# (attach_prog_fd, which the series puts in a union with
# attach_btf_obj_fd), freplace, trampolines, tp_btf: tests/guest/
# 04-selftests-attach.sh runs them, on stock 5.10 and on the series.
ATTACH_TESTS="fentry_test fexit_test fentry_fexit fexit_bpf2bpf fexit_stress
modify_return trampoline_count"
ATTACH_PROGS="fentry_test fexit_test modify_return test_trampoline_count
fexit_bpf2bpf fexit_bpf2bpf_simple test_pkt_md_access test_pkt_access
freplace_connect4 connect4_prog freplace_get_constant fmod_ret_freplace
freplace_cls_redirect test_cls_redirect freplace_connect_v4_prog
freplace_attach_probe test_attach_probe"
# The Makefile's LDLIBS without -lcap: no BTF test uses libcap.
LIBS="-lelf -lz -lrt -lpthread"

# The tree's files the build reads, the tools, this script and VMLINUX:
# a change in any changes the stamp.
fingerprint() {
	{
		(cd "$TREE" && find tools/arch/x86 tools/bpf tools/build tools/include \
			tools/lib tools/scripts tools/testing/selftests/lib.mk \
			tools/testing/selftests/bpf scripts/Kbuild.include -type f -print0 |
			sort -z | xargs -0 sha256sum)
		sha256sum <"$0"
		stat -L -c '%n %s %Y' "$1"
		clang --version | head -n 1
		gcc --version | head -n 1
		echo "$BTF_PROGS $EXCLUDED_TESTS $ATTACH_TESTS $ATTACH_PROGS $LIBS"
	} | sha256sum | cut -c1-16
}

# link_into DIR FILE...: symlinks in DIR to each FILE.
link_into() {
	local dir=$1
	shift
	mkdir -p "$dir"
	ln -s "$@" "$dir/"
}

# The selftests Makefile writes prog_tests/tests.h next to the tests and
# finds everything by relative paths: give it a tree of symlinks to the
# patched tree, with only the BTF tests and their programs in bpf/.
make_scratch() {
	local f p top=() tests=()
	rm -rf "$SCRATCH"
	link_into "$SCRATCH" "$TREE/scripts"
	for f in "$TREE"/tools/*; do
		[ "${f##*/}" = testing ] || link_into "$SCRATCH/tools" "$f"
	done
	link_into "$SCRATCH/tools/testing/selftests" "$TREE/tools/testing/selftests/lib.mk"
	# gnu/: the stubs.h that clang -target bpf includes
	for f in "$SRC"/*; do
		[ -d "$f" ] && [ "${f##*/}" != gnu ] || top+=("$f")
	done
	link_into "$SCRATCH/tools/testing/selftests/bpf" "${top[@]}"
	for f in "$SRC"/prog_tests/*btf*.c; do
		p=${f##*/}
		[[ " $EXCLUDED_TESTS " == *" ${p%.c} "* ]] || tests+=("$f")
	done
	for p in $ATTACH_TESTS; do
		tests+=("$SRC/prog_tests/$p.c")
	done
	link_into "$SCRATCH/tools/testing/selftests/bpf/prog_tests" "${tests[@]}"
	link_into "$SCRATCH/tools/testing/selftests/bpf/progs" "$SRC"/progs/*.h \
		"$SRC"/progs/btf_dump_test_case_*.c
	for p in $BTF_PROGS $ATTACH_PROGS; do
		[ -f "$SRC/progs/$p.c" ] || die "no $SRC/progs/$p.c: is $TREE a 5.10 tree?"
		link_into "$SCRATCH/tools/testing/selftests/bpf/progs" "$SRC/progs/$p.c"
	done
	# The link of test_progs runs resolve_btfids --btf btf_data.o in
	# bpf/, not in OUTPUT (fixed upstream after 5.10)
	link_into "$SCRATCH/tools/testing/selftests/bpf" "$OUT/btf_data.o"
}

build_test_progs() {
	local vmlinux=$1 id
	build_bpftool "$vmlinux"
	# make redoes vmlinux.h only if VMLINUX is newer: not for another one
	id=$(stat -L -c '%n %s %Y' "$vmlinux")
	mkdir -p "$OUT"
	[ "$(cat "$OUT/vmlinux.id" 2>/dev/null)" = "$id" ] || rm -f "$OUT/tools/include/vmlinux.h"
	echo "$id" >"$OUT/vmlinux.id"
	run_logged "$LOGF" "build of test_progs from $SRC (clang, libbpf)" \
		make -C "$SCRATCH/tools/testing/selftests/bpf" -j"$NPROC" \
		OUTPUT="$OUT" BPFTOOL="$BPFTOOL_OUT/bpftool" VMLINUX_BTF="$vmlinux" \
		LDLIBS="$LIBS" "$OUT/test_progs" </dev/null
}

# What test_progs reads at run time, in $RUN: the BPF objects the tests
# open by name, and btf_dump's expected output (progs/*.c) if it is built.
assemble() {
	local p
	rm -rf "$RUN"
	mkdir -p "$RUN/progs"
	cp "$OUT/test_progs" "$RUN/"
	for p in $BTF_PROGS $ATTACH_PROGS "$SRC"/progs/btf_dump_test_case_*.c; do
		p=$(basename "$p" .c)
		[ -f "$OUT/$p.o" ] || die "test_progs built, but no $OUT/$p.o" "$LOGF"
		cp "$OUT/$p.o" "$RUN/"
	done
	cp "$SRC"/progs/btf_dump_test_case_*.c "$RUN/progs/"
	# The BTF tests in this test_progs, one a line (test_progs -l needs a
	# kernel), and the attach tests
	(cd "$SCRATCH/tools/testing/selftests/bpf/prog_tests" && ls -- *btf*.c) |
		sed 's/\.c$//' >"$RUN/tests.txt"
	# shellcheck disable=SC2086 # one word a test
	printf '%s\n' $ATTACH_TESTS >"$RUN/attach-tests.txt"
}

main() {
	local vmlinux=${1:-$BUILD/out/default/vmlinux} stamp t0 tool
	[ -d "$SRC/prog_tests" ] || die "no $SRC (make tree first)"
	[ -f "$vmlinux" ] || die "no $vmlinux for vmlinux.h (build the kernel first)"
	vmlinux=$(realpath "$vmlinux")
	for tool in clang llc; do
		command -v "$tool" >/dev/null || die "no $tool: the selftests' BPF programs need clang and llc"
	done
	stamp=$(fingerprint "$vmlinux")
	if [ -x "$RUN/test_progs" ] && [ "$(cat "$SELF/stamp" 2>/dev/null)" = "$stamp" ]; then
		log "test_progs (BTF selftests) is up to date in $RUN"
		return 0
	fi
	t0=$(now)
	rm -f "$SELF/stamp"
	log "building test_progs (BTF selftests) from $SRC in $OUT (log: $LOGF)"
	make_scratch
	# test_progs.o holds the list of tests (tests.h), which make does not
	# redo when a test is left out: a new stamp rebuilds it
	rm -f "$OUT/test_progs.o"
	build_test_progs "$vmlinux"
	assemble
	echo "$stamp" >"$SELF/stamp"
	log "test_progs with $(wc -l <"$RUN/tests.txt") BTF tests and $(wc -l <"$RUN/attach-tests.txt") attach tests built in $(($(now) - t0)) s"
}

main "$@"
