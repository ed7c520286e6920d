# A tp_btf program on a module's tracepoint (btf_attach_a_event of the
# btf_attach test module), loaded and attached by Debian's libbpf 1.1:
# libbpf finds btf_trace_btf_attach_a_event in the module's BTF and
# passes the module's BTF object as attach_btf_obj_fd; the program reads
# the tracepoint's arguments. A raw_tp program on the same tracepoint
# (found by name, as 5.10 always did) still works. While attached, the
# module cannot be unloaded.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/attach-lib.sh"
A=btf_attach
trig_a=/sys/kernel/debug/$A/trigger
mark=$(klog_mark)

load_ko $A
expect_module_works $A
# The tracepoint's BTF type is the module's only
! grep -q btf_trace_btf_attach_a_event /sys/kernel/btf/vmlinux ||
	fail "vmlinux BTF names btf_trace_btf_attach_a_event"

for kind in tp_btf raw_tp; do
	echo "== libbpf: $kind/btf_attach_a_event"
	"$LOADER" -v -p $kind "$trig_a" 5 9 >"$SCRATCH/$kind.out" 2>"$SCRATCH/$kind.err" || {
		grep -v '^libbpf: \(elf\|sec\|map\|CO-RE\)' "$SCRATCH/$kind.err" | tail -n 30
		fail "attach_loader could not load and attach $kind/btf_attach_a_event"
	}
	show_file "$SCRATCH/$kind.out"
	expect_facts "$SCRATCH/$kind.out" "${kind}_hits=2" "${kind}_tag=${TAG[$A]}" "${kind}_x=9"
done

echo "== rmmod while the tp_btf program is attached"
loader_hold hold -p tp_btf "$trig_a"
refcnt=$(</sys/module/$A/refcnt)
[ "$refcnt" -ge 1 ] || fail "refcnt of $A is $refcnt while a tp_btf program is attached"
! rmmod $A 2>"$SCRATCH/rmmod.err" || fail "rmmod $A succeeded while a tp_btf program is attached"
echo "refcnt $refcnt, rmmod refused: $(<"$SCRATCH/rmmod.err")"
expect_trigger $A 3 $((TAG[$A] + 3))
hold_stop hold || fail "attach_loader -H failed: $(<"$SCRATCH/hold.err")"
expect_facts "$SCRATCH/hold.out" tp_btf_hits=1 tp_btf_x=3
rm_mod $A
klog_since "$mark"
expect_no_splat
