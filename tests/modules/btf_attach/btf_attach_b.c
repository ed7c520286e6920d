// SPDX-License-Identifier: GPL-2.0
/*
 * The second btf_attach module: the same source with another layout of
 * struct btf_attach_arg, other constants and another tracepoint.
 */
#define BTF_ATTACH_B
#include "btf_attach.c"
