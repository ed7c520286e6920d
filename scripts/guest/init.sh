#!/bin/bash
# PID 1 of the test VM. The host root is mounted read-only over 9p; this
# mounts what a test needs, runs the command the host asked for with its
# output on the second serial port, reports its exit status in the kernel
# log and reboots (QEMU runs with -no-reboot, so the VM ends).
#
# The kernel passes these from its command line in the environment:
#   modbtf_run   host directory holding "cmd", the command to run
#   modbtf_mods  host directory holding lib/modules/RELEASE
#   modbtf_top   the checkout, which the command runs in
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp LANG=C.UTF-8

# The guest's /tmp is a fresh tmpfs, which would hide a checkout (or a
# build directory) that lives under the host's /tmp: bind each top-level
# directory of the host's /tmp that a path in $@ lies in back into it.
keep_host_tmp() {
	local p top
	for p in "$@"; do
		case $p in /tmp/?*) ;; *) continue ;; esac
		top=${p#/tmp/}
		top=/tmp/${top%%/*}
		mountpoint -q "$top" && continue
		mkdir -p "$top" && mount --bind "/run/host-tmp${top#/tmp}" "$top" || return
	done
}

mount_fs() {
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	mountpoint -q /dev || mount -t devtmpfs devtmpfs /dev
	mount -t tmpfs tmpfs /run
	mkdir -p /run/host-tmp
	mount --bind /tmp /run/host-tmp
	mount -t tmpfs -o mode=1777 tmpfs /tmp
	keep_host_tmp "$modbtf_run" "$modbtf_mods" "$modbtf_top" || return
	mount -t debugfs debugfs /sys/kernel/debug
	mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
	mount -t bpf bpf /sys/fs/bpf
	# /lib is /usr/lib on Debian: give it a tmpfs upper layer so that
	# /lib/modules can point at this build's modules.
	mkdir -p /tmp/.lib/upper /tmp/.lib/work
	mount -t overlay overlay \
		-o lowerdir=/usr/lib,upperdir=/tmp/.lib/upper,workdir=/tmp/.lib/work /usr/lib
	mkdir -p /usr/lib/modules
	mount --bind "$modbtf_mods/lib/modules" /usr/lib/modules
}

finish() {
	echo "modbtf-exit: $1" >/dev/kmsg
	echo b >/proc/sysrq-trigger
	sleep 10
}

main() {
	local rc
	mount_fs || { finish 125; return; }
	ip link set lo up 2>/dev/null
	cd "$modbtf_run" || { finish 125; return; }
	# No CR before LF; the last close of ttyS1 waits until its output is
	# transmitted.
	stty -F /dev/ttyS1 -onlcr 2>/dev/null
	bash "$modbtf_run/cmd" </dev/null >/dev/ttyS1 2>&1
	rc=$?
	finish "$rc"
}

main
