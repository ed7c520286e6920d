// SPDX-License-Identifier: GPL-2.0
/*
 * A kprobe on btf_test_touch(struct btf_test_obj *) that reads the
 * object through CO-RE. struct btf_test_obj exists only in the btf_test
 * module's BTF, so libbpf must relocate against module BTF. The local
 * definitions below differ from the module's on purpose: other member
 * order, other (compatible) integer types, other enum values, so that
 * a relocation that did not happen reads wrong values.
 */
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "core.h"

struct btf_test_inner {
	unsigned short b;
	short a;
} __attribute__((preserve_access_index));

struct btf_test_obj {
	unsigned int last;
	struct btf_test_inner inner;
	char tag[12];
	long long counter;
	int magic;
} __attribute__((preserve_access_index));

enum btf_test_state {
	BTF_TEST_BUSY = 1,
	BTF_TEST_IDLE = 2,
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, K_MAX);
	__type(key, __u32);
	__type(value, __u64);
} results SEC(".maps");

static __always_inline void put(__u32 key, __u64 value)
{
	bpf_map_update_elem(&results, &key, &value, BPF_ANY);
}

SEC("kprobe/btf_test_touch")
int BPF_KPROBE(on_touch, struct btf_test_obj *obj)
{
	__u32 key = K_HITS;
	__u64 *hits = bpf_map_lookup_elem(&results, &key);
	__u64 tag[2] = {};

	if (hits)
		__sync_fetch_and_add(hits, 1);

	put(K_TYPE_EXISTS, bpf_core_type_exists(struct btf_test_obj));
	put(K_OBJ_SIZE, bpf_core_type_size(struct btf_test_obj));
	put(K_OFF_MAGIC, bpf_core_field_offset(obj->magic));
	put(K_SIZE_MAGIC, bpf_core_field_size(obj->magic));
	put(K_OFF_COUNTER, bpf_core_field_offset(obj->counter));
	put(K_SIZE_COUNTER, bpf_core_field_size(obj->counter));
	put(K_OFF_TAG, bpf_core_field_offset(obj->tag));
	put(K_SIZE_TAG, bpf_core_field_size(obj->tag));
	put(K_OFF_INNER, bpf_core_field_offset(obj->inner));
	put(K_SIZE_INNER, bpf_core_field_size(obj->inner));
	put(K_OFF_INNER_A, bpf_core_field_offset(obj->inner.a));
	put(K_SIZE_INNER_A, bpf_core_field_size(obj->inner.a));
	put(K_OFF_INNER_B, bpf_core_field_offset(obj->inner.b));
	put(K_SIZE_INNER_B, bpf_core_field_size(obj->inner.b));
	put(K_OFF_LAST, bpf_core_field_offset(obj->last));
	put(K_SIZE_LAST, bpf_core_field_size(obj->last));

	put(K_VAL_MAGIC, (unsigned int)BPF_CORE_READ(obj, magic));
	put(K_VAL_COUNTER, BPF_CORE_READ(obj, counter));
	put(K_VAL_INNER_A, (unsigned short)BPF_CORE_READ(obj, inner.a));
	put(K_VAL_INNER_B, BPF_CORE_READ(obj, inner.b));
	put(K_VAL_LAST, BPF_CORE_READ(obj, last));
	bpf_core_read(&tag, sizeof(obj->tag), &obj->tag);
	put(K_VAL_TAG0, tag[0]);
	put(K_VAL_TAG1, tag[1]);
	put(K_ENUM_BUSY, bpf_core_enum_value(enum btf_test_state, BTF_TEST_BUSY));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
