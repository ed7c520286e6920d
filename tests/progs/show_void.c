// SPDX-License-Identifier: GPL-2.0
/*
 * Ask the kernel to show "const void" and "volatile void" with
 * bpf_snprintf_btf(): a raw tracepoint program, run with
 * BPF_PROG_TEST_RUN, shows 8 zero bytes as each vmlinux type that is a
 * modifier of void. 5.10 called through the NULL kind operations of
 * void there and oopsed; a fixed kernel returns the length of what it
 * printed.
 *
 *   show_void      prints "ID KIND ret=N" for each such type; exits 0 if
 *                  every run returned N >= 0, 1 if one did not, 2 if it
 *                  could not run at all (no such type, no BTF)
 */
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>

#define INSN(c, d, s, o, i) \
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
#define MOV64_IMM(d, i) INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define MOV64_REG(d, s) INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define ADD64_IMM(d, i) INSN(BPF_ALU64 | BPF_ADD | BPF_K, d, 0, 0, i)
#define STX_DW(d, s, o) INSN(BPF_STX | BPF_MEM | BPF_DW, d, s, o, 0)
#define ST_W(d, o, i) INSN(BPF_ST | BPF_MEM | BPF_W, d, 0, o, i)
#define CALL(f) INSN(BPF_JMP | BPF_CALL, 0, 0, 0, f)
#define EXIT() INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

enum { R0, R1, R2, R3, R4, R5, R10 = 10 };

/* The return value of bpf_snprintf_btf() showing 8 zero bytes as @id. */
static int show(__u32 id, int *ret)
{
	/* fp-8: the data; fp-24: struct btf_ptr; fp-88: a 64-byte string */
	struct bpf_insn prog[32];
	int n = 0, off, fd, err;

	prog[n++] = MOV64_IMM(R1, 0);
	for (off = -88; off < 0; off += 8)
		prog[n++] = STX_DW(R10, R1, off);
	prog[n++] = MOV64_REG(R2, R10);
	prog[n++] = ADD64_IMM(R2, -8);
	prog[n++] = STX_DW(R10, R2, -24);	/* btf_ptr.ptr */
	prog[n++] = ST_W(R10, -16, id);		/* btf_ptr.type_id */
	prog[n++] = MOV64_REG(R1, R10);
	prog[n++] = ADD64_IMM(R1, -88);
	prog[n++] = MOV64_IMM(R2, 64);
	prog[n++] = MOV64_REG(R3, R10);
	prog[n++] = ADD64_IMM(R3, -24);
	prog[n++] = MOV64_IMM(R4, 16);
	prog[n++] = MOV64_IMM(R5, 0);
	prog[n++] = CALL(BPF_FUNC_snprintf_btf);
	prog[n++] = EXIT();

	LIBBPF_OPTS(bpf_test_run_opts, run);
	fd = bpf_prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, "show_void", "GPL",
			   prog, n, NULL);
	if (fd < 0)
		return -errno;
	err = bpf_prog_test_run_opts(fd, &run);
	*ret = (int)run.retval;
	return err ? -errno : 0;
}

int main(void)
{
	struct btf *btf = btf__load_vmlinux_btf();
	int id, n, ret, err, found = 0, bad = 0;
	const struct btf_type *t;

	if (!btf) {
		fprintf(stderr, "show_void: no vmlinux BTF: %s\n", strerror(errno));
		return 2;
	}
	n = btf__type_cnt(btf);
	for (id = 1; id < n; id++) {
		t = btf__type_by_id(btf, id);
		if (t->type || !(btf_is_const(t) || btf_is_volatile(t)))
			continue;
		found++;
		err = show(id, &ret);
		if (err) {
			fprintf(stderr, "show_void: [%d]: %s\n", id, strerror(-err));
			return 2;
		}
		printf("%d %s ret=%d\n", id, btf_is_const(t) ? "CONST" : "VOLATILE", ret);
		bad += ret < 0;
	}
	btf__free(btf);
	if (!found) {
		fprintf(stderr, "show_void: vmlinux BTF has no const or volatile void\n");
		return 2;
	}
	return bad ? 1 : 0;
}
