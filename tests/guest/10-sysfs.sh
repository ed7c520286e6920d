# Each module with BTF has /sys/kernel/btf/<module> while it is loaded:
# 0444, byte for byte the .BTF section of the .ko; gone after rmmod. For
# the external test module and for an in-tree module (veth).
. "$(dirname "$0")/lib.sh"
expect_no_btf_file btf_test
load_ko btf_test
expect_btf_file btf_test btf_test.btf
load_mod veth
expect_btf_file veth veth.btf
# modprobe loaded the very .ko whose .BTF the host extracted
size=$(objdump -h "$(ko_of veth)" | awk '$2 == ".BTF" { print $3 }')
expect_eq "size of veth.ko's .BTF" "$(stat -c %s "$(art veth.btf)")" "$((16#${size:-0}))"
# each module has its own file: loading veth did not touch btf_test's
expect_btf_file btf_test btf_test.btf

rm_mod btf_test
expect_no_btf_file btf_test
expect_btf_file veth veth.btf
rm_mod veth
expect_no_btf_file veth
expect_eq "files in /sys/kernel/btf" vmlinux "$(ls /sys/kernel/btf)"
