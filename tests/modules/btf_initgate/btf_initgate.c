// SPDX-License-Identifier: GPL-2.0
/*
 * External test module whose init waits at a gate until user space
 * writes 1 to /sys/module/btf_initgate/parameters/go (or timeout_ms
 * passes), then fails with -init_errno if that is set. While init waits,
 * the module's BTF has been verified (MODULE_STATE_COMING) but must not
 * be visible; for a module whose init fails it must never be (upstream
 * once published it at COMING, usable while the failed module was
 * being freed).
 */
#include <linux/delay.h>
#include <linux/module.h>

struct btf_initgate_state {
	bool go;
	unsigned int timeout_ms;
	int init_errno;
};

static struct btf_initgate_state btf_initgate_state = { .timeout_ms = 60000 };
module_param_named(go, btf_initgate_state.go, bool, 0644);
module_param_named(timeout_ms, btf_initgate_state.timeout_ms, uint, 0444);
module_param_named(init_errno, btf_initgate_state.init_errno, int, 0444);

/* Not cloned (gcc's constprop would rename it), so that its BTF FUNC and
 * symbol are there for test 29 to attach to once the module is LIVE.
 */
static noinline __noclone int btf_initgate_wait(struct btf_initgate_state *state)
{
	unsigned int waited;

	for (waited = 0; !READ_ONCE(state->go) && waited < state->timeout_ms;
	     waited += 20)
		msleep(20);
	return -state->init_errno;
}

static int __init btf_initgate_init(void)
{
	return btf_initgate_wait(&btf_initgate_state);
}

static void __exit btf_initgate_exit(void)
{
}

module_init(btf_initgate_init);
module_exit(btf_initgate_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("A module whose init waits for user space, for module BTF tests");
