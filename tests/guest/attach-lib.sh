# shellcheck shell=bash
# For the attach tests (22-26): what they know about the btf_attach test
# modules (tests/modules/btf_attach) and the programs that attach to
# them (tests/progs/attach*), and how they drive them. Source it after
# lib.sh.

# shellcheck disable=SC2034 # for the tests that source this
# struct btf_attach_arg: the tag of each module and its offset there
declare -A TAG=([btf_attach]=$((0x0a11)) [btf_attach_b]=$((0x0b22)))
declare -A TAG_OFF=([btf_attach]=0 [btf_attach_b]=56)
# tests/progs/attach.h: the fmod_ret program returns FMOD_RET_VALUE for
# x = FMOD_RET_X
# shellcheck disable=SC2034
FMOD_RET_X=77
# shellcheck disable=SC2034
FMOD_RET_VALUE=4242

LOADER=$(art attach_loader)
TOOL=$(art attach_btf)

# trigger MOD X: MOD's btf_attach_hit(&obj, X) through debugfs; what it
# returned into RESULT.
trigger() {
	local d=/sys/kernel/debug/$1
	echo "$2" >"$d/trigger" || fail "write $2 to $d/trigger failed"
	read -r RESULT <"$d/result" || fail "read $d/result failed"
}

# expect_trigger MOD X WANT: btf_attach_hit(&obj, X) of MOD returns WANT.
expect_trigger() {
	trigger "$1" "$2"
	expect_eq "$1: btf_attach_hit(x=$2)" "$3" "$RESULT"
}

# expect_module_works MOD: its debugfs files, its tracepoint, and
# btf_attach_hit() returning the tag + x, with no program attached.
expect_module_works() {
	[ -d "/sys/kernel/tracing/events/$1" ] || fail "no tracepoints of $1 in tracefs"
	expect_trigger "$1" 5 $((TAG[$1] + 5))
}

# log_has FILE TEXT: has FILE a line that contains TEXT?
log_has() {
	local l
	while IFS= read -r l; do
		[[ $l != *"$2"* ]] || return 0
	done <"$1"
	return 1
}

# tool_load NAME ARG...: attach_btf ARG... load; its facts into
# $SCRATCH/NAME.out, its log into $SCRATCH/NAME.err, the errno of
# BPF_PROG_LOAD into ERRNO.
tool_load() {
	local name=$1
	shift
	"$TOOL" "$@" load >"$SCRATCH/$name.out" 2>"$SCRATCH/$name.err" || {
		show_file "$SCRATCH/$name.err"
		fail "attach_btf $* load: the tool failed"
	}
	ERRNO=$(fact "$SCRATCH/$name.out" errno)
}

# expect_load WHAT ERRNO TEXT ARG...: attach_btf ARG... load gives ERRNO
# (0: the program loads) and, unless TEXT is empty, a log line with TEXT.
expect_load() {
	local what=$1 want=$2 text=$3
	shift 3
	tool_load load "$@"
	if [ "$ERRNO" = "$want" ] && { [ -z "$text" ] || log_has "$SCRATCH/load.err" "$text"; }; then
		echo "$what: errno=$ERRNO${text:+, the log says '$text'}"
		return 0
	fi
	echo "attach_btf $* load: errno=$ERRNO, log:"
	show_file "$SCRATCH/load.err" "| "
	expect_eq "$what: errno" "$want" "$ERRNO"
	fail "$what: no line of the log says '$text'"
}

# tool_attach NAME ARG...: attach_btf ARG... attach, which stays attached
# until tool_release NAME.
tool_attach() {
	local name=$1
	shift
	hold_start "$name" attached "$TOOL" "$@" attach && return 0
	echo "attach_btf $* attach:"
	show_file "$SCRATCH/$name.out"
	show_file "$SCRATCH/$name.err" "| "
	fail "attach_btf $* did not attach"
}

# tool_release NAME: detach what tool_attach NAME attached; its facts
# (hits=, tag=) are in $SCRATCH/NAME.out.
tool_release() {
	hold_stop "$1" || { show_file "$SCRATCH/$1.err"; fail "attach_btf ($1) failed"; }
	show_file "$SCRATCH/$1.out"
}

# loader_hold NAME ARG...: attach_loader -H ARG..., attached until
# hold_stop NAME; its facts then in $SCRATCH/NAME.out.
loader_hold() {
	local name=$1
	shift
	hold_start "$name" attached "$LOADER" -H "$@" && return 0
	show_file "$SCRATCH/$name.out"
	show_file "$SCRATCH/$name.err" "| "
	fail "attach_loader -H $* did not attach (libbpf: fentry/fexit/fmod_ret on a module function)"
}

# expect_busy MOD: rmmod MOD fails while a program holds it ("in use"),
# and MOD keeps working.
expect_busy() {
	local n
	read -r n </sys/module/$1/refcnt
	[ "$n" -gt 0 ] || fail "$1's refcnt is $n while a program holds it"
	! rmmod "$1" 2>"$SCRATCH/rmmod.err" || fail "rmmod $1 succeeded while a program holds it"
	[[ $(<"$SCRATCH/rmmod.err") == *"in use"* ]] ||
		fail "rmmod: expected 'in use', got: $(<"$SCRATCH/rmmod.err")"
	is_loaded "$1" || fail "$1 is gone after a failed rmmod"
	expect_trigger "$1" 4 $((TAG[$1] + 4))
	echo "refcnt $n, rmmod refused"
}

# unload_when_free MOD BASE_IDS: once MOD's refcount is 0 (programs are
# freed after an RCU grace period and a workqueue), rmmod MOD; its BTF is
# gone, and the BTF IDs are BASE_IDS again.
unload_when_free() {
	local i n
	for ((i = 0; i < 300; i++)); do
		read -r n </sys/module/$1/refcnt
		[ "$n" != 0 ] || break
		sleep 0.1
	done
	expect_eq "$1's refcnt after the program is gone" 0 "$n"
	rm_mod "$1"
	expect_no_btf_file "$1"
	expect_btf_ids "after rmmod $1" "$2" "-$1"
}
