#!/bin/bash
# PID 1 of the test VM. The host root is mounted read-only over 9p; this
# mounts what a test needs, runs the command the host asked for with its
# output on the second serial port, reports its exit status in the kernel
# log and reboots (QEMU runs with -no-reboot, so the VM ends).
#
# The kernel passes these from its command line in the environment:
#   modbtf_run   host directory holding "cmd", the command to run
#   modbtf_mods  host directory holding lib/modules/RELEASE
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp LANG=C.UTF-8

mount_fs() {
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	mountpoint -q /dev || mount -t devtmpfs devtmpfs /dev
	mount -t tmpfs tmpfs /run
	# The guest's /tmp is writable scratch over the host's /tmp, which
	# stays visible: a checkout or build directory under the host's /tmp
	# is where the run expects it.
	mkdir -p /run/.tmp/upper /run/.tmp/work /run/.lib/upper /run/.lib/work
	chmod 1777 /run/.tmp/upper
	mount -t overlay overlay \
		-o lowerdir=/tmp,upperdir=/run/.tmp/upper,workdir=/run/.tmp/work /tmp || return
	mount -t debugfs debugfs /sys/kernel/debug
	mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
	mount -t bpf bpf /sys/fs/bpf
	# /lib is /usr/lib on Debian: give it a tmpfs upper layer so that
	# /lib/modules can point at this build's modules.
	mount -t overlay overlay \
		-o lowerdir=/usr/lib,upperdir=/run/.lib/upper,workdir=/run/.lib/work /usr/lib
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
