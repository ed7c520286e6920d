# Module BTF is published (ID, /sys/kernel/btf/<module>) only once the
# module's init has succeeded: not while init runs, never for a module
# whose init fails, which leaves no ID and no file behind. btf_initgate's
# init waits until we write its parameter "go".
. "$(dirname "$0")/lib.sh"
ko=$(art btf_initgate.ko)
go=/sys/module/btf_initgate/parameters/go
btf_scan
base_ids=$BTF_COUNT
at_exit "[ ! -e $go ] || echo 1 >$go; wait"

# check_hidden_during_init: once btf_initgate waits in its init (its
# parameters are in sysfs after its BTF was verified, at COMING), its
# BTF must be nowhere; then let init go on.
check_hidden_during_init() {
	local i=0
	while [ ! -e "$go" ] && [ $((i += 1)) -le 300 ]; do
		sleep 0.1
	done
	[ -e "$go" ] || fail "btf_initgate never reached its init"
	expect_eq "state of btf_initgate" Loading "$(awk '$1 == "btf_initgate" { print $5 }' /proc/modules)"
	expect_no_btf_file btf_initgate
	expect_btf_ids "during init" "$base_ids" -btf_initgate
	echo 1 >"$go"
}

echo "== init fails with -ENODEV"
insmod "$ko" init_errno=19 2>$SCRATCH/insmod.err &
pid=$!
check_hidden_during_init
! wait "$pid" || { _loaded+=(btf_initgate); fail "insmod succeeded, init should fail"; }
[[ $(<$SCRATCH/insmod.err) == *"No such device"* ]] || fail "insmod: expected ENODEV, got: $(<$SCRATCH/insmod.err)"
! is_loaded btf_initgate || fail "btf_initgate is loaded after its init failed"
expect_no_btf_file btf_initgate
expect_btf_ids "after the failed load" "$base_ids" -btf_initgate

echo "== init succeeds"
_loaded+=(btf_initgate)
insmod "$ko" &
pid=$!
check_hidden_during_init
wait "$pid" || fail "insmod btf_initgate failed"
expect_btf_file btf_initgate btf_initgate.btf
expect_btf_ids "btf_initgate loaded" $((base_ids + 1)) +btf_initgate
rm_mod btf_initgate
expect_no_btf_file btf_initgate
expect_btf_ids "after rmmod" "$base_ids" -btf_initgate
