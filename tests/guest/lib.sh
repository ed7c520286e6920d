# shellcheck shell=bash
# Helpers for guest tests. Source it: . "$(dirname "$0")/lib.sh"
#
# Sourcing installs an EXIT trap that runs what at_exit registered (last
# first) and unloads the modules that load_ko/load_mod loaded, so that a
# failing test does not leave a module behind for the next one.
#
# Starting a process costs up to a second in a TCG guest with KASAN:
# helpers use bash builtins where they can.

fail() { echo "FAIL: $*" >&2; exit 1; }

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
	[ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"
}

# expect_match WHAT EXTENDED_REGEX ACTUAL: ACTUAL matches all of the regex.
expect_match() {
	[[ $3 =~ ^($2)$ ]] || fail "$1: expected /$2/, got '$3'"
}

# is_loaded MODULE
is_loaded() {
	local name rest
	while read -r name rest; do
		[ "$name" != "$1" ] || return 0
	done </proc/modules
	return 1
}

# unload MODULE: rmmod it if loaded.
unload() { if is_loaded "$1"; then rmmod "$1"; fi; }

# config_on CONFIG_X: is the option set (y or m) in the kernel under test?
config_on() {
	grep -Eq "^$1=(y|m)$" "$MODBTF_ART/config"
}

# btf_policy: what the kernel does with module BTF that fails to
# validate: refuse (the module) or drop (the BTF, with
# CONFIG_MODULE_ALLOW_BTF_MISMATCH).
btf_policy() {
	if config_on CONFIG_MODULE_ALLOW_BTF_MISMATCH; then echo drop; else echo refuse; fi
}

# art FILE: the path of a host-built artifact in $MODBTF_ART, or fail.
art() {
	[ -e "$MODBTF_ART/$1" ] ||
		fail "no $MODBTF_ART/$1: scripts/prepare-tests.sh did not build it (no module BTF in this kernel build?)"
	echo "$MODBTF_ART/$1"
}

_at_exit=()
# at_exit CMD...: run CMD when the test exits (eval'd; last registered first).
at_exit() { _at_exit+=("$*"); }

# A scratch directory of the test's own: the guest's /tmp shows the
# host's, whose files must neither be overwritten nor read by mistake.
SCRATCH=$(mktemp -d /tmp/modbtf-test.XXXXXX)

_loaded=()
_lib_exit() {
	local rc=$? i m
	for ((i = ${#_at_exit[@]} - 1; i >= 0; i--)); do
		eval "${_at_exit[i]}" || true
	done
	for m in "${_loaded[@]}"; do
		unload "$m" 2>/dev/null || true
	done
	rm -rf "$SCRATCH"
	exit "$rc"
}
trap _lib_exit EXIT

# load_ko MODULE [KO]: insmod KO (default: the test build of MODULE).
load_ko() {
	_loaded+=("$1")
	insmod "${2:-$(art "$1.ko")}" || fail "insmod ${2:-$1.ko} failed"
	is_loaded "$1" || fail "$1 is not loaded after insmod"
}

# load_mod MODULE: modprobe an in-tree module.
load_mod() {
	_loaded+=("$1")
	modprobe "$1" || fail "modprobe $1 failed"
	is_loaded "$1" || fail "$1 is not loaded after modprobe"
}

# rm_mod MODULE: rmmod, which must succeed.
rm_mod() {
	rmmod "$1" || fail "rmmod $1 failed"
	! is_loaded "$1" || fail "$1 is still loaded after rmmod"
}

# ko_of MODULE: the .ko modprobe loads for an in-tree MODULE.
ko_of() { modinfo -n "$1"; }

# expect_btf_file MODULE EXPECTED: /sys/kernel/btf/MODULE is a 0444 file
# whose size and bytes are those of the artifact EXPECTED (the .ko's .BTF
# section, extracted on the host).
expect_btf_file() {
	local f=/sys/kernel/btf/$1 want mode size want_size
	[ -f "$f" ] || fail "$f does not exist"
	want=$(art "$2")
	{ read -r mode size && read -r _ want_size; } <<<"$(stat -c '%a %s' "$f" "$want")"
	expect_eq "mode of $f" 444 "$mode"
	expect_eq "size of $f" "$want_size" "$size"
	cmp "$f" "$want" || fail "$f differs from the .BTF section of the .ko ($2)"
}

# expect_no_btf_file MODULE
expect_no_btf_file() {
	[ ! -e "/sys/kernel/btf/$1" ] || fail "/sys/kernel/btf/$1 exists"
}

# klog_mark: write a unique line to the kernel log and print it, for
# klog_since.
klog_mark() {
	local m="modbtf-mark-$$-$SECONDS-$RANDOM"
	echo "$m" >/dev/kmsg
	echo "$m"
}

# klog_since MARK: the kernel log lines after MARK, without timestamps,
# into the array KLOG.
klog_since() {
	local line seen=0 log
	log=$(dmesg -t) || fail "dmesg failed"
	KLOG=()
	while IFS= read -r line; do
		[ "$seen" = 0 ] || KLOG+=("$line")
		[ "$line" != "$1" ] || seen=1
	done <<<"$log"
	[ "$seen" = 1 ] || fail "mark $1 not in the kernel log"
}

# count_lines TEXT LINE...: how many LINEs are exactly TEXT.
count_lines() {
	local want=$1 line n=0
	shift
	for line in "$@"; do
		[ "$line" != "$want" ] || n=$((n + 1))
	done
	echo "$n"
}

# fact FILE KEY: the value of KEY in FILE of key=value lines, which must
# have KEY once. Pure bash, like expect_facts: processes are slow in a
# TCG guest.
fact() {
	local line value n=0
	while IFS= read -r line; do
		if [[ $line == "$2="* ]]; then
			value=${line#"$2="}
			n=$((n + 1))
		fi
	done <"$1"
	[ "$n" = 1 ] || fail "$n facts '$2' in $1, expected one"
	echo "$value"
}

# expect_facts FILE KEY=VALUE...: each KEY in FILE has VALUE.
expect_facts() {
	local file=$1 line kv key
	local -A facts=()
	while IFS= read -r line; do
		key=${line%%=*}
		[ -z "${facts[$key]+set}" ] || fail "fact '$key' twice in $file"
		facts[$key]=${line#*=}
	done <"$file"
	shift
	for kv in "$@"; do
		key=${kv%%=*}
		[ -n "${facts[$key]+set}" ] || fail "no fact '$key' in $file"
		expect_eq "$key" "${kv#*=}" "${facts[$key]}"
	done
}

# btf_scan: walk the BTF IDs (BPF_BTF_GET_NEXT_ID) in one process: sets
# BTF_COUNT, how many there are, and BTF_ID[NAME] and BTF_INFO[NAME]
# ("KERNEL_BTF SIZE") for each named one.
declare -A BTF_ID BTF_INFO
btf_scan() {
	local list id name rest
	art btf_syscall >/dev/null
	list=$("$MODBTF_ART/btf_syscall" list) || fail "btf_syscall list failed"
	BTF_COUNT=0
	BTF_ID=()
	BTF_INFO=()
	while IFS=$'\t' read -r id name rest; do
		[ -n "$id" ] || continue
		BTF_COUNT=$((BTF_COUNT + 1))
		BTF_ID[$name]=$id
		BTF_INFO[$name]=${rest//$'\t'/ }
	done <<<"$list"
}

# expect_btf_ids WHAT COUNT [+NAME|-NAME]...: there are COUNT BTF IDs,
# among them one named NAME (+NAME), none named NAME (-NAME).
expect_btf_ids() {
	local what=$1 arg
	btf_scan
	expect_eq "$what: BTF IDs" "$2" "$BTF_COUNT"
	shift 2
	for arg in "$@"; do
		case $arg in
		+*) [ -n "${BTF_ID[${arg#+}]-}" ] || fail "$what: no BTF named ${arg#+}" ;;
		-*) [ -z "${BTF_ID[${arg#-}]-}" ] || fail "$what: a BTF is named ${arg#-}" ;;
		esac
	done
}

# has_line FILE LINE: does FILE have a line that is exactly LINE?
has_line() {
	local l
	[ -f "$1" ] || return 1
	while IFS= read -r l; do
		[ "$l" != "$2" ] || return 0
	done <"$1"
	return 1
}

declare -A HOLD_PID HOLD_FD
# hold_start NAME WORD CMD...: run CMD in the background with its stdin
# on a FIFO that this shell holds open (hold_stop closes it), its stdout
# in $SCRATCH/NAME.out and its stderr in $SCRATCH/NAME.err. Returns 0
# once CMD has printed the line WORD; 1 if it exits without, or has not
# within 60 s.
hold_start() {
	local name=$1 word=$2 fifo=$SCRATCH/$1.fifo fd f i
	shift 2
	rm -f "$fifo" "$SCRATCH/$name.out" "$SCRATCH/$name.err"
	mkfifo "$fifo"
	(
		# not the other holders' FIFOs: they would never see EOF
		for f in "${HOLD_FD[@]}"; do
			exec {f}>&-
		done
		exec "$@"
	) <"$fifo" >"$SCRATCH/$name.out" 2>"$SCRATCH/$name.err" &
	HOLD_PID[$name]=$!
	exec {fd}>"$fifo"
	HOLD_FD[$name]=$fd
	at_exit "hold_stop $name"
	for ((i = 0; i < 600; i++)); do
		has_line "$SCRATCH/$name.out" "$word" && return 0
		kill -0 "${HOLD_PID[$name]}" 2>/dev/null || break
		sleep 0.1
	done
	has_line "$SCRATCH/$name.out" "$word"
}

# hold_stop NAME: close the stdin of what hold_start NAME started, and
# wait for it: its exit status.
hold_stop() {
	local fd=${HOLD_FD[$1]-}
	[ -n "$fd" ] || return 0
	exec {fd}>&-
	unset "HOLD_FD[$1]"
	wait "${HOLD_PID[$1]}"
}

# show_file FILE [PREFIX]: FILE's lines, indented, for a failure's context.
show_file() {
	local l
	[ -f "$1" ] || return 0
	while IFS= read -r l; do
		echo "    ${2-}$l"
	done <"$1"
}

# expect_no_splat: no kernel warning, bug or oops in KLOG (klog_since).
expect_no_splat() {
	local line
	for line in "${KLOG[@]}"; do
		[[ ! $line =~ BUG:|WARNING:|Call\ Trace|Oops|general\ protection ]] ||
			fail "kernel log: $line"
	done
}

# kmemleak_clear: with kmemleak (the debug variant), forget what it found
# so far, so that expect_no_leaks reports only what the test leaks.
kmemleak_clear() {
	config_on CONFIG_DEBUG_KMEMLEAK || return 0
	echo clear >/sys/kernel/debug/kmemleak
}

# expect_no_leaks: with kmemleak, no unreferenced object since
# kmemleak_clear.
expect_no_leaks() {
	local f=/sys/kernel/debug/kmemleak leaks
	config_on CONFIG_DEBUG_KMEMLEAK || return 0
	sleep 6		# kmemleak reports objects older than 5 s only
	echo scan >"$f"
	sleep 5
	echo scan >"$f"
	leaks=$(cat "$f")
	[ -z "$leaks" ] || { printf '%s\n' "$leaks" | head -n 60; fail "kmemleak reports leaks"; }
	echo "kmemleak: nothing leaked"
}
