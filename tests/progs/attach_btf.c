// SPDX-License-Identifier: GPL-2.0
/*
 * Load a hand-made fentry, fexit, fmod_ret or lsm program with raw bpf()
 * syscalls, with attach_btf_obj_fd and attach_btf_id as the options say,
 * for the guest tests of attaching to module functions. It prints facts
 * as key=value lines on stdout and the verifier log on stderr; the
 * verdicts are the test's. It exits non-zero only when it cannot do what
 * it was asked (bad usage, a BTF or a name it cannot find).
 *
 *   attach_btf [OPTION]... info|load|attach
 *
 *   --btf WHAT     attach_btf_obj_fd: the kernel BTF named WHAT (a module
 *                  or vmlinux, found by walking the BTF IDs), or
 *                  none (0), map (an array map), user (a BTF loaded from
 *                  user space), closed (a number that is no open fd)
 *   --func NAME    attach_btf_id: the FUNC NAME in the BTF of --lookup
 *   --struct NAME  attach_btf_id: the STRUCT NAME in the BTF of --lookup
 *   --type-id N    attach_btf_id: N
 *   --lookup WHAT  the kernel BTF --func and --struct are looked up in
 *                  (default: that of --btf)
 *   --kind KIND    fentry (default), fexit, fmod_ret or lsm
 *   --off N        the program reads the u32 at offset N of its first
 *                  argument, a BTF-typed pointer, and keeps it (tag=)
 *   --ret N        the program's return value (default 0; fmod_ret)
 *   --pause        once the fds and IDs are known, print "ready" and wait
 *                  for a line (or EOF) on stdin before loading
 *
 *   info    obj_id=, last_type_id= of the BTF of --lookup, type_id=
 *   load    errno= of BPF_PROG_LOAD (0: loaded), the log on stderr
 *   attach  load, then BPF_RAW_TRACEPOINT_OPEN (name NULL, as libbpf on
 *           5.10): attach_errno=; once attached print "attached", wait
 *           for EOF on stdin, then print hits= (and tag= with --off)
 *
 * The program: r7 = --off ? *(u32 *)(ctx[0] + off) : 0; then in an
 * array map, value[0] += 1 and value[1] = r7; return --ret.
 */
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/bpf.h>
#include <linux/btf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "user_btf.h"

#define NAME_MAX_LEN	64
#define LOG_SIZE	(1 << 20)
#define CLOSED_FD	1000

#define INSN(c, d, s, o, i) ((struct bpf_insn) {			\
	.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
#define MOV64_REG(d, s)		INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define MOV64_IMM(d, i)		INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define ADD64_IMM(d, i)		INSN(BPF_ALU64 | BPF_ADD | BPF_K, d, 0, 0, i)
#define LDX(sz, d, s, o)	INSN(BPF_LDX | BPF_MEM | (sz), d, s, o, 0)
#define STX(sz, d, s, o)	INSN(BPF_STX | BPF_MEM | (sz), d, s, o, 0)
#define ST_IMM(sz, d, o, i)	INSN(BPF_ST | BPF_MEM | (sz), d, 0, o, i)
#define XADD64(d, s, o)		INSN(BPF_STX | BPF_XADD | BPF_DW, d, s, o, 0)
#define JEQ_IMM(d, i, o)	INSN(BPF_JMP | BPF_JEQ | BPF_K, d, 0, o, i)
#define CALL(f)			INSN(BPF_JMP | BPF_CALL, 0, 0, 0, f)
#define EXIT()			INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
/* the first half of ld_imm64; the second is INSN(0, 0, 0, 0, 0) */
#define LD_MAP_FD(d, fd)	INSN(BPF_LD | BPF_DW | BPF_IMM, d,	\
				     BPF_PSEUDO_MAP_FD, 0, fd)

struct opts {
	const char *btf;
	const char *lookup;
	const char *func;
	const char *strct;
	long type_id;
	const char *kind;
	long off;
	int ret;
	int pause;
	const char *action;
};

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

static void __attribute__((noreturn)) die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("attach_btf: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

/* The kernel BTF named @want: its fd, and its ID in *id; -ENOENT if none */
static int kernel_btf_fd(const char *want, __u32 *id)
{
	union bpf_attr attr;
	struct bpf_btf_info info;
	char name[NAME_MAX_LEN];
	__u32 next = 0;
	int fd;

	for (;;) {
		memset(&attr, 0, sizeof(attr));
		attr.start_id = next;
		if (sys_bpf(BPF_BTF_GET_NEXT_ID, &attr))
			return -ENOENT;
		next = attr.next_id;

		memset(&attr, 0, sizeof(attr));
		attr.btf_id = next;
		fd = sys_bpf(BPF_BTF_GET_FD_BY_ID, &attr);
		if (fd < 0)
			continue;	/* gone meanwhile */

		memset(&info, 0, sizeof(info));
		memset(name, 0, sizeof(name));
		info.name = (__u64)(unsigned long)name;
		info.name_len = sizeof(name);
		memset(&attr, 0, sizeof(attr));
		attr.info.bpf_fd = fd;
		attr.info.info_len = sizeof(info);
		attr.info.info = (__u64)(unsigned long)&info;
		if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr) == 0 &&
		    info.kernel_btf && strcmp(name, want) == 0) {
			*id = next;
			return fd;
		}
		close(fd);
	}
}

/*
 * The kernel BTF named @name parsed with libbpf (split on vmlinux's), and
 * its ID in *obj_id. vmlinux BTF is read from /sys/kernel/btf/vmlinux,
 * which stock 5.10 has too, although it gives it no ID (*obj_id 0).
 */
static struct btf *parse_kernel_btf(const char *name, __u32 *obj_id)
{
	static struct btf *vmlinux;
	struct btf *btf;
	__u32 id = 0;
	int fd;

	if (!vmlinux) {
		vmlinux = btf__load_vmlinux_btf();
		if (!vmlinux)
			die("cannot read vmlinux BTF: %s", strerror(errno));
	}
	fd = kernel_btf_fd(name, &id);
	if (fd >= 0)
		close(fd);
	*obj_id = id;
	if (strcmp(name, "vmlinux") == 0)
		return vmlinux;
	if (fd < 0)
		die("no kernel BTF named %s", name);
	btf = btf__load_from_kernel_by_id_split(id, vmlinux);
	if (!btf)
		die("cannot read BTF %s (ID %u): %s", name, id, strerror(errno));
	return btf;
}

static int user_btf_fd(void)
{
	int fd = user_btf_load();

	if (fd < 0)
		die("BPF_BTF_LOAD of a user BTF: %s", strerror(errno));
	return fd;
}

static int array_map_fd(__u32 value_size)
{
	union bpf_attr attr = {};
	int fd;

	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = value_size;
	attr.max_entries = 1;
	fd = sys_bpf(BPF_MAP_CREATE, &attr);
	if (fd < 0)
		die("BPF_MAP_CREATE: %s", strerror(errno));
	return fd;
}

/* attach_btf_obj_fd for --btf */
static int attach_obj_fd(const char *what)
{
	__u32 id;
	int fd;

	if (strcmp(what, "none") == 0)
		return 0;
	if (strcmp(what, "map") == 0)
		return array_map_fd(4);
	if (strcmp(what, "user") == 0)
		return user_btf_fd();
	if (strcmp(what, "closed") == 0) {
		if (fcntl(CLOSED_FD, F_GETFD) != -1 || errno != EBADF)
			die("fd %d is open", CLOSED_FD);
		return CLOSED_FD;
	}
	fd = kernel_btf_fd(what, &id);
	if (fd < 0)
		die("no kernel BTF named %s", what);
	return fd;
}

static int is_kernel_btf_name(const char *what)
{
	return strcmp(what, "none") && strcmp(what, "map") &&
	       strcmp(what, "user") && strcmp(what, "closed");
}

static void wait_stdin(int until_eof)
{
	char c;

	while (read(0, &c, 1) == 1)
		if (!until_eof && c == '\n')
			return;
}

static int prog_type_of(const char *kind, enum bpf_attach_type *type)
{
	if (strcmp(kind, "fentry") == 0)
		*type = BPF_TRACE_FENTRY;
	else if (strcmp(kind, "fexit") == 0)
		*type = BPF_TRACE_FEXIT;
	else if (strcmp(kind, "fmod_ret") == 0)
		*type = BPF_MODIFY_RETURN;
	else if (strcmp(kind, "lsm") == 0)
		*type = BPF_LSM_MAC;
	else
		die("unknown --kind %s", kind);
	return *type == BPF_LSM_MAC ? BPF_PROG_TYPE_LSM : BPF_PROG_TYPE_TRACING;
}

/* BPF_PROG_LOAD: the program fd, or -errno; the log goes to stderr */
static int load(const struct opts *o, int obj_fd, __u32 type_id, int map_fd)
{
	struct bpf_insn insns[32];
	union bpf_attr attr = {};
	enum bpf_attach_type type;
	char *log = calloc(1, LOG_SIZE);
	int n = 0, fd, err;

	if (!log)
		die("out of memory");
	insns[n++] = MOV64_REG(BPF_REG_6, BPF_REG_1);
	if (o->off >= 0) {
		insns[n++] = LDX(BPF_DW, BPF_REG_1, BPF_REG_6, 0);
		insns[n++] = LDX(BPF_W, BPF_REG_7, BPF_REG_1, o->off);
	} else {
		insns[n++] = MOV64_IMM(BPF_REG_7, 0);
	}
	insns[n++] = ST_IMM(BPF_W, BPF_REG_10, -4, 0);
	insns[n++] = MOV64_REG(BPF_REG_2, BPF_REG_10);
	insns[n++] = ADD64_IMM(BPF_REG_2, -4);
	insns[n++] = LD_MAP_FD(BPF_REG_1, map_fd);
	insns[n++] = INSN(0, 0, 0, 0, 0);
	insns[n++] = CALL(BPF_FUNC_map_lookup_elem);
	insns[n++] = JEQ_IMM(BPF_REG_0, 0, 3);
	insns[n++] = MOV64_IMM(BPF_REG_1, 1);
	insns[n++] = XADD64(BPF_REG_0, BPF_REG_1, 0);
	insns[n++] = STX(BPF_DW, BPF_REG_0, BPF_REG_7, 8);
	insns[n++] = MOV64_IMM(BPF_REG_0, o->ret);
	insns[n++] = EXIT();

	attr.prog_type = prog_type_of(o->kind, &type);
	attr.expected_attach_type = type;
	attr.insns = (__u64)(unsigned long)insns;
	attr.insn_cnt = n;
	attr.license = (__u64)(unsigned long)"GPL";
	attr.log_level = 1;
	attr.log_buf = (__u64)(unsigned long)log;
	attr.log_size = LOG_SIZE;
	attr.attach_btf_obj_fd = obj_fd;
	attr.attach_btf_id = type_id;
	strncpy(attr.prog_name, "attach_btf", sizeof(attr.prog_name) - 1);
	fd = sys_bpf(BPF_PROG_LOAD, &attr);
	err = fd < 0 ? errno : 0;
	printf("errno=%d\n", err);
	fprintf(stderr, "%s", log);
	if (log[0] && log[strlen(log) - 1] != '\n')
		fputc('\n', stderr);
	free(log);
	return fd < 0 ? -err : fd;
}

static void attach(const struct opts *o, int prog_fd, int map_fd)
{
	union bpf_attr attr = {};
	__u64 value[2] = {};
	__u32 key = 0;
	int fd;

	attr.raw_tracepoint.name = 0;
	attr.raw_tracepoint.prog_fd = prog_fd;
	fd = sys_bpf(BPF_RAW_TRACEPOINT_OPEN, &attr);
	printf("attach_errno=%d\n", fd < 0 ? errno : 0);
	if (fd < 0)
		return;
	printf("attached\n");
	wait_stdin(1);

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = map_fd;
	attr.key = (__u64)(unsigned long)&key;
	attr.value = (__u64)(unsigned long)value;
	if (sys_bpf(BPF_MAP_LOOKUP_ELEM, &attr))
		die("BPF_MAP_LOOKUP_ELEM: %s", strerror(errno));
	printf("hits=%llu\n", (unsigned long long)value[0]);
	if (o->off >= 0)
		printf("tag=%llu\n", (unsigned long long)value[1]);
	close(fd);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: attach_btf [--btf MOD|vmlinux|none|map|user|closed]\n"
		"                  [--func NAME | --struct NAME | --type-id N] [--lookup MOD]\n"
		"                  [--kind fentry|fexit|fmod_ret|lsm] [--off N] [--ret N]\n"
		"                  [--pause] info|load|attach\n");
	exit(2);
}

static void parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "btf", required_argument, NULL, 'b' },
		{ "func", required_argument, NULL, 'f' },
		{ "struct", required_argument, NULL, 's' },
		{ "type-id", required_argument, NULL, 't' },
		{ "lookup", required_argument, NULL, 'l' },
		{ "kind", required_argument, NULL, 'k' },
		{ "off", required_argument, NULL, 'o' },
		{ "ret", required_argument, NULL, 'r' },
		{ "pause", no_argument, NULL, 'p' },
		{}
	};
	int c;

	*o = (struct opts) { .btf = "none", .type_id = -1, .kind = "fentry",
			     .off = -1 };
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'b':
			o->btf = optarg;
			break;
		case 'f':
			o->func = optarg;
			break;
		case 's':
			o->strct = optarg;
			break;
		case 't':
			o->type_id = strtol(optarg, NULL, 0);
			break;
		case 'l':
			o->lookup = optarg;
			break;
		case 'k':
			o->kind = optarg;
			break;
		case 'o':
			o->off = strtol(optarg, NULL, 0);
			break;
		case 'r':
			o->ret = strtol(optarg, NULL, 0);
			break;
		case 'p':
			o->pause = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1)
		usage();
	o->action = argv[optind];
	if (!!o->func + !!o->strct + (o->type_id >= 0) > 1)
		usage();
	if (!o->lookup && is_kernel_btf_name(o->btf))
		o->lookup = o->btf;
}

/* attach_btf_id from --func, --struct or --type-id (0 if none) */
static __u32 type_id_of(const struct opts *o)
{
	const char *name = o->func ?: o->strct;
	struct btf *btf;
	__u32 obj_id;
	int id;

	if (o->type_id >= 0)
		return o->type_id;
	if (!name && strcmp(o->action, "info"))
		return 0;
	if (!o->lookup)
		die("--func, --struct and info need --lookup or a kernel BTF in --btf");
	btf = parse_kernel_btf(o->lookup, &obj_id);
	if (strcmp(o->action, "info") == 0) {
		printf("obj_id=%u\n", obj_id);
		printf("last_type_id=%u\n", btf__type_cnt(btf) - 1);
	}
	if (!name)
		return 0;
	id = btf__find_by_name_kind(btf, name, o->func ? BTF_KIND_FUNC : BTF_KIND_STRUCT);
	if (id <= 0)
		die("no %s %s in the BTF of %s", o->func ? "FUNC" : "STRUCT", name,
		    o->lookup);
	return id;
}

int main(int argc, char **argv)
{
	struct opts o;
	__u32 type_id;
	int obj_fd, map_fd, prog_fd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	parse_args(argc, argv, &o);
	type_id = type_id_of(&o);
	if (strcmp(o.action, "info") == 0) {
		printf("type_id=%u\n", type_id);
		return 0;
	}
	if (strcmp(o.action, "load") && strcmp(o.action, "attach"))
		usage();
	map_fd = array_map_fd(2 * sizeof(__u64));
	obj_fd = attach_obj_fd(o.btf);
	if (o.pause) {
		printf("ready\n");
		wait_stdin(0);
	}
	prog_fd = load(&o, obj_fd, type_id, map_fd);
	if (prog_fd >= 0 && strcmp(o.action, "attach") == 0)
		attach(&o, prog_fd, map_fd);
	return 0;
}
