// SPDX-License-Identifier: GPL-2.0
/*
 * External test module with no types of its own: no functions, no
 * variables, only module info. Its BTF (split on vmlinux BTF) has
 * nothing to add, so pahole gives it a header-only .BTF, which the
 * kernel must accept: upstream once refused to load such modules.
 */
#include <linux/module.h>

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("A module that adds no types to vmlinux BTF");
