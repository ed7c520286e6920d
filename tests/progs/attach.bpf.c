// SPDX-License-Identifier: GPL-2.0
/*
 * fentry, fexit and fmod_ret programs on btf_attach_hit(), a function of
 * the btf_attach test module: libbpf 1.1 finds it in no vmlinux BTF, so
 * it passes the module's BTF object as attach_btf_obj_fd. The argument
 * is a BTF-typed pointer to struct btf_attach_arg, a type only the
 * module has: the fentry program reads arg->tag directly (no
 * bpf_probe_read), at the offset CO-RE relocates against the module's
 * BTF (the local definition below has no other member on purpose).
 */
#include <linux/bpf.h>
#include <linux/types.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "attach.h"

struct btf_attach_arg {
	int tag;
} __attribute__((preserve_access_index));

__u64 fentry_hits, fexit_hits, fmod_ret_hits, tp_btf_hits, raw_tp_hits;
int fentry_tag, fentry_x, fexit_x, fexit_ret;
int tp_btf_tag, tp_btf_x, raw_tp_tag, raw_tp_x;
int ksym_hits, ksym_this_cpu, ksym_cpu0;

/* The module's per-CPU variable: libbpf finds it in the module's BTF and
 * passes the module's BTF FD in the ld_imm64 (insn[1].imm). __weak, so
 * that the other programs of this object load where it is not found.
 */
extern int btf_attach_pcpu __ksym __weak;

SEC("fentry/btf_attach_hit")
int BPF_PROG(on_fentry, struct btf_attach_arg *arg, int x)
{
	__sync_fetch_and_add(&fentry_hits, 1);
	fentry_tag = arg->tag;
	fentry_x = x;
	return 0;
}

SEC("fexit/btf_attach_hit")
int BPF_PROG(on_fexit, struct btf_attach_arg *arg, int x, int ret)
{
	__sync_fetch_and_add(&fexit_hits, 1);
	fexit_x = x;
	fexit_ret = ret;
	return 0;
}

SEC("fmod_ret/btf_attach_hit")
int BPF_PROG(on_fmod_ret, struct btf_attach_arg *arg, int x, int ret)
{
	__sync_fetch_and_add(&fmod_ret_hits, 1);
	return x == ATTACH_FMOD_RET_X ? ATTACH_FMOD_RET_VALUE : 0;
}

/* The module's tracepoint, typed from the module's BTF (btf_trace_*) */
SEC("tp_btf/btf_attach_a_event")
int BPF_PROG(on_tp_btf, int tag, int x)
{
	__sync_fetch_and_add(&tp_btf_hits, 1);
	tp_btf_tag = tag;
	tp_btf_x = x;
	return 0;
}

/* The same tracepoint as a raw tracepoint, found by name */
SEC("raw_tp/btf_attach_a_event")
int BPF_PROG(on_raw_tp, int tag, int x)
{
	__sync_fetch_and_add(&raw_tp_hits, 1);
	raw_tp_tag = tag;
	raw_tp_x = x;
	return 0;
}

SEC("fentry/btf_attach_hit")
int BPF_PROG(on_ksym, struct btf_attach_arg *arg, int x)
{
	int *p;

	ksym_hits++;
	p = bpf_this_cpu_ptr(&btf_attach_pcpu);
	ksym_this_cpu = *p;
	p = bpf_per_cpu_ptr(&btf_attach_pcpu, 0);
	if (p)
		ksym_cpu0 = *p;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
