# shellcheck shell=bash
# Helpers for guest tests. Source it: . "$(dirname "$0")/lib.sh"

fail() { echo "FAIL: $*" >&2; exit 1; }

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
	[ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"
}

# is_loaded MODULE
is_loaded() { grep -q "^$1 " /proc/modules; }

# unload MODULE: rmmod it if loaded.
unload() { if is_loaded "$1"; then rmmod "$1"; fi; }
