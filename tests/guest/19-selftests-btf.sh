# 5.10's own BTF selftests: `test_progs -t btf`, built from the patched
# tree by scripts/selftests.sh (prog_tests/*btf*.c; btf.c is the old
# test_btf). Every test must pass, and each with all its subtests. That
# test_progs has the series' struct bpf_btf_info: on stock 5.10, whose
# kernel returns the old, smaller info_len, "Large bpf_btf_info" fails.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/selftests-lib.sh"

# snprintf_btf makes traffic for its program with ping
command -v ping >/dev/null || fail "no ping on the host (iputils-ping): snprintf_btf needs it"

# Subtests of each test (the others have none)
SUBTESTS="btf=184 btf_dump=8 btf_map_in_map=2 btf_skc_cls_ingress=2 ksyms_btf=2"
out=$SCRATCH/test_progs.out
# pahole 1.18 to 1.21 (Debian 11 has 1.20) encode no variables: kbuild
# passes --skip_encoding_btf_vars (scripts/pahole-flags.sh). Without a
# VAR in vmlinux BTF, ksyms_btf can only skip: it is left out, by name.
list=$SELFTESTS/tests.txt
if ! bpftool btf dump file /sys/kernel/btf/vmlinux | grep -qm1 "^\[[0-9]*\] VAR "; then
	echo "vmlinux BTF has no variables (pahole older than 1.22): not running ksyms_btf"
	grep -vx ksyms_btf "$SELFTESTS/tests.txt" >"$SCRATCH/tests.txt" || true
	list=$SCRATCH/tests.txt
	test_progs_run "$out" -t btf -b ksyms_btf
else
	test_progs_run "$out" -t btf
fi
# shellcheck disable=SC2086 # one word a test
expect_test_progs_passed "$out" "$list" $SUBTESTS
