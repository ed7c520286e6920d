#!/bin/bash
# Boot a built kernel under QEMU and run one command inside it.
#
#   vm.sh [-v VARIANT] [-t SECONDS] [-m MEM] [-e VAR=VALUE]... [-F] [-n] [--] COMMAND...
#   vm.sh [-v VARIANT] [-t SECONDS] [-m MEM] [-e VAR=VALUE]... -s
#
#   -v VARIANT  kernel of build/out/VARIANT (default: default)
#   -t SECONDS  stop the guest after this long (default 600; -s: none)
#   -m MEM      guest memory (default: the variant's, scripts/variants.sh)
#   -e VAR=VAL  set VAR in the command's environment (repeatable), e.g.
#               -e MODBTF_CYCLES=50
#   -k PARAM    add PARAM to the kernel command line (repeatable), e.g.
#               -k tsc_early_khz=2100000
#   -s          an interactive shell in the guest instead of a command;
#               Ctrl-C goes to the guest, "exit" or Ctrl-D ends the VM
#   -F          a fault injection run: a call trace alone is no splat
#               (injected failures print their stack, and failed
#               allocations their warnings); every other splat still is
#   -n          print the QEMU command line a run would use, without
#               booting (its run directory and cmd file are not made)
#   -h          this help
#
# The host root is shared read-only over 9p, with a writable tmpfs over
# /tmp and /usr/lib; the guest starts in the current directory. The
# command's output is printed here; the exit status of vm.sh is the
# command's. Ctrl-C stops QEMU (exit 130). The kernel console goes to
# build/run/VARIANT-DATE-PID/console.log, which is scanned for splats: any
# makes vm.sh fail. Exit 124: the guest did not finish in time; 125: the
# guest never reported an exit status (it did not boot, or crashed).
#
# MODBTF_ACCEL=tcg|kvm|auto (default auto: KVM only if a probe boots).
set -eu
. "$(dirname "$0")/lib.sh"

VARIANT=default
TIMEOUT=
MEM=
SHELL_MODE=0
PRINT_ONLY=0
ENVS=()
KPARAMS=()
QEMU_PID=

# Kernel splats that fail a run, as extended regular expressions.
SPLATS='WARNING:|BUG:|KASAN:|UBSAN:|Oops|general protection fault|Kernel panic|suspicious RCU usage|possible recursive locking|circular locking|inconsistent lock state|unreferenced object|new suspected memory leaks|Call Trace:|INFO: task .* blocked|hung_task'

usage() { sed -n '4,/^# MODBTF_ACCEL/s/^# \{0,1\}//p' "$0"; }

# A value inside a QEMU -option list: commas are doubled.
qarg() { printf '%s' "${1//,/,,}"; }

# qemu_args ACCEL OUT RUNDIR: the QEMU command line, into the array QEMU.
qemu_args() {
	local accel=$1 out=$2 rundir=$3 stdio=signal=off
	QEMU=(qemu-system-x86_64 -nodefaults -no-reboot -display none
		-machine q35 -accel "$accel" -cpu max -smp 2 -m "$MEM"
		-kernel "$out/arch/x86/boot/bzImage"
		-fsdev "local,id=root,path=/,security_model=none,readonly=on,multidevs=remap"
		-device virtio-9p-pci,fsdev=root,mount_tag=/dev/root
		-device virtio-rng-pci
		-chardev "file,id=con,path=$(qarg "$rundir/console.log")" -serial chardev:con
		-chardev "stdio,id=out,$stdio,logfile=$(qarg "$rundir/output.log")" -serial chardev:out
		-append "console=ttyS0 root=/dev/root rootfstype=9p rootflags=trans=virtio,version=9p2000.L,msize=512000,cache=loose ro panic=-1 oops=panic init=\"$TOP/scripts/guest/init.sh\" modbtf_run=\"$rundir\" modbtf_mods=\"$out/mods\"${KPARAMS[*]/#/ }")
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
		(ACCEL=kvm TIMEOUT=30 SHELL_MODE=0 boot "$out" "$BUILD/run/kvm-probe" true) >/dev/null 2>&1 || rc=$?
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

# write_cmd RUNDIR COMMAND...: the script the guest's init runs.
write_cmd() {
	local rundir=$1 e
	shift
	{
		printf 'cd %q || exit 125\n' "$PWD"
		printf 'export MODBTF_VARIANT=%q MODBTF_ART=%q\n' "$VARIANT" "$BUILD/tests/$VARIANT"
		for e in "${ENVS[@]}"; do
			printf 'export %q\n' "$e"
		done
		if [ "$SHELL_MODE" = 1 ]; then
			# A session with ttyS1 as its controlling terminal, for job
			# control and Ctrl-C
			echo 'stty -F /dev/ttyS1 sane 2>/dev/null'
			echo 'exec setsid -c bash -i <>/dev/ttyS1 >&0 2>&0'
		else
			printf '%q ' "$@"
			echo
		fi
	} >"$rundir/cmd"
}

# on_signal STATUS: Ctrl-C (INT), TERM or HUP stops QEMU, not just this
# script, and exits with 128 + the signal's number.
on_signal() {
	if [ -n "$QEMU_PID" ]; then
		kill "$QEMU_PID" 2>/dev/null || true
		wait "$QEMU_PID" 2>/dev/null || true
	fi
	echo "vm.sh: stopped (QEMU killed)" >&2
	exit "$1"
}

# run_qemu: QEMU in the background of this shell, so that a signal here
# reaches the handler at once; its exit status.
run_qemu() {
	local rc=0 limit=()
	[ -z "$TIMEOUT" ] || limit=(timeout -k 5 "$TIMEOUT")
	if [ "$SHELL_MODE" = 1 ]; then
		# The terminal belongs to QEMU (it sets it raw): in the
		# foreground process group, or it stops on SIGTTOU.
		[ -z "$TIMEOUT" ] || limit=(timeout --foreground -k 5 "$TIMEOUT")
		"${limit[@]}" "${QEMU[@]}" 2>"$RUNDIR/qemu.log" || rc=$?
		return $rc
	fi
	"${limit[@]}" "${QEMU[@]}" 2>"$RUNDIR/qemu.log" </dev/null &
	QEMU_PID=$!
	wait "$QEMU_PID" || rc=$?
	QEMU_PID=
	return $rc
}

# boot OUT RUNDIR COMMAND...: run the VM; exit status as described above.
boot() {
	local out=$1 rc status
	RUNDIR=$2
	shift 2
	rm -rf "$RUNDIR" && mkdir -p "$RUNDIR"
	write_cmd "$RUNDIR" "$@"
	qemu_args "${ACCEL:-tcg}" "$out" "$RUNDIR"
	rc=0
	run_qemu || rc=$?
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		echo "FAILED: the guest did not finish within $TIMEOUT s (log: $RUNDIR/console.log)" >&2
		return 124
	fi
	status=$(sed -n 's/.*modbtf-exit: \([0-9]*\).*/\1/p' "$RUNDIR/console.log" | tail -n 1)
	if [ -z "$status" ]; then
		cat "$RUNDIR/qemu.log" >&2
		tail -n 30 "$RUNDIR/console.log" >&2
		echo "FAILED: the guest never reported an exit status (log: $RUNDIR/console.log)" >&2
		return 125
	fi
	if grep -Eq "$SPLATS" "$RUNDIR/console.log"; then
		grep -En -B2 -A25 "$SPLATS" "$RUNDIR/console.log" | head -n 80 >&2
		echo "FAILED: kernel splat in the guest (log: $RUNDIR/console.log)" >&2
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
		-e)
			[[ $2 =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] || die "-e wants VAR=VALUE, not '$2'"
			ENVS+=("$2")
			shift 2
			;;
		-k)
			[[ $2 =~ ^[A-Za-z0-9_.-]+(=[A-Za-z0-9_.,-]*)?$ ]] || die "-k wants PARAM or PARAM=VALUE, not '$2'"
			KPARAMS+=("$2")
			shift 2
			;;
		-s) SHELL_MODE=1; shift ;;
		-F) SPLATS=${SPLATS//|Call Trace:/}; shift ;;
		-n) PRINT_ONLY=1; shift ;;
		-h | --help) usage; exit 0 ;;
		--) shift; break ;;
		-*) usage >&2; die "unknown option $1" ;;
		*) break ;;
		esac
	done
	variant_check "$VARIANT"
	[ $# -gt 0 ] || [ "$SHELL_MODE" = 1 ] || { usage >&2; die "no command (or -s for a shell)"; }
	[ "$SHELL_MODE" = 0 ] || [ $# = 0 ] || die "-s takes no command"
	[ -n "$TIMEOUT" ] || [ "$SHELL_MODE" = 1 ] || TIMEOUT=600
	[ -n "$MEM" ] || MEM=$(variant_mem "$VARIANT")
	out=$BUILD/out/$VARIANT
	[ -f "$out/arch/x86/boot/bzImage" ] || die "no $VARIANT kernel in $out (make build first)"
	command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 is not installed"
	# One directory per run, so that runs side by side do not collide
	RUNDIR=$BUILD/run/$VARIANT-$(date +%Y%m%d-%H%M%S)-$$
	trap 'on_signal 130' INT
	trap 'on_signal 143' TERM
	trap 'on_signal 129' HUP
	ACCEL=$(pick_accel "$out")
	if [ "$PRINT_ONLY" = 1 ]; then
		# What a run would start; the run directory with its cmd
		# file is made by the run itself.
		qemu_args "$ACCEL" "$out" "$RUNDIR"
		printf '%q ' "${QEMU[@]}"
		echo
		return 0
	fi
	boot "$out" "$RUNDIR" "$@"
}

main "$@"
