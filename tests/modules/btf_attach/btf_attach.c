// SPDX-License-Identifier: GPL-2.0
/*
 * External test module for attaching BPF programs to module functions.
 * Built twice from this source: btf_attach (A) and btf_attach_b (B, with
 * BTF_ATTACH_B defined). Both have a function btf_attach_hit() taking a
 * struct btf_attach_arg that exists only in them, laid out differently
 * in each, so a program typed with the wrong module's BTF reads the
 * wrong offset.
 *
 * /sys/kernel/debug/<module>/trigger: writing N calls
 *	btf_attach_hit(&obj, N), which returns obj.tag + N (unless an
 *	fmod_ret program changes that) and fires the module's tracepoint
 * /sys/kernel/debug/<module>/result: the last return value, in decimal
 *
 * Also a per-CPU variable btf_attach_pcpu (111 in A, 222 in B) and a
 * tracepoint (btf_attach_a_event or btf_attach_b_event).
 */
#include <linux/debugfs.h>
#include <linux/error-injection.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/uaccess.h>

#define CREATE_TRACE_POINTS
#include "btf_attach_trace.h"

#ifdef BTF_ATTACH_B
struct btf_attach_arg {
	char pad[56];
	int tag;
	long value;
};

#define BTF_ATTACH_TAG	0x0b22
#define BTF_ATTACH_PCPU	222
#define btf_attach_trace(tag, x) trace_btf_attach_b_event(tag, x)
#else
struct btf_attach_arg {
	int tag;
	long value;
};

#define BTF_ATTACH_TAG	0x0a11
#define BTF_ATTACH_PCPU	111
#define btf_attach_trace(tag, x) trace_btf_attach_a_event(tag, x)
#endif

DEFINE_PER_CPU(int, btf_attach_pcpu);

static struct btf_attach_arg btf_attach_obj = { .tag = BTF_ATTACH_TAG };
static int btf_attach_result;
static DEFINE_MUTEX(btf_attach_lock);
static struct dentry *btf_attach_dir;

/* The attach target: not static, not inlined, called through a pointer. */
noinline int btf_attach_hit(struct btf_attach_arg *arg, int x)
{
	arg->value++;
	return arg->tag + x;
}
ALLOW_ERROR_INJECTION(btf_attach_hit, ERRNO);

/* read through READ_ONCE: the compiler cannot specialise the call */
static int (*btf_attach_hit_fn)(struct btf_attach_arg *, int) = btf_attach_hit;

static ssize_t btf_attach_trigger_write(struct file *file,
					const char __user *buf, size_t len,
					loff_t *ppos)
{
	int x, err;

	err = kstrtoint_from_user(buf, len, 0, &x);
	if (err)
		return err;
	mutex_lock(&btf_attach_lock);
	btf_attach_result = READ_ONCE(btf_attach_hit_fn)(&btf_attach_obj, x);
	btf_attach_trace(btf_attach_obj.tag, x);
	mutex_unlock(&btf_attach_lock);
	return len;
}

static ssize_t btf_attach_result_read(struct file *file, char __user *buf,
				      size_t len, loff_t *ppos)
{
	char text[16];
	int n;

	mutex_lock(&btf_attach_lock);
	n = scnprintf(text, sizeof(text), "%d\n", btf_attach_result);
	mutex_unlock(&btf_attach_lock);
	return simple_read_from_buffer(buf, len, ppos, text, n);
}

static const struct file_operations btf_attach_trigger_fops = {
	.owner = THIS_MODULE,
	.write = btf_attach_trigger_write,
};

static const struct file_operations btf_attach_result_fops = {
	.owner = THIS_MODULE,
	.read = btf_attach_result_read,
};

static int __init btf_attach_init(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		per_cpu(btf_attach_pcpu, cpu) = BTF_ATTACH_PCPU;
	btf_attach_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("trigger", 0200, btf_attach_dir, NULL,
			    &btf_attach_trigger_fops);
	debugfs_create_file("result", 0444, btf_attach_dir, NULL,
			    &btf_attach_result_fops);
	return 0;
}

static void __exit btf_attach_exit(void)
{
	debugfs_remove_recursive(btf_attach_dir);
}

module_init(btf_attach_init);
module_exit(btf_attach_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("A module function and types of its own, for BPF attach tests");
