// SPDX-License-Identifier: GPL-2.0
/*
 * Feed fuzzed BTF (tests/tools/btf-fuzz.py) to the kernel, for the guest
 * tests: each case of CASES as the .BTF of the module KO, loaded from
 * memory with init_module() (the file is not rewritten), and each case
 * also to BPF_BTF_LOAD as user BTF with no base.
 *
 *   btf_fuzz -p refuse|drop [-t BPFTOOL] [-u] [-v] KO CASES
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
 */
#include <elf.h>
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

#define KMSG_MAX	8192
#define VALIDATE_FMT	"failed to validate module [%s] BTF: "

struct fuzz_case {
	uint32_t num;
	uint8_t kind;		/* 0 split, 1 user */
	uint8_t pad[3];
	uint32_t len;
} __attribute__((packed));

static const char *policy, *bpftool;
static int verbose, user_only, violations, kmsg_fd = -1;
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
	printf("VIOLATION case %u: ", num);
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
	if (read(fd, buf, st.st_size) != st.st_size)
		die("%s: short read", path);
	close(fd);
	*len = st.st_size;
	return buf;
}

/* The section header of .BTF in the module image, and the module's name
 * (.gnu.linkonce.this_module holds struct module, whose name is at
 * offset 24 on x86-64: list_head, then the state).
 */
static Elf64_Shdr *find_btf_shdr(char *img, size_t len)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)img;
	Elf64_Shdr *sh, *btf = NULL;
	const char *strs;
	int i;

	if (len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_shoff + (size_t)eh->e_shnum * sizeof(*sh) > len)
		die("the module is no ELF64 file");
	sh = (Elf64_Shdr *)(img + eh->e_shoff);
	strs = img + sh[eh->e_shstrndx].sh_offset;
	for (i = 0; i < eh->e_shnum; i++) {
		if (strcmp(strs + sh[i].sh_name, ".BTF") == 0)
			btf = &sh[i];
		else if (strcmp(strs + sh[i].sh_name, ".gnu.linkonce.this_module") == 0)
			snprintf(modname, sizeof(modname), "%s",
				 img + sh[i].sh_offset + 24);
	}
	if (!btf || !modname[0])
		die("the module has no .BTF section or no name");
	return btf;
}

static void kmsg_open(void)
{
	kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (kmsg_fd < 0 || lseek(kmsg_fd, 0, SEEK_END) < 0)
		die("/dev/kmsg: %s", strerror(errno));
}

/* The kernel's lines since the last call: how many say that NAME's BTF
 * failed to validate, with the errno of the last in *err.
 */
static int kmsg_validate_lines(long *err)
{
	char rec[KMSG_MAX], want[128], *msg, *at;
	int n = 0;
	ssize_t r;

	snprintf(want, sizeof(want), VALIDATE_FMT, modname);
	for (;;) {
		r = read(kmsg_fd, rec, sizeof(rec) - 1);
		if (r < 0 && errno == EPIPE)
			continue;	/* records lost to the ring: go on */
		if (r < 0 && errno == EAGAIN)
			return n;
		if (r < 0)
			die("read /dev/kmsg: %s", strerror(errno));
		rec[r] = '\0';
		msg = strchr(rec, ';');
		if (!msg)
			continue;
		at = strstr(msg + 1, want);
		if (at) {
			n++;
			*err = strtol(at + strlen(want), NULL, 10);
		}
		if (verbose)
			fprintf(stderr, "  kmsg: %s", msg + 1);
	}
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

/* bpftool btf dump file /sys/kernel/btf/NAME: its exit status, or
 * 128 + the signal that killed it.
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
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		die("waitpid: %s", strerror(errno));
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

static void unload(uint32_t num)
{
	if (syscall(__NR_delete_module, modname, O_NONBLOCK)) {
		violation(num, "delete_module: %s", strerror(errno));
		return;
	}
	if (sysfs_btf_matches("", 0) != -1)
		violation(num, "/sys/kernel/btf/%s is still there after rmmod", modname);
}

/* One split case: the module image img (of ko_len bytes, with room for
 * the case after it at off) with the case's bytes as its .BTF.
 */
static const char *split_case(uint32_t num, char *img, size_t off,
			      Elf64_Shdr *shdr, const void *data, uint32_t len)
{
	int lines, matches, rc, tool;
	const char *outcome = "violation";
	long err = 0;

	memcpy(img + off, data, len);
	shdr->sh_offset = off;
	shdr->sh_size = len;
	kmsg_validate_lines(&err);
	rc = syscall(__NR_init_module, img, off + len, "") ? errno : 0;
	lines = kmsg_validate_lines(&err);
	if (rc) {
		if (strcmp(policy, "refuse") || lines != 1 || err != -rc)
			violation(num, "init_module: %s, %d validate lines (errno %ld)",
				  strerror(rc), lines, -err);
		else
			outcome = count(REFUSED);
		return outcome;
	}
	matches = sysfs_btf_matches(data, len);
	if (matches == 1 && lines == 0) {
		outcome = count(ACCEPTED);
		if (bpftool) {
			tool = run_bpftool();
			if (tool > 128)
				violation(num, "%s btf dump died of signal %d", bpftool, tool - 128);
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

int main(int argc, char **argv)
{
	size_t ko_len, cases_len, pos = 0, off, max = 0;
	int opt, ids, user, i;
	struct fuzz_case c;
	char *ko, *cases, *img;
	Elf64_Shdr *shdr;
	const char *outcome;

	while ((opt = getopt(argc, argv, "p:t:uv")) != -1) {
		if (opt == 'p')
			policy = optarg;
		else if (opt == 'u')
			user_only = 1;
		else if (opt == 't')
			bpftool = optarg;
		else if (opt == 'v')
			verbose = 1;
		else
			die("usage: btf_fuzz -p refuse|drop [-t BPFTOOL] [-u] [-v] KO CASES");
	}
	if (!policy || (strcmp(policy, "refuse") && strcmp(policy, "drop")) ||
	    argc - optind != 2)
		die("usage: btf_fuzz -p refuse|drop [-t BPFTOOL] [-u] [-v] KO CASES");
	ko = read_file(argv[optind], &ko_len);
	cases = read_file(argv[optind + 1], &cases_len);
	for (pos = 0; pos + sizeof(c) <= cases_len; pos += sizeof(c) + c.len) {
		memcpy(&c, cases + pos, sizeof(c));
		if (c.len > max)
			max = c.len;
	}
	if (pos != cases_len)
		die("%s: truncated", argv[optind + 1]);
	off = (ko_len + 7) & ~(size_t)7;
	img = calloc(1, off + max);
	if (!img)
		die("out of memory");
	memcpy(img, ko, ko_len);
	shdr = find_btf_shdr(img, ko_len);
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
			outcome = split_case(c.num, img, off, shdr, data, c.len);
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
