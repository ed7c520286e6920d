# A module's per-CPU variable as a typed __ksym extern (btf_attach_pcpu
# of the btf_attach test module, 111 on every CPU): libbpf 1.1 finds the
# VAR in the module's BTF and passes the module's BTF FD in the ld_imm64;
# bpf_this_cpu_ptr() and bpf_per_cpu_ptr() read the value the module set.
# The program holds the module until it is freed: rmmod fails meanwhile.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/attach-lib.sh"
A=btf_attach
PCPU=111
trig_a=/sys/kernel/debug/$A/trigger
mark=$(klog_mark)

btf_scan
base_ids=$BTF_COUNT
load_ko $A
expect_module_works $A
grep -qw btf_attach_pcpu /proc/kallsyms || fail "no btf_attach_pcpu in /proc/kallsyms"

echo "== libbpf: extern int btf_attach_pcpu __ksym, read from fentry"
"$LOADER" -v -p ksym "$trig_a" 5 >"$SCRATCH/ksym.out" 2>"$SCRATCH/ksym.err" || {
	grep -v '^libbpf: \(elf\|sec\|map\|CO-RE\)' "$SCRATCH/ksym.err" | tail -n 30
	fail "attach_loader could not load a program with the module's per-CPU variable as a ksym"
}
# libbpf's line for it (the value read below can come from the module only)
grep -F "extern (var ksym) 'btf_attach_pcpu'" "$SCRATCH/ksym.err" | head -n 2
show_file "$SCRATCH/ksym.out"
expect_facts "$SCRATCH/ksym.out" ksym_hits=1 ksym_this_cpu=$PCPU ksym_cpu0=$PCPU

echo "== rmmod while the program holds the module"
loader_hold hold -p ksym "$trig_a"
expect_busy $A
hold_stop hold || fail "attach_loader -H failed: $(<"$SCRATCH/hold.err")"
expect_facts "$SCRATCH/hold.out" ksym_this_cpu=$PCPU
unload_when_free $A "$base_ids"
klog_since "$mark"
expect_no_splat
