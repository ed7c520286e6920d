# An in-tree module and the external test module load and unload.
. "$(dirname "$0")/lib.sh"
for m in veth dummy; do
	modprobe "$m"
	is_loaded "$m" || fail "$m did not load"
	rmmod "$m"
	! is_loaded "$m" || fail "$m did not unload"
done
insmod "$MODBTF_ART/btf_test.ko"
is_loaded btf_test || fail "btf_test did not load"
rmmod btf_test
! is_loaded btf_test || fail "btf_test did not unload"
