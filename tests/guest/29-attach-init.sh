# A module whose init has not finished cannot be the target of a
# program: its BTF has been verified (COMING) but has no ID yet, so
# there is no BTF FD to name it in attach_btf_obj_fd, and vmlinux BTF
# does not have its functions. btf_initgate's init waits in
# btf_initgate_wait() until we write its parameter "go". Once the module
# is LIVE, the same request attaches and holds the module. (A BTF FD
# kept from before the module went away is test 23's.)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/attach-lib.sh"
M=btf_initgate
F=btf_initgate_wait
go=/sys/module/$M/parameters/go
btf_scan
base_ids=$BTF_COUNT
at_exit "[ ! -e $go ] || echo 1 >$go; wait"

# expect_no_target WHAT ARG... TEXT: attach_btf ARG... info gives up with
# an error that says TEXT.
expect_no_target() {
	local what=$1 text=${*: -1}
	set -- "${@:2:$#-2}"
	if "$TOOL" "$@" info >"$SCRATCH/info.out" 2>"$SCRATCH/info.err"; then
		show_file "$SCRATCH/info.out"
		fail "$what: attach_btf $* found the target while $M is in its init"
	fi
	log_has "$SCRATCH/info.err" "$text" || {
		show_file "$SCRATCH/info.err" "| "
		fail "$what: expected '$text'"
	}
	echo "$what: $(<"$SCRATCH/info.err")"
}

echo "== $M waits in its init"
_loaded+=("$M")
insmod "$(art $M.ko)" &
pid=$!
for ((i = 0; i < 300; i++)); do
	[ ! -e "$go" ] || break
	sleep 0.1
done
[ -e "$go" ] || fail "$M never reached its init"
expect_eq "state of $M" Loading "$(awk -v m=$M '$1 == m { print $5 }' /proc/modules)"
expect_no_target "by its BTF" --btf $M --func $F "no kernel BTF named $M"
expect_no_target "in vmlinux BTF" --btf vmlinux --func $F "no FUNC $F in the BTF of vmlinux"
expect_btf_ids "during init" "$base_ids" -$M
echo 1 >"$go"
wait "$pid" || fail "insmod $M failed"

echo "== $M is live: fentry on $F attaches"
tool_attach hold --btf $M --func $F --kind fentry
read -r n </sys/module/$M/refcnt
[ "$n" -gt 0 ] || fail "$M's refcnt is $n while a program is attached"
! rmmod $M 2>/dev/null || fail "rmmod $M succeeded while a program is attached"
tool_release hold
expect_facts "$SCRATCH/hold.out" errno=0 attach_errno=0 hits=0
unload_when_free $M "$base_ids"
