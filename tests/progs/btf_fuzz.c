// SPDX-License-Identifier: GPL-2.0
/*
 * Feed fuzzed BTF (tests/tools/btf-fuzz.py) to the kernel, for the guest
 * tests: each case of CASES as the .BTF of the module KO, loaded from
 * memory with init_module() (the file is not rewritten), and each case
 * also to BPF_BTF_LOAD as user BTF with no base.
 *
 *   btf_fuzz -p refuse|drop [-t BPFTOOL] [-u] [-v] KO CASES
 *   btf_fuzz -p refuse|drop -n MAX [-v] KO
 *
 * -u: BPF_BTF_LOAD only (the module is not loaded; for a kernel without
 * module BTF, to compare its verdicts on user BTF). -v: the kernel's
 * lines on stderr.
 *
 * -p is what the kernel does with module BTF that it cannot verify:
 * refuse the module (the default) or load it without BTF
 * (CONFIG_MODULE_ALLOW_BTF_MISMATCH). For a split case, one outcome is
 * allowed:
 *   accepted  the module loads and /sys/kernel/btf/NAME holds exactly the
 *             case's bytes; no "failed to validate" line; with -t, the
 *             program BPFTOOL dumps it ("btf dump file") without dying
 *             of a signal;
 *   refused   (refuse) init_module fails with the errno E of the one line
 *             "failed to validate module [NAME] BTF: -E";
 *   dropped   (drop) the module loads with that one line and no BTF;
 *   empty     a case of 0 bytes: the module loads without BTF, silently.
 * Anything else is a violation. After each case the module is unloaded
 * and must be gone with its BTF; at the end the BTF IDs must be those of
 * the start. Output: a line per case, "case K split OUTCOME user E"
 * (E: 0 when BPF_BTF_LOAD loaded it, else its errno), or "case K user
 * E" for a user case; "VIOLATION case K: ..." lines; then totals. Exit
 * status 1 if anything was violated, 2 if the tool itself could not run.
 *
 * -n MAX: no cases; KO is loaded over and over, with its own BTF, making
 * the n-th fault injection point of the load fail (/proc/thread-self/
 * fail-nth; FAILSLAB and FAIL_PAGE_ALLOC with ignore-gfp-wait off,
 * verbose 2 so that the stack shows whether the failure is on the module
 * BTF path), n = 1, 2,
 * ... until a load meets no injected failure (at most MAX loads). Each
 * load must end in one of: full (BTF, ID and sysfs file), no-sysfs or
 * no-id (the module loads, its BTF lacks what the warning "failed to
 * register module [NAME] BTF in sysfs" or "failed to assign an ID"
 * says), dropped (drop policy: "failed to validate", no BTF), refused
 * (refuse policy: "failed to validate", the load fails), failed (the
 * load failed elsewhere, leaving nothing). Output: "nth N rc E OUTCOME"
 * lines, then totals.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "ko_image.h"

#define KMSG_MAX	8192
#define EXEC_FAILED	127	/* the shell's status for a command not run */
#define USAGE "usage: btf_fuzz -p refuse|drop [-t BPFTOOL] [-u] [-v] KO CASES\n" \
	"       btf_fuzz -p refuse|drop -n MAX [-v] KO"

struct fuzz_case {
	uint32_t num;
	uint8_t kind;		/* 0 split, 1 user */
	uint8_t pad[3];
	uint32_t len;
} __attribute__((packed));

static const char *policy, *bpftool;
static int verbose, user_only, violations, kmsg_fd = -1;
static const char *what = "case";	/* what a number counts, for messages */
static char modname[64];
static unsigned long counts[8];
enum { ACCEPTED, REFUSED, DROPPED, EMPTY, USER_LOADED, USER_REFUSED, BPFTOOL_FAILED };
static const char *const count_names[] = {
	"accepted", "refused", "dropped", "empty", "user-loaded", "user-refused",
	"bpftool-nonzero",
};

/* Count one more of outcome which; its name. */
static const char *count(int which)
{
	counts[which]++;
	return count_names[which];
}

static void __attribute__((noreturn)) die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("btf_fuzz: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

static void violation(uint32_t num, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("VIOLATION %s %u: ", what, num);
	vprintf(fmt, ap);
	putchar('\n');
	va_end(ap);
	violations++;
}

static void *read_file(const char *path, size_t *len)
{
	struct stat st;
	char *buf;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st))
		die("%s: %s", path, strerror(errno));
	buf = malloc(st.st_size + 1);
	if (!buf)
		die("out of memory");
	if (ko_read_all(fd, buf, st.st_size))
		die("%s: short read", path);
	close(fd);
	*len = st.st_size;
	return buf;
}

static void kmsg_open(void)
{
	kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (kmsg_fd < 0 || lseek(kmsg_fd, 0, SEEK_END) < 0)
		die("/dev/kmsg: %s", strerror(errno));
}

/* The kernel's lines since the last call, into klog (what fits). */
static char klog[1 << 18];
static size_t klog_len;

static void kmsg_collect(void)
{
	char rec[KMSG_MAX], *msg;
	size_t len;
	ssize_t r;

	klog_len = 0;
	klog[0] = '\0';
	for (;;) {
		r = read(kmsg_fd, rec, sizeof(rec) - 1);
		if (r < 0 && errno == EPIPE)
			continue;	/* records lost to the ring: go on */
		if (r < 0 && errno == EAGAIN)
			return;
		if (r < 0)
			die("read /dev/kmsg: %s", strerror(errno));
		rec[r] = '\0';
		msg = strchr(rec, ';');
		if (!msg)
			continue;
		msg++;
		if (verbose)
			fprintf(stderr, "  kmsg: %s", msg);
		len = strlen(msg);
		if (klog_len + len < sizeof(klog)) {
			memcpy(klog + klog_len, msg, len + 1);
			klog_len += len;
		}
	}
}

/* How many lines of klog contain "PREFIX[NAME]TEXT" (TEXT may be empty),
 * with the number that follows the last in *num.
 */
static int klog_count(const char *prefix, const char *text, long *num)
{
	char want[256];
	const char *at = klog;
	int n = 0;

	snprintf(want, sizeof(want), "%s[%s]%s", prefix, modname, text);
	while ((at = strstr(at, want))) {
		at += strlen(want);
		if (num)
			*num = strtol(at, NULL, 10);
		n++;
	}
	return n;
}

/* The kernel's lines since the last call: how many say that NAME's BTF
 * failed to validate, with the errno of the last in *err.
 */
static int kmsg_validate_lines(long *err)
{
	kmsg_collect();
	return klog_count("failed to validate module ", " BTF: ", err);
}

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

/* BPF_BTF_LOAD of data: 0 if it loaded, else the errno. */
static int user_btf_load(const void *data, uint32_t len)
{
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.btf = (uintptr_t)data;
	attr.btf_size = len;
	fd = sys_bpf(BPF_BTF_LOAD, &attr);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int btf_id_count(void)
{
	union bpf_attr attr;
	int n = 0;

	memset(&attr, 0, sizeof(attr));
	while (!sys_bpf(BPF_BTF_GET_NEXT_ID, &attr)) {
		attr.start_id = attr.next_id;
		n++;
	}
	return n;
}

/* Has a BTF ID the name NAME? */
static int btf_id_named(void)
{
	union bpf_attr next, get, info_attr;
	struct bpf_btf_info info;
	char name[64];
	int fd, found = 0;

	memset(&next, 0, sizeof(next));
	while (!found && !sys_bpf(BPF_BTF_GET_NEXT_ID, &next)) {
		next.start_id = next.next_id;
		memset(&get, 0, sizeof(get));
		get.btf_id = next.next_id;
		fd = sys_bpf(BPF_BTF_GET_FD_BY_ID, &get);
		if (fd < 0)
			continue;	/* gone meanwhile */
		memset(&info, 0, sizeof(info));
		memset(name, 0, sizeof(name));
		info.name = (uintptr_t)name;
		info.name_len = sizeof(name);
		memset(&info_attr, 0, sizeof(info_attr));
		info_attr.info.bpf_fd = fd;
		info_attr.info.info_len = sizeof(info);
		info_attr.info.info = (uintptr_t)&info;
		found = !sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &info_attr) &&
			!strcmp(name, modname);
		close(fd);
	}
	return found;
}

/* Does /sys/kernel/btf/NAME exist, and hold exactly data? -1: no file */
static int sysfs_btf_matches(const void *data, uint32_t len)
{
	char path[128], *buf;
	ssize_t r, got = 0;
	int fd, same;

	snprintf(path, sizeof(path), "/sys/kernel/btf/%s", modname);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	buf = malloc(len + 1);
	if (!buf)
		die("out of memory");
	while ((r = read(fd, buf + got, len + 1 - got)) > 0)
		got += r;
	close(fd);
	same = got == len && memcmp(buf, data, len) == 0;
	free(buf);
	return same;
}

/* bpftool btf dump file /sys/kernel/btf/NAME: its exit status, or minus
 * the signal that killed it.
 */
static int run_bpftool(void)
{
	char path[128];
	int status;
	pid_t pid;

	snprintf(path, sizeof(path), "/sys/kernel/btf/%s", modname);
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (!pid) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		dup2(null, 2);
		execlp(bpftool, bpftool, "btf", "dump", "file", path, NULL);
		_exit(EXEC_FAILED);
	}
	if (waitpid(pid, &status, 0) < 0)
		die("waitpid: %s", strerror(errno));
	if (WIFSIGNALED(status))
		return -WTERMSIG(status);
	if (WEXITSTATUS(status) == EXEC_FAILED)
		die("cannot run %s", bpftool);
	return WEXITSTATUS(status);
}

static void unload(uint32_t num)
{
	if (syscall(__NR_delete_module, modname, O_NONBLOCK)) {
		violation(num, "delete_module: %s", strerror(errno));
		return;
	}
	if (sysfs_btf_matches("", 0) != -1)
		violation(num, "/sys/kernel/btf/%s is still there after rmmod", modname);
	if (btf_id_named())
		violation(num, "a BTF ID is still named %s after rmmod", modname);
}

/* One split case: the module with the case's bytes as its .BTF. */
static const char *split_case(uint32_t num, struct ko_image *ko,
			      const void *data, uint32_t len)
{
	int lines, matches, has_id, rc, tool;
	const char *outcome = "violation";
	long err = 0;

	memcpy(ko->data + ko->end, data, len);
	ko->btf->sh_offset = ko->end;
	ko->btf->sh_size = len;
	kmsg_validate_lines(&err);
	rc = syscall(__NR_init_module, ko->data, ko->end + len, "") ? errno : 0;
	lines = kmsg_validate_lines(&err);
	matches = sysfs_btf_matches(data, len);
	has_id = btf_id_named();
	if (rc) {
		if (strcmp(policy, "refuse") || lines != 1 || err != -rc)
			violation(num, "init_module: %s, %d validate lines (errno %ld)",
				  strerror(rc), lines, -err);
		else if (matches != -1 || has_id)
			violation(num, "refused, but its BTF is there (sysfs %d, ID %d)",
				  matches, has_id);
		else
			outcome = count(REFUSED);
		return outcome;
	}
	if ((matches == -1) == has_id) {
		violation(num, "sysfs file %d, but ID %d", matches, has_id);
	} else if (matches == 1 && lines == 0) {
		outcome = count(ACCEPTED);
		if (bpftool) {
			tool = run_bpftool();
			if (tool < 0)
				violation(num, "%s btf dump died of signal %d", bpftool, -tool);
			else if (tool)
				counts[BPFTOOL_FAILED]++;
		}
	} else if (matches == 0) {
		violation(num, "/sys/kernel/btf/%s differs from the module's .BTF", modname);
	} else if (matches == 1) {
		violation(num, "accepted, but %d validate lines", lines);
	} else if (len == 0 && lines == 0) {
		outcome = count(EMPTY);
	} else if (!strcmp(policy, "drop") && lines == 1) {
		outcome = count(DROPPED);
	} else {
		violation(num, "loaded without BTF, %d validate lines, policy %s",
			  lines, policy);
	}
	unload(num);
	return outcome;
}

static int nth_fd = -1;

/* Make the n-th fault injection point this thread passes fail (0: none). */
static void set_fail_nth(long n)
{
	char buf[32];
	int len = snprintf(buf, sizeof(buf), "%ld", n);

	if (pwrite(nth_fd, buf, len, 0) != len)
		die("write fail-nth: %s", strerror(errno));
}

/* What is left of the count: 0 once a failure was injected. */
static long get_fail_nth(void)
{
	char buf[32];
	ssize_t r = pread(nth_fd, buf, sizeof(buf) - 1, 0);

	if (r < 0)
		die("read fail-nth: %s", strerror(errno));
	buf[r] = '\0';
	return strtol(buf, NULL, 10);
}

/* Did the injected failure happen on the module BTF path: a frame of a
 * btf_ function of the kernel (not of the module, whose frames end in
 * "[NAME]") in the stack that the injection printed?
 */
static int injected_in_btf(void)
{
	const char *at = strstr(klog, "FAULT_INJECTION: forcing a failure");
	const char *eol;

	while (at && (at = strstr(at, "\n btf_"))) {
		eol = strchr(at + 1, '\n');
		if (!memchr(at, '[', eol ? (size_t)(eol - at) : strlen(at)))
			return 1;
		at++;
	}
	return 0;
}

/* What the module's load gave when allocation n failed, from what the
 * kernel shows: a violation if it is none of the allowed states.
 */
static const char *nth_outcome(long n, int rc, const void *btf, uint32_t len)
{
	int matches = sysfs_btf_matches(btf, len), has_id = btf_id_named();
	int valid = klog_count("failed to validate module ", " BTF: ", NULL);
	int id_warn = klog_count("failed to assign an ID to module ", " BTF", NULL);
	int fs_warn = klog_count("failed to register module ", " BTF in sysfs", NULL);

	if (rc) {
		if (matches != -1 || has_id)
			violation(n, "the load failed (%s), its BTF is still there",
				  strerror(rc));
		else if (valid == 1 && !strcmp(policy, "refuse"))
			return "refused";
		else if (!valid)
			return "failed";
		else
			violation(n, "the load failed (%s), %d validate lines",
				  strerror(rc), valid);
		return "violation";
	}
	if (!valid && matches == 1 && has_id && !id_warn && !fs_warn)
		return "full";
	if (!valid && matches == -1 && fs_warn == 1 && (has_id || id_warn == 1))
		return "no-sysfs";
	if (!valid && !has_id && id_warn == 1 && (matches == 1 || fs_warn == 1))
		return "no-id";
	if (valid == 1 && !strcmp(policy, "drop") && matches == -1 && !has_id)
		return "dropped";
	violation(n, "loaded: sysfs %d, ID %d, validate %d, ID warning %d, sysfs warning %d",
		  matches, has_id, valid, id_warn, fs_warn);
	return "violation";
}

/* Load the module max times at most, making allocation n = 1, 2, ... of
 * the load fail, until a load passes all its allocations.
 */
static int fail_each(struct ko_image *ko, long max)
{
	const void *btf = ko->data + ko->btf->sh_offset;
	uint32_t len = ko->btf->sh_size;
	unsigned long btf_points = 0, failed = 0;
	const char *outcome;
	long n, left;
	int rc, ids;

	nth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
	if (nth_fd < 0)
		die("/proc/thread-self/fail-nth: %s (CONFIG_FAULT_INJECTION?)", strerror(errno));
	ids = btf_id_count();
	for (n = 1; n <= max; n++) {
		kmsg_collect();
		set_fail_nth(n);
		rc = syscall(__NR_init_module, ko->data, ko->len, "") ? errno : 0;
		left = get_fail_nth();
		set_fail_nth(0);
		kmsg_collect();
		outcome = nth_outcome(n, rc, btf, len);
		if (left) {
			/* nothing failed: every point was passed */
			if (strcmp(outcome, "full"))
				violation(n, "no failure injected, but the load gave %s", outcome);
			printf("nth %ld: no failure injected: %ld points\n", n, n - 1);
			if (!rc)
				unload(n);
			break;
		}
		btf_points += injected_in_btf();
		failed += !!rc;
		printf("nth %ld rc %d %s%s\n", n, rc, outcome,
		       injected_in_btf() ? " (module BTF path)" : "");
		fflush(stdout);
		if (!rc)
			unload(n);
	}
	if (n > max)
		violation(max, "the load still met injected failures after %ld", max);
	if (btf_id_count() != ids)
		violation(0, "%d BTF IDs at the start, %d at the end", ids, btf_id_count());
	printf("totals: points=%ld btf_points=%lu failed_loads=%lu violations=%d\n",
	       n - 1, btf_points, failed, violations);
	return violations ? 1 : 0;
}

int main(int argc, char **argv)
{
	size_t cases_len, pos = 0, max = 0;
	int opt, ids, user, i;
	long nth_max = 0;
	struct fuzz_case c;
	struct ko_image ko;
	const char *outcome;
	char *cases, err[256];

	while ((opt = getopt(argc, argv, "n:p:t:uv")) != -1) {
		if (opt == 'p')
			policy = optarg;
		else if (opt == 'n')
			nth_max = atol(optarg);
		else if (opt == 'u')
			user_only = 1;
		else if (opt == 't')
			bpftool = optarg;
		else if (opt == 'v')
			verbose = 1;
		else
			die(USAGE);
	}
	if (!policy || (strcmp(policy, "refuse") && strcmp(policy, "drop")) ||
	    argc - optind != (nth_max ? 1 : 2))
		die(USAGE);
	if (nth_max) {
		if (ko_image_read(argv[optind], 0, &ko, err, sizeof(err)))
			die("%s", err);
		snprintf(modname, sizeof(modname), "%s", ko.name);
		kmsg_open();
		what = "load";
		return fail_each(&ko, nth_max);
	}
	cases = read_file(argv[optind + 1], &cases_len);
	for (pos = 0; pos + sizeof(c) <= cases_len; pos += sizeof(c) + c.len) {
		memcpy(&c, cases + pos, sizeof(c));
		if (c.len > max)
			max = c.len;
	}
	if (pos != cases_len)
		die("%s: truncated", argv[optind + 1]);
	if (ko_image_read(argv[optind], max, &ko, err, sizeof(err)))
		die("%s", err);
	snprintf(modname, sizeof(modname), "%s", ko.name);
	kmsg_open();
	ids = btf_id_count();

	for (pos = 0; pos < cases_len; pos += sizeof(c) + c.len) {
		const char *data = cases + pos + sizeof(c);

		memcpy(&c, cases + pos, sizeof(c));
		user = user_btf_load(data, c.len);
		count(user ? USER_REFUSED : USER_LOADED);
		if (c.kind || user_only) {
			printf("case %u user %d\n", c.num, user);
		} else {
			outcome = split_case(c.num, &ko, data, c.len);
			printf("case %u split %s user %d\n", c.num, outcome, user);
		}
		fflush(stdout);
	}
	if (btf_id_count() != ids)
		violation(0, "%d BTF IDs at the start, %d at the end", ids, btf_id_count());
	printf("totals:");
	for (i = 0; i <= BPFTOOL_FAILED; i++)
		printf(" %s=%lu", count_names[i], counts[i]);
	printf(" violations=%d\n", violations);
	return violations ? 1 : 0;
}
