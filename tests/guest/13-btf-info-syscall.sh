# The bpf() syscall on kernel BTF: BPF_BTF_GET_NEXT_ID finds vmlinux and
# the module; BPF_OBJ_GET_INFO_BY_FD reports name, name_len, kernel_btf
# with upstream's rules (both or neither of name/name_len, full length
# always, truncation with -ENOSPC); after rmmod the ID is gone at once
# while a held fd still reads the BTF. Kernel BTF is refused as the BTF
# of a map or a program.
. "$(dirname "$0")/lib.sh"
tool=$(art btf_syscall)
load_ko btf_test

"$tool" facts btf_test >$SCRATCH/facts.txt
cat $SCRATCH/facts.txt
expect_facts $SCRATCH/facts.txt first_next_id.ret=0 \
	vmlinux.found=1 vmlinux.info_ret=0 vmlinux.name=vmlinux vmlinux.name_len=7 \
	vmlinux.kernel_btf=1 vmlinux.id_nonzero=1 \
	"vmlinux.btf_size=$(stat -c %s /sys/kernel/btf/vmlinux)" \
	mod.found=1 mod.info_ret=0 mod.name=btf_test mod.name_len=8 mod.kernel_btf=1 \
	mod.id_nonzero=1
btf=$(art btf_test.btf)
expect_facts $SCRATCH/facts.txt "mod.btf_size=$(stat -c %s "$btf")"
# name and name_len: both or neither
expect_facts $SCRATCH/facts.txt name_without_len.ret=-22 len_without_name.ret=-22
# a short buffer: as much as fits, NUL-terminated, nothing written past
# it, full length reported, the rest of the info copied out, -ENOSPC
for n in 1 4 8 9; do
	expect_facts $SCRATCH/facts.txt "short$n.name_len=8" "short$n.kernel_btf=1" \
		"short$n.id_matches=1" "short$n.untouched_after=1"
done
expect_facts $SCRATCH/facts.txt short1.ret=-28 short1.name= short1.nul_at=0 \
	short4.ret=-28 short4.name=btf short4.nul_at=3 \
	short8.ret=-28 short8.name=btf_tes short8.nul_at=7 \
	short9.ret=0 short9.name=btf_test short9.nul_at=8
# BTF loaded by user space: no name, not kernel BTF
expect_facts $SCRATCH/facts.txt user.load_ok=1 user.info_ret=0 user.name= \
	user.name_len=0 user.kernel_btf=0
# Kernel BTF is no map or program BTF: -EACCES before anything else is
# looked at. User BTF gets past that check: its map is created, and its
# program fails on the func_info naming an INT (-EINVAL).
expect_facts $SCRATCH/facts.txt vmlinux.map_create.ret=-13 vmlinux.prog_load.ret=-13 \
	mod.map_create.ret=-13 mod.prog_load.ret=-13 \
	user.map_create.ret=0 user.prog_load.ret=-22

# Hold an fd on the module's BTF across rmmod.
"$tool" hold btf_test $SCRATCH/held.btf -- rmmod btf_test >$SCRATCH/hold.txt
cat $SCRATCH/hold.txt
! is_loaded btf_test || fail "rmmod under hold did not unload btf_test"
expect_facts $SCRATCH/hold.txt held.found=1 cmd.status=0 \
	gone.next_id_finds_it=0 gone.fd_by_id.ret=-2 \
	gone.info_ret=0 gone.name=btf_test gone.kernel_btf=1 \
	"gone.btf_size=$(stat -c %s "$btf")" gone.dump_ret=0
cmp $SCRATCH/held.btf "$btf" || fail "the held fd reads other bytes than the module's .BTF"
