// SPDX-License-Identifier: GPL-2.0
/*
 * What libbpf must do for a CO-RE program that names a module type: the
 * relocation of struct bench_t_1 (every bench module has it) makes
 * libbpf 1.1 load and parse the BTF of every module in the kernel. The
 * program is loaded, never attached.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct bench_t_1 {
	long b;
} __attribute__((preserve_access_index));

int size;

SEC("kprobe/bench_init")
int on_init(void *ctx)
{
	size = bpf_core_type_size(struct bench_t_1) +
	       bpf_core_field_offset(struct bench_t_1, b);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
