// SPDX-License-Identifier: GPL-2.0
/*
 * The module BTF benchmark's guest side (make bench). Each command prints
 * CSV lines "WHAT,FIELD..." on stdout, one per sample; times are
 * nanoseconds of CLOCK_MONOTONIC, memory kB.
 *
 *   modbtf_bench load SAMPLES WITH.ko WITHOUT.ko
 *	finit_module() and delete_module() of a module with and without its
 *	.BTF, interleaved, after one load that is not timed:
 *	"load,with|without,LOAD_NS,UNLOAD_NS"
 *   modbtf_bench first KO
 *	the first load after boot, then a second: "first,LOAD_NS,UNLOAD_NS",
 *	"second,LOAD_NS,UNLOAD_NS"
 *   modbtf_bench copies N KO PREFIX
 *	load N copies of KO named PREFIX0..PREFIXN-1 (renamed in memory)
 *	and leave them loaded: "copies,N,SLAB_KB,VMALLOC_KB,AVAILABLE_KB",
 *	the growth of /proc/meminfo's Slab, VmallocUsed and the fall of
 *	MemAvailable
 *   modbtf_bench uncopies N PREFIX
 *	unload them again
 *   modbtf_bench read PATH N
 *	read PATH whole (open, reads, close) N times: "read,BYTES,NS"
 *   modbtf_bench core BPF_OBJECT N
 *	libbpf's open and load of a CO-RE object, then close, N times:
 *	"core,NS"
 *   modbtf_bench btfload FILE N
 *	BPF_BTF_LOAD of the standalone BTF in FILE, N times: "btfload,NS"
 *	(the BTF verifier alone, without the module loader)
 *   modbtf_bench exec N COMMAND...
 *	run COMMAND N times, its output to /dev/null: "exec,NS"
 */
#define _GNU_SOURCE
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "../progs/ko_image.h"

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "modbtf_bench: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int count(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (*end || n < 1 || n > 1000000)
		die("bad count '%s'", s);
	return n;
}

/* The module name of a .ko path: its file name without ".ko". */
static void ko_modname(const char *path, char *name, size_t len)
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	n = strcspn(base, ".");
	if (n >= len)
		die("%s: name too long", path);
	memcpy(name, base, n);
	name[n] = '\0';
}

/* Load the module file path, then unload it; the two times in ns. */
static void load_unload(const char *path, long long *load, long long *unload)
{
	char name[KO_NAME_LEN];
	long long t;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	ko_modname(path, name, sizeof(name));
	t = now_ns();
	if (syscall(SYS_finit_module, fd, "", 0))
		die("finit_module %s: %s", path, strerror(errno));
	*load = now_ns() - t;
	close(fd);
	t = now_ns();
	if (syscall(SYS_delete_module, name, O_NONBLOCK))
		die("delete_module %s: %s", name, strerror(errno));
	*unload = now_ns() - t;
}

static int cmd_load(int n, const char *with, const char *without)
{
	long long l, u;
	int i;

	/* Not timed: the first module load with BTF after boot also
	 * parses vmlinux BTF on 5.10.
	 */
	load_unload(with, &l, &u);
	for (i = 0; i < n; i++) {
		/* Alternate which goes first, so neither always follows
		 * the other's unload.
		 */
		const char *a = i & 1 ? without : with;
		const char *b = i & 1 ? with : without;

		load_unload(a, &l, &u);
		printf("load,%s,%lld,%lld\n", a == with ? "with" : "without", l, u);
		load_unload(b, &l, &u);
		printf("load,%s,%lld,%lld\n", b == with ? "with" : "without", l, u);
	}
	return 0;
}

static int cmd_first(const char *path)
{
	long long l, u;

	load_unload(path, &l, &u);
	printf("first,%lld,%lld\n", l, u);
	load_unload(path, &l, &u);
	printf("second,%lld,%lld\n", l, u);
	return 0;
}

/* /proc/meminfo's field (kB), e.g. "Slab". */
static long meminfo(const char *field)
{
	char line[256];
	size_t n = strlen(field);
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		die("/proc/meminfo: %s", strerror(errno));
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, n) && line[n] == ':')
			v = strtol(line + n + 1, NULL, 10);
	fclose(f);
	if (v < 0)
		die("/proc/meminfo has no %s", field);
	return v;
}

static void settle(void)
{
	int fd = open("/proc/sys/vm/drop_caches", O_WRONLY);

	sync();
	if (fd >= 0) {
		if (write(fd, "3", 1) != 1)
			die("drop_caches: %s", strerror(errno));
		close(fd);
	}
	usleep(200000);
}

static int cmd_copies(int n, const char *path, const char *prefix)
{
	struct ko_image ko;
	char err[256];
	long slab, vm, avail;
	int i;

	if (ko_image_load(path, 0, 0, &ko, err, sizeof(err)))
		die("%s", err);
	settle();
	slab = meminfo("Slab");
	vm = meminfo("VmallocUsed");
	avail = meminfo("MemAvailable");
	for (i = 0; i < n; i++) {
		memset(ko.name, 0, KO_NAME_LEN);
		snprintf(ko.name, KO_NAME_LEN, "%s%d", prefix, i);
		if (syscall(SYS_init_module, ko.data, ko.len, ""))
			die("init_module %s: %s", ko.name, strerror(errno));
	}
	settle();
	printf("copies,%d,%ld,%ld,%ld\n", n, meminfo("Slab") - slab,
	       meminfo("VmallocUsed") - vm, avail - meminfo("MemAvailable"));
	free(ko.data);
	return 0;
}

static int cmd_uncopies(int n, const char *prefix)
{
	char name[KO_NAME_LEN];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%s%d", prefix, i);
		if (syscall(SYS_delete_module, name, O_NONBLOCK))
			die("delete_module %s: %s", name, strerror(errno));
	}
	return 0;
}

static int cmd_read(const char *path, int n)
{
	static char buf[1 << 16];
	long long t, bytes;
	ssize_t r;
	int i, fd;

	for (i = 0; i < n; i++) {
		t = now_ns();
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			die("%s: %s", path, strerror(errno));
		bytes = 0;
		while ((r = read(fd, buf, sizeof(buf))) > 0)
			bytes += r;
		if (r < 0)
			die("%s: %s", path, strerror(errno));
		close(fd);
		printf("read,%lld,%lld\n", bytes, now_ns() - t);
	}
	return 0;
}

static int silent(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

static int cmd_core(const char *path, int n)
{
	struct bpf_object *obj;
	long long t;
	int i, err;

	libbpf_set_print(silent);
	for (i = 0; i < n; i++) {
		t = now_ns();
		obj = bpf_object__open_file(path, NULL);
		if (!obj)
			die("%s: cannot open it", path);
		err = bpf_object__load(obj);
		if (err)
			die("%s: load: %s", path, strerror(-err));
		bpf_object__close(obj);
		printf("core,%lld\n", now_ns() - t);
	}
	return 0;
}

static int cmd_btfload(const char *path, int n)
{
	union bpf_attr attr;
	struct stat st;
	long long t;
	char *buf;
	int i, fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st))
		die("%s: %s", path, strerror(errno));
	buf = malloc(st.st_size);
	if (!buf || ko_read_all(fd, buf, st.st_size))
		die("%s: cannot read it", path);
	close(fd);
	for (i = 0; i < n; i++) {
		memset(&attr, 0, sizeof(attr));
		attr.btf = (unsigned long)buf;
		attr.btf_size = st.st_size;
		t = now_ns();
		fd = syscall(SYS_bpf, BPF_BTF_LOAD, &attr, sizeof(attr));
		t = now_ns() - t;
		if (fd < 0)
			die("BPF_BTF_LOAD of %s: %s", path, strerror(errno));
		close(fd);
		printf("btfload,%lld\n", t);
	}
	free(buf);
	return 0;
}

static int cmd_exec(int n, char **argv)
{
	long long t;
	int i, status;
	pid_t pid;

	for (i = 0; i < n; i++) {
		t = now_ns();
		pid = fork();
		if (pid < 0)
			die("fork: %s", strerror(errno));
		if (!pid) {
			int fd = open("/dev/null", O_WRONLY);

			if (fd < 0 || dup2(fd, 1) < 0)
				_exit(126);
			execvp(argv[0], argv);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) < 0)
			die("waitpid: %s", strerror(errno));
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			die("%s: exit status %#x", argv[0], status);
		printf("exec,%lld\n", now_ns() - t);
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(cmd, "load") && argc == 5)
		return cmd_load(count(argv[2]), argv[3], argv[4]);
	if (!strcmp(cmd, "first") && argc == 3)
		return cmd_first(argv[2]);
	if (!strcmp(cmd, "copies") && argc == 5)
		return cmd_copies(count(argv[2]), argv[3], argv[4]);
	if (!strcmp(cmd, "uncopies") && argc == 4)
		return cmd_uncopies(count(argv[2]), argv[3]);
	if (!strcmp(cmd, "read") && argc == 4)
		return cmd_read(argv[2], count(argv[3]));
	if (!strcmp(cmd, "core") && argc == 4)
		return cmd_core(argv[2], count(argv[3]));
	if (!strcmp(cmd, "btfload") && argc == 4)
		return cmd_btfload(argv[2], count(argv[3]));
	if (!strcmp(cmd, "exec") && argc > 3)
		return cmd_exec(count(argv[2]), argv + 3);
	fprintf(stderr, "usage: see the comment at the top of %s\n", __FILE__);
	return 2;
}
