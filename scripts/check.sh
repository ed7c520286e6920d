#!/bin/bash
# Everything CI runs (make check): the series applies and is checkpatch
# clean; the harness returns exit statuses and catches splats; the guest
# suite passes on the patched kernel and on its debug variant; and the
# module-BTF tests fail on the unpatched base (negative control).
# Ends with "N passed, N failed"; exits non-zero if anything failed.
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/git-env.sh"

PASS=0
FAIL=0
TIMES=

# result NAME STATUS: count one check.
result() {
	if [ "$2" = 0 ]; then
		echo "ok   $1"
		PASS=$((PASS + 1))
	else
		echo "FAIL $1"
		FAIL=$((FAIL + 1))
	fi
}

# timed STAGE CMD...: run CMD, remember how long it took.
timed() {
	local stage=$1 t0 rc=0
	shift
	t0=$(now)
	"$@" || rc=$?
	TIMES="$TIMES$(printf '  %-22s %5d s' "$stage" $(($(now) - t0)))
"
	return $rc
}

# patches/ applied with git am to the pristine base, in a scratch work
# tree, must give exactly the tree that is built and tested: a work tree
# with commits not exported, or a patch that does not apply, fails.
check_series_applied() {
	local scratch=$BUILD/series-check p rc=0 want got
	rm -rf "$scratch"
	git -C "$TREE" worktree prune
	git -C "$TREE" worktree add -q --detach "$scratch" modbtf-base || return 1
	for p in $(series_files); do
		git -C "$scratch" am -q "$TOP/patches/$p" >/dev/null 2>&1 || {
			echo "$p does not apply with git am"
			git -C "$scratch" am --abort
			rc=1
			break
		}
	done
	want=$(git -C "$scratch" rev-parse "HEAD^{tree}")
	got=$(git -C "$TREE" rev-parse "HEAD^{tree}")
	git -C "$TREE" worktree remove --force "$scratch"
	[ "$rc" = 0 ] || return 1
	[ "$(series_files | wc -l)" -gt 0 ] || { echo "patches/series is empty"; return 1; }
	[ "$want" = "$got" ] ||
		{ echo "$TREE is not patches/ applied to the base (make export, or make tree)"; return 1; }
}

check_checkpatch() {
	local p out errors=0 n
	for p in $(series_files); do
		out=$(cd "$TREE" && scripts/checkpatch.pl --strict --no-tree --show-types \
			-q "$TOP/patches/$p" 2>&1)
		n=$(printf '%s\n' "$out" | grep -c '^ERROR:') || true
		errors=$((errors + n))
		[ -z "$out" ] || printf '%s:\n%s\n' "$p" "$out" | grep -E '^(ERROR|WARNING|CHECK|[0-9]{4}-)' | sed 's/^/    /'
	done
	[ "$errors" = 0 ]
}

# Harness self-tests: a command's exit status comes back, a splat and a
# hung guest fail the run.
check_exit_status() {
	local rc=0
	"$TOP/scripts/vm.sh" -v default -t 120 -- sh -c 'exit 3' || rc=$?
	[ "$rc" = 3 ]
}

check_splat_detected() {
	local rc=0
	# SysRq-l prints a backtrace of all CPUs: a "Call Trace:" in the log.
	"$TOP/scripts/vm.sh" -v default -t 120 -- sh -c 'echo l >/proc/sysrq-trigger; sleep 1' \
		2>"$BUILD/splat-check.log" || rc=$?
	[ "$rc" != 0 ] && grep -q "kernel splat" "$BUILD/splat-check.log"
}

check_hang_detected() {
	local rc=0
	"$TOP/scripts/vm.sh" -v default -t 15 -- sleep 600 2>/dev/null || rc=$?
	[ "$rc" = 124 ]
}

# A directory under the host's /tmp, with a space in its name, is where
# the guest's command runs (the guest's writable /tmp must not hide it),
# and -e passes a variable with a space through to the command.
check_host_tmp_path() {
	local dir out rc=0
	dir=$(mktemp -d /tmp/modbtf-path.XXXXXX)
	mkdir "$dir/a b"
	printf '#!/bin/sh\necho "seen: $(pwd) [$MODBTF_PROBE]"\n' >"$dir/a b/probe.sh"
	chmod +x "$dir/a b/probe.sh"
	out=$(cd "$dir/a b" && "$TOP/scripts/vm.sh" -t 120 -e "MODBTF_PROBE=x y" -- ./probe.sh) || rc=$?
	rm -rf "$dir"
	echo "    $out"
	[ "$rc" = 0 ] && [ "$out" = "seen: $dir/a b [x y]" ]
}

# An unknown variant is refused before anything is built or booted.
check_unknown_variant() {
	refuses_nosuch build.sh nosuch && refuses_nosuch vm.sh -v nosuch -- true &&
		refuses_nosuch suite.sh nosuch && refuses_nosuch prepare-tests.sh nosuch &&
		[ ! -e "$BUILD/out/nosuch" ] && [ ! -e "$BUILD/tests/nosuch" ]
}

# refuses_nosuch SCRIPT ARGS...: scripts/SCRIPT fails, naming the variant.
refuses_nosuch() {
	local s=$1
	shift
	if "$TOP/scripts/$s" "$@" 2>&1 | grep -q "unknown variant 'nosuch'" && [ "${PIPESTATUS[0]}" != 0 ]; then
		return 0
	fi
	echo "    $s $*: no clear error"
	return 1
}

# make export ignores the user's git configuration: with a hostile
# ~/.gitconfig (sign-off, no prefixes, signing, other abbreviations) an
# export of the work tree gives patches/ byte for byte.
check_export_ignores_git_config() {
	local tmp rc=0
	tmp=$(mktemp -d)
	mkdir -p "$tmp/top" "$tmp/home"
	cp -r "$TOP/scripts" "$TOP/patches" "$TOP/base.conf" "$tmp/top/"
	cat >"$tmp/home/.gitconfig" <<-'EOF'
	[format]
		signOff = true
		numbered = false
	[diff]
		noprefix = true
		mnemonicPrefix = true
	[core]
		abbrev = 7
	[commit]
		gpgSign = true
	EOF
	HOME=$tmp/home XDG_CONFIG_HOME=$tmp/home BUILD=$BUILD "$tmp/top/scripts/export.sh" 2>/dev/null &&
		diff -r "$TOP/patches" "$tmp/top/patches" >/dev/null || rc=1
	rm -rf "$tmp"
	return $rc
}

# An external module built against a tree without vmlinux (only
# modules_prepare) must build, without BTF, and say that BTF was skipped.
check_extmod_without_vmlinux() {
	local out=$BUILD/out/novmlinux
	rm -rf "$out" && mkdir -p "$out"
	cp "$BUILD/out/default/.config" "$out/.config"
	make -C "$TREE" O="$out" olddefconfig modules_prepare >"$out/extmod.log" 2>&1 || {
		tail -n 20 "$out/extmod.log"
		return 1
	}
	extmod_skips_btf "$out" novmlinux "vmlinux not found"
}

# An external module built against a tree with vmlinux but without
# pahole must build, without BTF, and say why.
check_extmod_without_pahole() {
	extmod_skips_btf "$BUILD/out/default" nopahole "pahole-not-installed not found" \
		PAHOLE=pahole-not-installed
}

# extmod_skips_btf OUT NAME REASON [MAKE_ARGS...]: tests/modules/btf_test
# built with make M= against the build in OUT has no .BTF, and kbuild
# said "BTF: ...btf_test.ko: REASON, skipping module BTF".
extmod_skips_btf() {
	local out=$1 mod=$BUILD/tests/$2 reason=$3 logf=$BUILD/tests/$2.log
	shift 3
	rm -rf "$mod" && mkdir -p "$mod"
	cp "$TOP"/tests/modules/btf_test/* "$mod/"
	make -C "$out" M="$mod" "$@" modules >"$logf" 2>&1 || {
		tail -n 20 "$logf"
		return 1
	}
	grep -q "BTF: .*btf_test.ko: $reason, skipping module BTF" "$logf" &&
		[ -f "$mod/btf_test.ko" ] && ! readelf -S "$mod/btf_test.ko" | grep -q '\.BTF'
}

# A new vmlinux regenerates every module's BTF, in place: "BTF [M]" for
# each module, no "LD [M]". The .ko files keep a .BTF section. (With
# "make modules" alone kbuild builds nothing built-in and does not look
# at vmlinux: the build's own targets, as build.sh gives them.)
check_btf_only_regenerated() {
	local out=$BUILD/out/default logf=$BUILD/out/default/rebtf.log n_btf n_ld n_mod
	touch "$out/vmlinux"
	make_kernel "$TREE" "$out" -j"$NPROC" bzImage modules >"$logf" 2>&1 ||
		{ tail -n 20 "$logf"; return 1; }
	n_mod=$(wc -l <"$out/modules.order")
	n_btf=$(grep -c '^  BTF \[M\] ' "$logf") || true
	n_ld=$(grep -c '^  LD \[M\] ' "$logf") || true
	echo "    $n_mod modules: $n_btf BTF [M], $n_ld LD [M] after touching vmlinux"
	[ "$n_btf" = "$n_mod" ] && [ "$n_ld" = 0 ]
}

# The series' own bpftool (tools/bpf/bpftool): names and the kernel flag
# on the patched kernel, in plain and JSON output; on stock 5.10, whose
# bpf_btf_info lacks the new fields, it still lists BTF, without names.
# hold-btf.py loads a 45-byte BTF, so there is a user BTF to list.
intree_bpftool_show() {
	local variant=$1 bt=$BPFTOOL_OUT/bpftool
	"$TOP/scripts/vm.sh" -v "$variant" -t 300 -- tests/tools/hold-btf.py \
		sh -c "$bt btf show && $bt -j btf show" >"$BUILD/bpftool-$variant.log" 2>&1
}

check_intree_bpftool() {
	local d=$BUILD/bpftool-default.log s=$BUILD/bpftool-stock.log
	(build_bpftool) || return 1
	intree_bpftool_show default && intree_bpftool_show stock || return 1
	grep -Eq '^[0-9]+: name \[vmlinux\]  size [0-9]+B$' "$d" &&
		grep -Eq '^[0-9]+: name <anon>  size 45B$' "$d" &&
		grep -q '"name":"vmlinux","kernel":true' "$d" &&
		grep -q '"size":45,"kernel":false' "$d" &&
		grep -Eq '^[0-9]+: size 45B$' "$s" &&
		! grep -q '"name"' "$s" && ! grep -q 'name \[vmlinux\]' "$s" || {
		sed 's/^/    /' "$d" "$s"
		return 1
	}
}

# bpf_snprintf_btf() of "const void" and "volatile void" vmlinux types:
# on the series' kernel every call returns; stock 5.10 calls through NULL
# kind operations and oopses in btf_modifier_show() (and, with
# oops=panic, never reports an exit status).
show_void() {
	"$TOP/scripts/vm.sh" -v "$1" -t 300 -- sh -c '"$MODBTF_ART/show_void"' \
		>"$BUILD/show-void-$1.log" 2>&1
}

check_show_void() {
	local rc=0
	show_void default || rc=$?
	sed 's/^/    /' "$BUILD/show-void-default.log"
	[ "$rc" = 0 ] || return 1
	rc=0
	show_void stock || rc=$?
	if [ "$rc" != 0 ] && grep -q "RIP: .*btf_modifier_show" "$BUILD/show-void-stock.log"; then
		echo "    stock 5.10: $(grep -m1 -o 'RIP: .*btf_modifier_show[^ ]*' "$BUILD/show-void-stock.log")"
		return 0
	fi
	sed 's/^/    /' "$BUILD/show-void-stock.log"
	echo "    stock 5.10 did not oops in btf_modifier_show (exit $rc): the check proves nothing"
	return 1
}

# debug_boot NAME [VM.SH OPTIONS...]: tests/guest/NAME.sh in a boot of
# its own on the debug kernel, after its suite prepared the artifacts:
# first-loads.sh (the first module loads after boot, several at once,
# race to parse vmlinux BTF, which 5.10 parses lazily) and fail-alloc.sh
# (each allocation of a module load failed in turn).
debug_boot() {
	local name=$1 logf=$BUILD/$1.log rc=0
	shift
	"$TOP/scripts/vm.sh" -v debug -m "$(variant_mem debug)" -t 1200 "$@" -- \
		bash -eu "$TOP/tests/guest/$name.sh" >"$logf" 2>&1 || rc=$?
	sed 's/^/    /' "$logf"
	return "$rc"
}

# suite VARIANT: the guest tests on one kernel. Each test counts.
suite() {
	local variant=$1 logf rc=0 counts
	logf=$BUILD/check-$variant.log
	"$TOP/scripts/suite.sh" "$variant" | tee "$logf"
	rc=${PIPESTATUS[0]}
	counts=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\1 \2/p' "$logf" | tail -n 1)
	if [ -z "$counts" ]; then
		result "$variant: guest suite did not complete (exit $rc)" 1
		return
	fi
	PASS=$((PASS + ${counts% *}))
	FAIL=$((FAIL + ${counts#* }))
	# A splat or timeout after the suite's last line fails the run too
	[ "$rc" = 0 ] || [ "${counts#* }" != 0 ] || result "$variant: clean guest run (exit $rc)" 1
}

build() { "$TOP/scripts/build.sh" "$1"; }

main() {
	result "series applies to the pristine base" "$(check_series_applied >&2; echo $?)"
	timed checkpatch check_checkpatch; result "checkpatch --strict: no errors" $?

	if timed "build default" build default; then
		result "build: default" 0
		check_exit_status; result "harness: exit status returned" $?
		check_splat_detected; result "harness: splat fails the run" $?
		check_hang_detected; result "harness: hung guest times out" $?
		check_host_tmp_path; result "harness: a directory under the host's /tmp, with a space, runs in the guest" $?
		check_unknown_variant; result "harness: an unknown variant is refused before building" $?
		check_export_ignores_git_config; result "harness: make export ignores the user's git configuration" $?
		timed "kbuild M= w/o vmlinux" check_extmod_without_vmlinux
		result "kbuild: make M= without vmlinux builds, skips BTF" $?
		timed "kbuild M= w/o pahole" check_extmod_without_pahole
		result "kbuild: make M= without pahole builds, skips BTF" $?
		timed "kbuild new vmlinux" check_btf_only_regenerated
		result "kbuild: a new vmlinux regenerates module BTF without relinking" $?
		timed "tests default" suite default
	else
		result "build: default" 1
	fi

	if timed "build debug" build debug; then
		result "build: debug" 0
		timed "tests debug" suite debug
		debug_boot first-loads
		result "debug: the first module loads after boot race to parse vmlinux BTF" $?
		timed "fail each allocation" debug_boot fail-alloc -F
		result "debug: each allocation of a module load failed in turn (failslab, fail_page_alloc)" $?
	else
		result "build: debug" 1
	fi

	if timed "build stock" build stock; then
		result "build: stock (unpatched base)" 0
		timed "negative control" "$TOP/scripts/negative-control.sh"
		result "negative control: module BTF tests fail on stock 5.10" $?
		timed "in-tree bpftool" check_intree_bpftool
		result "in-tree bpftool: btf show on patched and stock kernels" $?
		timed "show const void" check_show_void
		result "bpf_snprintf_btf of const void: works here, oopses stock 5.10" $?
	else
		result "build: stock (unpatched base)" 1
	fi

	echo "stage times (this machine, $(nproc) CPUs):"
	printf '%s' "$TIMES"
	echo "$PASS passed, $FAIL failed"
	[ "$FAIL" = 0 ]
}

main "$@"
