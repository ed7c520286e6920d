// SPDX-License-Identifier: GPL-2.0
/*
 * External test module for module BTF: it defines types that exist only
 * here, so they can appear only in this module's BTF. Writing to
 * /sys/kernel/debug/btf_test/trigger calls btf_test_touch() on a known
 * object, for a kprobe program to read it through CO-RE.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/module.h>

struct btf_test_inner {
	u16 a;
	u16 b;
};

struct btf_test_obj {
	u32 magic;
	u64 counter;
	char tag[12];
	struct btf_test_inner inner;
	int last;
};

enum btf_test_state {
	BTF_TEST_IDLE = 0,
	BTF_TEST_BUSY = 7,
};

static struct btf_test_obj btf_test_obj = {
	.magic = 0xb7f0cafe,
	.tag = "module-btf",
	.inner = { .a = 0x1234, .b = 0x5678 },
	.last = 42,
};

static enum btf_test_state btf_test_state;
static struct dentry *btf_test_dir;

noinline int btf_test_touch(struct btf_test_obj *obj)
{
	obj->counter++;
	btf_test_state = BTF_TEST_BUSY;
	return obj->last;
}

static ssize_t btf_test_trigger(struct file *file, const char __user *buf,
				size_t len, loff_t *ppos)
{
	btf_test_touch(&btf_test_obj);
	return len;
}

static const struct file_operations btf_test_fops = {
	.owner = THIS_MODULE,
	.write = btf_test_trigger,
};

static int __init btf_test_init(void)
{
	btf_test_dir = debugfs_create_dir("btf_test", NULL);
	debugfs_create_file("trigger", 0200, btf_test_dir, NULL, &btf_test_fops);
	return 0;
}

static void __exit btf_test_exit(void)
{
	debugfs_remove_recursive(btf_test_dir);
}

module_init(btf_test_init);
module_exit(btf_test_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Types that exist only in this module, for module BTF tests");
