/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by attach.bpf.c and attach_loader.c: the fmod_ret program
 * makes btf_attach_hit() return ATTACH_FMOD_RET_VALUE when its x is
 * ATTACH_FMOD_RET_X, and leaves other calls alone.
 */
#ifndef ATTACH_H
#define ATTACH_H

#define ATTACH_FMOD_RET_X	77
#define ATTACH_FMOD_RET_VALUE	4242

#endif
