# Attach, trigger, detach, rmmod and insmod in a loop
# (MODBTF_ATTACH_CYCLES, default 30: make check's slice; a cycle takes
# about 7 s in the debug variant), fentry, fexit and fmod_ret in turn,
# then as many rmmod/insmod racing with program loads against the
# module's BTF. Every attached
# program sees its call; rmmod fails while a program is attached and
# succeeds after; a load that races with rmmod either loads or fails
# with ENOENT ("not live"), EINVAL or because the module's BTF was not
# found. Afterwards the BTF IDs and the module's presence are back at the
# baseline and, with kmemleak (the debug variant), nothing leaked. Splats
# fail the run in vm.sh.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/attach-lib.sh"
A=btf_attach
cycles=${MODBTF_ATTACH_CYCLES:-30}
kinds=(fentry fexit fmod_ret)
ko=$(art $A.ko)

btf_scan
base_ids=$BTF_COUNT
load_ko $A
"$TOOL" --btf $A --func btf_attach_hit info >"$SCRATCH/info.out" ||
	fail "attach_btf info failed"
# The module's BTF is the same at each load: so is the function's ID
type_id=$(fact "$SCRATCH/info.out" type_id)
rm_mod $A
kmemleak_clear

# One cycle: insmod, attach KIND, one call seen, rmmod refused, detach,
# rmmod.
cycle() {
	local kind=$1 n
	insmod "$ko" || fail "insmod $A failed"
	tool_attach hold --btf $A --type-id "$type_id" --kind "$kind"
	trigger $A 1
	! rmmod $A 2>/dev/null || fail "rmmod $A succeeded while $kind is attached"
	hold_stop hold || fail "attach_btf ($kind) failed: $(<"$SCRATCH/hold.err")"
	expect_facts "$SCRATCH/hold.out" hits=1
	for ((n = 0; n < 300; n++)); do
		rmmod $A 2>/dev/null && return 0
		sleep 0.1
	done
	fail "rmmod $A still fails 30 s after $kind was detached"
}

t0=$SECONDS
for ((i = 0; i < cycles; i++)); do
	cycle "${kinds[i % 3]}" >/dev/null
done
echo "$cycles cycles of insmod, attach, trigger, detach, rmmod in $((SECONDS - t0)) s"

# The race: rmmod and insmod in a loop while programs are loaded against
# whatever BTF the module has at that moment.
t0=$SECONDS
(
	for ((i = 0; i < cycles; i++)); do
		insmod "$ko" 2>/dev/null
		rmmod $A 2>/dev/null
	done
) &
racer=$!
declare -A seen=()
while kill -0 $racer 2>/dev/null; do
	if "$TOOL" --btf $A --type-id "$type_id" load >"$SCRATCH/race.out" 2>/dev/null; then
		e=$(fact "$SCRATCH/race.out" errno)
	else
		e=no-btf	# the module's BTF was not found by name
	fi
	case $e in
	0 | 2 | 22 | no-btf) seen[$e]=$((${seen[$e]:-0} + 1)) ;;
	*) fail "a load racing with rmmod/insmod: errno=$e" ;;
	esac
done
wait $racer || true
unload $A
echo "race: $cycles insmod/rmmod against loads in $((SECONDS - t0)) s; outcomes (errno: count): $(for k in "${!seen[@]}"; do printf '%s:%s ' "$k" "${seen[$k]}"; done)"

expect_btf_ids "at the end" "$base_ids" -$A
expect_no_leaks
