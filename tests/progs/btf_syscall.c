// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel BTF through the bpf() syscall, for the guest tests. It prints
 * facts as key=value lines and leaves the verdicts to the test script;
 * it exits non-zero only when it cannot do what it was asked.
 *
 *   btf_syscall list               ID, name, kernel_btf, size of each BTF
 *   btf_syscall count              how many BTF IDs there are
 *   btf_syscall facts MOD          GET_NEXT_ID / GET_OBJ_INFO semantics
 *   btf_syscall hold MOD DUMP -- CMD...
 *                                  open MOD's BTF, run CMD (rmmod MOD),
 *                                  then report what the fd and the ID
 *                                  still give; DUMP gets the BTF bytes
 *   btf_syscall stress STOPFILE SECS
 *                                  walk IDs and read each BTF until
 *                                  STOPFILE exists or SECS pass; fails on
 *                                  any error but a vanished ID
 *   btf_syscall read FILE EXPECTED STOPFILE SECS
 *                                  read FILE over and over until STOPFILE
 *                                  exists or SECS pass; a read that
 *                                  succeeds must return EXPECTED's bytes,
 *                                  one that fails may only find FILE gone
 *   btf_syscall cycle KO MOD N     load KO (module MOD) and unload it N
 *                                  times, with the syscalls insmod and
 *                                  rmmod use; /sys/kernel/btf/MOD must be
 *                                  there after each load, gone after
 *                                  each unload
 *   btf_syscall race KO N CYCLES STOPFILE
 *                                  N processes, each with a copy of KO
 *                                  renamed MOD_I in memory, start at once
 *                                  and load and unload it CYCLES times:
 *                                  /sys/kernel/btf/MOD_I must hold KO's
 *                                  .BTF after each load and be gone after
 *                                  each unload; STOPFILE is made at the
 *                                  end (for the readers)
 *
 * Raw syscalls, so that errno is the kernel's and the info struct is
 * exactly what linux/bpf.h (6.1 UAPI, with name/name_len/kernel_btf) says.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/btf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "ko_image.h"
#include "user_btf.h"

#define NAME_MAX_LEN 64

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

/* 0, or -errno: the way the kernel returned it */
static int ret_of(int rc)
{
	return rc < 0 ? -errno : rc;
}

static int next_id(__u32 start, __u32 *next)
{
	union bpf_attr attr = { .start_id = start };
	int rc = ret_of(sys_bpf(BPF_BTF_GET_NEXT_ID, &attr));

	*next = attr.next_id;
	return rc;
}

static int fd_by_id(__u32 id)
{
	union bpf_attr attr = { .btf_id = id };

	return ret_of(sys_bpf(BPF_BTF_GET_FD_BY_ID, &attr));
}

/* GET_OBJ_INFO into *info, which the caller has set up; 0 or -errno */
static int obj_info(int fd, struct bpf_btf_info *info)
{
	union bpf_attr attr = {};

	attr.info.bpf_fd = fd;
	attr.info.info_len = sizeof(*info);
	attr.info.info = (__u64)(unsigned long)info;
	return ret_of(sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr));
}

/* Info with the name, into name[NAME_MAX_LEN]; 0 or -errno */
static int named_info(int fd, struct bpf_btf_info *info, char *name)
{
	memset(info, 0, sizeof(*info));
	memset(name, 0, NAME_MAX_LEN);
	info->name = (__u64)(unsigned long)name;
	info->name_len = NAME_MAX_LEN;
	return obj_info(fd, info);
}

/*
 * Find the BTF named @want by walking the IDs: its fd, or -ENOENT.
 * With @want NULL, calls @each for every BTF instead.
 */
static int walk(const char *want,
		void (*each)(__u32 id, const struct bpf_btf_info *, const char *))
{
	struct bpf_btf_info info;
	char name[NAME_MAX_LEN];
	__u32 id = 0;
	int fd;

	while (next_id(id, &id) == 0) {
		fd = fd_by_id(id);
		if (fd == -ENOENT)
			continue;	/* gone meanwhile */
		if (fd < 0) {
			fprintf(stderr, "GET_FD_BY_ID %u: %s\n", id, strerror(-fd));
			exit(2);
		}
		if (named_info(fd, &info, name)) {
			fprintf(stderr, "GET_OBJ_INFO of BTF %u: %s\n", id,
				strerror(errno));
			exit(2);
		}
		if (want && strcmp(name, want) == 0)
			return fd;
		if (each)
			each(id, &info, name);
		close(fd);
	}
	return -ENOENT;
}

static void print_one(__u32 id, const struct bpf_btf_info *info, const char *name)
{
	printf("%u\t%s\t%u\t%u\n", id, name[0] ? name : "-", info->kernel_btf,
	       info->btf_size);
}

static unsigned int nr_ids;

static void count_one(__u32 id, const struct bpf_btf_info *info, const char *name)
{
	nr_ids++;
}

/* The facts about kernel BTF @label (found by name) */
static int kernel_btf_facts(const char *label, const char *name)
{
	struct bpf_btf_info info;
	char got[NAME_MAX_LEN];
	int fd = walk(name, NULL);

	printf("%s.found=%d\n", label, fd >= 0);
	if (fd < 0)
		return -1;
	printf("%s.info_ret=%d\n", label, named_info(fd, &info, got));
	printf("%s.name=%s\n", label, got);
	printf("%s.name_len=%u\n", label, info.name_len);
	printf("%s.kernel_btf=%u\n", label, info.kernel_btf);
	printf("%s.btf_size=%u\n", label, info.btf_size);
	printf("%s.id_nonzero=%d\n", label, info.id != 0);
	return fd;
}

/* name set without name_len, and the reverse */
static void einval_facts(int fd)
{
	struct bpf_btf_info info = {};
	char name[NAME_MAX_LEN];

	info.name = (__u64)(unsigned long)name;
	printf("name_without_len.ret=%d\n", obj_info(fd, &info));
	memset(&info, 0, sizeof(info));
	info.name_len = sizeof(name);
	printf("len_without_name.ret=%d\n", obj_info(fd, &info));
}

/*
 * A name buffer of @len bytes, inside a larger one filled with 'X' that
 * shows whether the kernel wrote past @len.
 */
static void short_buffer_facts(int fd, __u32 len, __u32 id)
{
	struct bpf_btf_info info = {};
	char buf[NAME_MAX_LEN];
	int rc;

	memset(buf, 'X', sizeof(buf));
	info.name = (__u64)(unsigned long)buf;
	info.name_len = len;
	rc = obj_info(fd, &info);
	printf("short%u.ret=%d\n", len, rc);
	printf("short%u.name=%.*s\n", len, (int)strnlen(buf, len), buf);
	printf("short%u.nul_at=%d\n", len,
	       memchr(buf, 0, len) ? (int)((char *)memchr(buf, 0, len) - buf) : -1);
	printf("short%u.untouched_after=%d\n", len, buf[len] == 'X');
	printf("short%u.name_len=%u\n", len, info.name_len);
	printf("short%u.kernel_btf=%u\n", len, info.kernel_btf);
	printf("short%u.id_matches=%d\n", len, info.id == id);
}

/* Load a tiny BTF (one int) from user space: no name, not kernel BTF */
/*
 * Use the BTF behind @fd as a map's BTF (an array map of int to int, type
 * ID @int_id) and as a program's BTF (one func_info naming @int_id, which
 * is no FUNC: -EINVAL once the BTF is accepted). Kernel BTF must be
 * refused first, with -EACCES.
 */
static void as_user_btf_facts(const char *label, int fd, __u32 int_id)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	struct bpf_func_info finfo = { .insn_off = 0, .type_id = int_id };
	union bpf_attr attr = {};
	int rc;

	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = 4;
	attr.max_entries = 1;
	attr.btf_fd = fd;
	attr.btf_key_type_id = int_id;
	attr.btf_value_type_id = int_id;
	rc = ret_of(sys_bpf(BPF_MAP_CREATE, &attr));
	printf("%s.map_create.ret=%d\n", label, rc < 0 ? rc : 0);
	if (rc >= 0)
		close(rc);

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = (__u64)(unsigned long)insns;
	attr.insn_cnt = 2;
	attr.license = (__u64)(unsigned long)"GPL";
	attr.prog_btf_fd = fd;
	attr.func_info = (__u64)(unsigned long)&finfo;
	attr.func_info_rec_size = sizeof(finfo);
	attr.func_info_cnt = 1;
	rc = ret_of(sys_bpf(BPF_PROG_LOAD, &attr));
	printf("%s.prog_load.ret=%d\n", label, rc < 0 ? rc : 0);
	if (rc >= 0)
		close(rc);
}

static void user_btf_facts(void)
{
	struct bpf_btf_info info;
	char name[NAME_MAX_LEN];
	int fd;

	fd = ret_of(user_btf_load());
	printf("user.load_ok=%d\n", fd >= 0);
	if (fd < 0)
		return;
	printf("user.info_ret=%d\n", named_info(fd, &info, name));
	printf("user.name=%s\n", name);
	printf("user.name_len=%u\n", info.name_len);
	printf("user.kernel_btf=%u\n", info.kernel_btf);
	as_user_btf_facts("user", fd, 1);
	close(fd);
}

static int cmd_facts(const char *mod)
{
	struct bpf_btf_info info;
	char name[NAME_MAX_LEN];
	__u32 first;
	int fd;

	printf("first_next_id.ret=%d\n", next_id(0, &first));
	fd = kernel_btf_facts("vmlinux", "vmlinux");
	if (fd >= 0) {
		as_user_btf_facts("vmlinux", fd, 1);
		close(fd);
	}
	fd = kernel_btf_facts("mod", mod);
	if (fd < 0)
		return 0;
	named_info(fd, &info, name);
	as_user_btf_facts("mod", fd, 1);
	einval_facts(fd);
	short_buffer_facts(fd, 1, info.id);
	short_buffer_facts(fd, 4, info.id);
	short_buffer_facts(fd, strlen(mod), info.id);
	short_buffer_facts(fd, strlen(mod) + 1, info.id);
	user_btf_facts();
	close(fd);
	return 0;
}

/* The BTF bytes behind @fd into @path; 0 or -errno */
static int dump_btf(int fd, const char *path)
{
	struct bpf_btf_info info = {};
	__u32 size;
	void *data;
	FILE *f;
	int rc;

	rc = obj_info(fd, &info);
	if (rc)
		return rc;
	size = info.btf_size;
	data = calloc(1, size);
	if (!data)
		return -ENOMEM;
	memset(&info, 0, sizeof(info));
	info.btf = (__u64)(unsigned long)data;
	info.btf_size = size;
	rc = obj_info(fd, &info);
	if (!rc && info.btf_size != size)
		rc = -EMSGSIZE;
	f = rc ? NULL : fopen(path, "w");
	if (!rc && (!f || fwrite(data, 1, size, f) != size || fclose(f)))
		rc = -EIO;
	free(data);
	return rc;
}

static int run(char **argv)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		execvp(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static int cmd_hold(const char *mod, const char *dump, char **argv)
{
	struct bpf_btf_info info;
	char name[NAME_MAX_LEN];
	int fd = walk(mod, NULL);
	__u32 id, next;
	int found = 0;

	printf("held.found=%d\n", fd >= 0);
	if (fd < 0)
		return 0;
	named_info(fd, &info, name);
	id = info.id;
	printf("cmd.status=%d\n", run(argv));
	for (next = 0; next_id(next, &next) == 0;)
		found |= next == id;
	printf("gone.next_id_finds_it=%d\n", found);
	printf("gone.fd_by_id.ret=%d\n", fd_by_id(id));
	printf("gone.info_ret=%d\n", named_info(fd, &info, name));
	printf("gone.name=%s\n", name);
	printf("gone.kernel_btf=%u\n", info.kernel_btf);
	printf("gone.btf_size=%u\n", info.btf_size);
	printf("gone.dump_ret=%d\n", dump_btf(fd, dump));
	close(fd);
	return 0;
}

/* Read everything about every BTF, over and over */
static int cmd_stress(const char *stop, int secs)
{
	time_t end = time(NULL) + secs;
	unsigned long rounds = 0, seen = 0;
	struct bpf_btf_info info;
	char name[NAME_MAX_LEN];
	static char data[1 << 16];	/* all of module BTF, some of vmlinux */
	__u32 id;
	int fd, rc;

	while (access(stop, F_OK) && time(NULL) < end) {
		for (id = 0; next_id(id, &id) == 0;) {
			fd = fd_by_id(id);
			if (fd == -ENOENT)
				continue;
			if (fd < 0) {
				fprintf(stderr, "stress: GET_FD_BY_ID %u: %s\n", id,
					strerror(-fd));
				return 1;
			}
			/* name and BTF bytes in one call */
			memset(&info, 0, sizeof(info));
			memset(name, 0, sizeof(name));
			info.name = (__u64)(unsigned long)name;
			info.name_len = sizeof(name);
			info.btf = (__u64)(unsigned long)data;
			info.btf_size = sizeof(data);
			rc = obj_info(fd, &info);
			close(fd);
			if (rc) {
				fprintf(stderr, "stress: GET_OBJ_INFO %u: %s\n", id,
					strerror(-rc));
				return 1;
			}
			seen += info.kernel_btf && strcmp(name, "vmlinux");
		}
		rounds++;
	}
	printf("stress.rounds=%lu\nstress.module_btf_seen=%lu\n", rounds, seen);
	return 0;
}

/* All of @path into @buf (@size bytes at most): its length, or -errno */
static long slurp(const char *path, char *buf, size_t size)
{
	long len = 0, n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while (len < (long)size && (n = read(fd, buf + len, size - len)) > 0)
		len += n;
	if (n < 0)
		len = -errno;
	close(fd);
	return len;
}

static int cmd_read(const char *path, const char *expected, const char *stop, int secs)
{
	static char want[1 << 16], got[1 << 16];
	unsigned long ok = 0, missed = 0;
	time_t end = time(NULL) + secs;
	long want_len, len;

	want_len = slurp(expected, want, sizeof(want));
	if (want_len < 0) {
		fprintf(stderr, "read: %s: %s\n", expected, strerror(-want_len));
		return 1;
	}
	while (access(stop, F_OK) && time(NULL) < end) {
		len = slurp(path, got, sizeof(got));
		if (len == -ENOENT || len == -ENODEV) {
			missed++;	/* not loaded, or unloaded while read */
			continue;
		}
		if (len < 0) {
			fprintf(stderr, "read: %s: %s\n", path, strerror(-len));
			return 1;
		}
		if (len != want_len || memcmp(got, want, len)) {
			fprintf(stderr, "read: %s: %ld bytes, not those of %s\n", path,
				len, expected);
			return 1;
		}
		ok++;
	}
	printf("sysfs.reads_ok=%lu\nsysfs.missed=%lu\n", ok, missed);
	return 0;
}

static int cmd_cycle(const char *ko, const char *mod, int n)
{
	char path[128];
	struct stat st;
	int i, fd;

	snprintf(path, sizeof(path), "/sys/kernel/btf/%s", mod);
	for (i = 1; i <= n; i++) {
		fd = open(ko, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || syscall(__NR_finit_module, fd, "", 0)) {
			fprintf(stderr, "cycle %d: loading %s: %s\n", i, ko, strerror(errno));
			return 1;
		}
		close(fd);
		if (stat(path, &st)) {
			fprintf(stderr, "cycle %d: no %s after load: %s\n", i, path,
				strerror(errno));
			return 1;
		}
		if (syscall(__NR_delete_module, mod, O_NONBLOCK)) {
			fprintf(stderr, "cycle %d: unloading %s: %s\n", i, mod, strerror(errno));
			return 1;
		}
		if (stat(path, &st) == 0 || errno != ENOENT) {
			fprintf(stderr, "cycle %d: %s still there after unload\n", i, path);
			return 1;
		}
	}
	printf("cycles=%d\n", n);
	return 0;
}

/* One racer: load and unload the module image ko, renamed, n times. */
static int racer(struct ko_image *ko, const char *name, int n)
{
	static char got[1 << 16];
	const char *want = ko->data + ko->btf->sh_offset;
	long want_len = ko->btf->sh_size, len;
	char path[128];
	int i;

	snprintf(path, sizeof(path), "/sys/kernel/btf/%s", name);
	for (i = 1; i <= n; i++) {
		if (syscall(__NR_init_module, ko->data, ko->len, "")) {
			fprintf(stderr, "race %s %d: init_module: %s\n", name, i,
				strerror(errno));
			return 1;
		}
		len = slurp(path, got, sizeof(got));
		if (len != want_len || memcmp(got, want, len)) {
			fprintf(stderr, "race %s %d: %s: %ld bytes, not the module's %ld\n",
				name, i, path, len, want_len);
			return 1;
		}
		if (syscall(__NR_delete_module, name, O_NONBLOCK)) {
			fprintf(stderr, "race %s %d: delete_module: %s\n", name, i,
				strerror(errno));
			return 1;
		}
		if (access(path, F_OK) == 0 || errno != ENOENT) {
			fprintf(stderr, "race %s %d: %s still there after unload\n",
				name, i, path);
			return 1;
		}
	}
	return 0;
}

static int cmd_race(const char *path, int n, int cycles, const char *stop)
{
	char err[256], name[KO_NAME_LEN], base[KO_NAME_LEN];
	int i, status, bad = 0, gate[2];
	struct ko_image ko;
	pid_t pid;

	if (ko_image_read(path, 0, &ko, err, sizeof(err))) {
		fprintf(stderr, "race: %s\n", err);
		return 1;
	}
	snprintf(base, sizeof(base), "%s", ko.name);
	if (pipe(gate))
		return 1;
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%.40s_%d", base, i);
		pid = fork();
		if (pid < 0)
			return 1;
		if (!pid) {
			char c;

			close(gate[1]);
			/* all start when the parent closes the gate */
			if (read(gate[0], &c, 1) < 0)
				_exit(1);
			snprintf(ko.name, KO_NAME_LEN, "%s", name);
			_exit(racer(&ko, name, cycles));
		}
	}
	close(gate[0]);
	close(gate[1]);
	while (wait(&status) > 0)
		bad |= !WIFEXITED(status) || WEXITSTATUS(status);
	close(open(stop, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
	printf("race.modules=%d\nrace.cycles=%d\nrace.failed=%d\n", n, cycles, bad);
	return bad;
}

static int usage(void)
{
	fprintf(stderr, "usage: btf_syscall list|count|facts MOD|"
		"hold MOD DUMP -- CMD...|stress STOPFILE SECS|\n"
		"read FILE EXPECTED STOPFILE SECS|cycle KO MOD N|\n"
		"race KO N CYCLES STOPFILE\n");
	return 2;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && !strcmp(argv[1], "list"))
		return walk(NULL, print_one), 0;
	if (argc == 2 && !strcmp(argv[1], "count")) {
		walk(NULL, count_one);
		printf("%u\n", nr_ids);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "facts"))
		return cmd_facts(argv[2]);
	if (argc >= 6 && !strcmp(argv[1], "hold") && !strcmp(argv[4], "--"))
		return cmd_hold(argv[2], argv[3], argv + 5);
	if (argc == 4 && !strcmp(argv[1], "stress"))
		return cmd_stress(argv[2], atoi(argv[3]));
	if (argc == 6 && !strcmp(argv[1], "read"))
		return cmd_read(argv[2], argv[3], argv[4], atoi(argv[5]));
	if (argc == 5 && !strcmp(argv[1], "cycle"))
		return cmd_cycle(argv[2], argv[3], atoi(argv[4]));
	if (argc == 6 && !strcmp(argv[1], "race"))
		return cmd_race(argv[2], atoi(argv[3]), atoi(argv[4]), argv[5]);
	return usage();
}
