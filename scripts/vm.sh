#!/bin/bash
# Boot a built kernel under QEMU and run one command inside it.
#
#   vm.sh [-v VARIANT] [-t SECONDS] [-m MEM] [--] COMMAND...
#
# The host root is shared read-only over 9p; the guest starts in the
# current directory. The command's output is printed here; the exit status
# of vm.sh is the command's. The kernel console goes to
# build/run/VARIANT-DATE-PID/console.log, which is scanned for splats: any makes
# vm.sh fail. Exit 124: the guest did not finish in time; 125: the guest
# never reported an exit status (it did not boot, or crashed).
#
# MODBTF_ACCEL=tcg|kvm|auto (default auto: KVM only if a probe boots).
set -eu
. "$(dirname "$0")/lib.sh"

VARIANT=default
TIMEOUT=600
MEM=1G

# Kernel splats that fail a run, as extended regular expressions.
SPLATS='WARNING:|BUG:|KASAN:|UBSAN:|Oops|general protection fault|Kernel panic|suspicious RCU usage|possible recursive locking|circular locking|inconsistent lock state|unreferenced object|new suspected memory leaks|Call Trace:|INFO: task .* blocked|hung_task'

qemu_cmd() {
	local accel=$1 out=$2 rundir=$3
	echo qemu-system-x86_64 -nodefaults -no-reboot -display none \
		-machine q35 -accel "$accel" -cpu max -smp 2 -m "$MEM" \
		-kernel "$out/arch/x86/boot/bzImage" \
		-fsdev "local,id=root,path=/,security_model=none,readonly=on,multidevs=remap" \
		-device virtio-9p-pci,fsdev=root,mount_tag=/dev/root \
		-device virtio-rng-pci \
		-chardev "file,id=con,path=$rundir/console.log" -serial chardev:con \
		-chardev "stdio,id=out,signal=off,logfile=$rundir/output.log" -serial chardev:out \
		-append "'console=ttyS0 root=/dev/root rootfstype=9p rootflags=trans=virtio,version=9p2000.L,msize=512000,cache=loose ro panic=-1 oops=panic init=$TOP/scripts/guest/init.sh modbtf_run=$rundir modbtf_mods=$out/mods modbtf_top=$TOP'"
}

# Does KVM boot a kernel here? Probed once per QEMU version: "yes" once a
# guest reported its exit status under KVM, "no" if QEMU aborted or hung
# (as nested KVM does on some hosts). A probe that fails in the kernel
# proves nothing and is not cached.
kvm_works() {
	local out=$1 probe rc=0
	[ -w /dev/kvm ] || return 1
	probe=$CACHE/kvm-probe-$(qemu-system-x86_64 --version | head -1 | tr -cd '0-9.')
	if [ ! -f "$probe" ]; then
		log "probing whether KVM boots a guest here (once)"
		(ACCEL=kvm TIMEOUT=30 boot "$out" "$BUILD/run/kvm-probe" true) >/dev/null 2>&1 || rc=$?
		mkdir -p "$CACHE"
		if [ "$rc" = 0 ]; then
			echo yes >"$probe"
		elif [ "$rc" = 124 ] || [ ! -s "$BUILD/run/kvm-probe/console.log" ]; then
			echo no >"$probe"
		else
			return 1
		fi
	fi
	[ "$(cat "$probe")" = yes ]
}

pick_accel() {
	case ${MODBTF_ACCEL:-auto} in
	tcg | kvm) echo "$MODBTF_ACCEL" ;;
	auto) if kvm_works "$1"; then echo kvm; else echo tcg; fi ;;
	*) die "MODBTF_ACCEL must be tcg, kvm or auto" ;;
	esac
}

# boot OUT RUNDIR COMMAND...: run the VM; exit status as described above.
boot() {
	local out=$1 rundir=$2 rc
	shift 2
	rm -rf "$rundir" && mkdir -p "$rundir"
	{
		printf 'cd %q || exit 125\n' "$PWD"
		printf 'export MODBTF_VARIANT=%q MODBTF_ART=%q\n' "$VARIANT" "$BUILD/tests/$VARIANT"
		printf '%q ' "$@"
		echo
	} >"$rundir/cmd"
	rc=0
	# The command's output (second serial port) comes to stdout as it runs
	eval timeout -k 5 "$TIMEOUT" "$(qemu_cmd "${ACCEL:-tcg}" "$out" "$rundir")" \
		2>"$rundir/qemu.log" </dev/null || rc=$?
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		echo "FAILED: the guest did not finish within $TIMEOUT s (log: $rundir/console.log)" >&2
		return 124
	fi
	local status
	status=$(sed -n 's/.*modbtf-exit: \([0-9]*\).*/\1/p' "$rundir/console.log" | tail -n 1)
	if [ -z "$status" ]; then
		cat "$rundir/qemu.log" >&2
		tail -n 30 "$rundir/console.log" >&2
		echo "FAILED: the guest never reported an exit status (log: $rundir/console.log)" >&2
		return 125
	fi
	if grep -Eq "$SPLATS" "$rundir/console.log"; then
		grep -En -B2 -A25 "$SPLATS" "$rundir/console.log" | head -n 80 >&2
		echo "FAILED: kernel splat in the guest (log: $rundir/console.log)" >&2
		return 1
	fi
	return "$status"
}

main() {
	local out
	while [ $# -gt 0 ]; do
		case $1 in
		-v) VARIANT=$2; shift 2 ;;
		-t) TIMEOUT=$2; shift 2 ;;
		-m) MEM=$2; shift 2 ;;
		--) shift; break ;;
		*) break ;;
		esac
	done
	[ $# -gt 0 ] || die "usage: vm.sh [-v VARIANT] [-t SECONDS] [-m MEM] -- COMMAND..."
	out=$BUILD/out/$VARIANT
	[ -f "$out/arch/x86/boot/bzImage" ] || die "no $VARIANT kernel in $out (make build first)"
	command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 is not installed"
	ACCEL=$(pick_accel "$out")
	# One directory per run, so that runs side by side do not collide
	boot "$out" "$BUILD/run/$VARIANT-$(date +%Y%m%d-%H%M%S)-$$" "$@"
}

main "$@"
