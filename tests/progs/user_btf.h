/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The smallest BTF user space can load (one INT type, "int"), for the
 * tests that need BTF that is not kernel BTF. Needs <linux/bpf.h>,
 * <linux/btf.h>, <sys/syscall.h> and <unistd.h>.
 */
#ifndef USER_BTF_H
#define USER_BTF_H

/* BPF_BTF_LOAD of that BTF: its fd, or -1 with errno set */
static inline int user_btf_load(void)
{
	struct {
		struct btf_header hdr;
		struct btf_type t;
		__u32 int_info;
		char str[5];
	} __attribute__((packed)) raw = {
		.hdr = {
			.magic = BTF_MAGIC, .version = BTF_VERSION,
			.hdr_len = sizeof(struct btf_header),
			.type_off = 0, .type_len = sizeof(struct btf_type) + 4,
			.str_off = sizeof(struct btf_type) + 4, .str_len = 5,
		},
		.t = { .name_off = 1, .info = BTF_KIND_INT << 24, .size = 4 },
		.int_info = 32,
		.str = "\0int",
	};
	union bpf_attr attr = {};

	attr.btf = (__u64)(unsigned long)&raw;
	attr.btf_size = sizeof(raw);
	return syscall(__NR_bpf, BPF_BTF_LOAD, &attr, sizeof(attr));
}

#endif
