# The kernel under test booted, with the expected file systems mounted.
. "$(dirname "$0")/lib.sh"
expect_eq "kernel release" "$(cat "$MODBTF_ART/release")" "$(uname -r)"
mountpoint -q /sys/fs/bpf || fail "bpffs is not mounted"
mountpoint -q /sys/kernel/debug || fail "debugfs is not mounted"
[ -d "/lib/modules/$(uname -r)" ] || fail "no modules for $(uname -r)"
