# bpftool 7.1 `btf show`, plain and JSON, lists vmlinux and a loaded
# module as kernel BTF, with their names, IDs and sizes; the module is
# gone from both after rmmod.
. "$(dirname "$0")/lib.sh"
vmlinux_size=$(stat -c %s /sys/kernel/btf/vmlinux)

# show_json: "ID NAME KERNEL SIZE" per BTF object, from bpftool's JSON.
show_json() {
	bpftool btf show --json | python3 -c '
import json, sys
for o in json.load(sys.stdin):
    print(o["id"], o.get("name", "<none>"), str(o.get("kernel")).lower(), o["size"])'
}

load_ko btf_test
bpftool btf show >$SCRATCH/show.txt
cat $SCRATCH/show.txt
vm_line=$(grep '\[vmlinux\]' $SCRATCH/show.txt) || fail "no [vmlinux] in bpftool btf show"
mod_line=$(grep '\[btf_test\]' $SCRATCH/show.txt) || fail "no [btf_test] in bpftool btf show"
mod_size=$(stat -c %s "$(art btf_test.btf)")
expect_match "vmlinux line" "[0-9]+: name \[vmlinux\]  size ${vmlinux_size}B" "$vm_line"
expect_match "btf_test line" "[0-9]+: name \[btf_test\]  size ${mod_size}B" "$mod_line"
vm_id=${vm_line%%:*} mod_id=${mod_line%%:*}

show_json >$SCRATCH/show-json.txt
cat $SCRATCH/show-json.txt
expect_eq "JSON for vmlinux" "$vm_id vmlinux true $vmlinux_size" \
	"$(grep ' vmlinux ' $SCRATCH/show-json.txt)"
expect_eq "JSON for btf_test" "$mod_id btf_test true $mod_size" \
	"$(grep ' btf_test ' $SCRATCH/show-json.txt)"

rm_mod btf_test
! bpftool btf show | grep -q 'btf_test' || fail "bpftool btf show lists btf_test after rmmod"
! show_json | grep -q ' btf_test ' || fail "bpftool JSON lists btf_test after rmmod"
show_json | grep -qx "$vm_id vmlinux true $vmlinux_size" || fail "vmlinux BTF changed after rmmod"
