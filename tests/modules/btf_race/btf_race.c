// SPDX-License-Identifier: GPL-2.0
/*
 * External test module with types of its own and nothing else: no
 * debugfs, sysfs or tracepoint names, so that copies of it renamed in
 * memory (tests/progs/btf_syscall race) can be loaded side by side, each
 * with its own module BTF.
 */
#include <linux/module.h>
#include <linux/percpu.h>

struct btf_race_node {
	struct btf_race_node *next;
	unsigned long key;
	union {
		u32 words[4];
		u64 pair[2];
	} val;
};

enum btf_race_state { BTF_RACE_IDLE, BTF_RACE_BUSY = 7 };

struct btf_race_table {
	struct btf_race_node *heads[8];
	enum btf_race_state state;
	int (*hash)(const struct btf_race_node *node);
	unsigned int bits:5, flags:3;
};

static struct btf_race_table btf_race_table;
static DEFINE_PER_CPU(struct btf_race_node, btf_race_pcpu);

static noinline int btf_race_hash(const struct btf_race_node *node)
{
	return node->key & 7;
}

static int __init btf_race_init(void)
{
	btf_race_table.hash = btf_race_hash;
	this_cpu_write(btf_race_pcpu.key, 1);
	return 0;
}

static void __exit btf_race_exit(void)
{
}

module_init(btf_race_init);
module_exit(btf_race_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("A module with types only, for module BTF race tests");
