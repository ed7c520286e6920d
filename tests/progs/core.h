/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What core.bpf.c stores for core_loader.c: one __u64 per key in an
 * array map, index = enum core_key. Keys are X(name, "printed.name").
 */
#ifndef CORE_H
#define CORE_H

#define CORE_KEYS(X)					\
	X(HITS, "hits")					\
	X(TYPE_EXISTS, "type_exists")			\
	X(OBJ_SIZE, "obj_size")				\
	X(OFF_MAGIC, "off.magic")			\
	X(SIZE_MAGIC, "size.magic")			\
	X(OFF_COUNTER, "off.counter")			\
	X(SIZE_COUNTER, "size.counter")			\
	X(OFF_TAG, "off.tag")				\
	X(SIZE_TAG, "size.tag")				\
	X(OFF_INNER, "off.inner")			\
	X(SIZE_INNER, "size.inner")			\
	X(OFF_INNER_A, "off.inner.a")			\
	X(SIZE_INNER_A, "size.inner.a")			\
	X(OFF_INNER_B, "off.inner.b")			\
	X(SIZE_INNER_B, "size.inner.b")			\
	X(OFF_LAST, "off.last")				\
	X(SIZE_LAST, "size.last")			\
	X(VAL_MAGIC, "val.magic")			\
	X(VAL_COUNTER, "val.counter")			\
	X(VAL_INNER_A, "val.inner.a")			\
	X(VAL_INNER_B, "val.inner.b")			\
	X(VAL_LAST, "val.last")				\
	X(VAL_TAG0, "val.tag0")				\
	X(VAL_TAG1, "val.tag1")				\
	X(ENUM_BUSY, "enum.BTF_TEST_BUSY")

#define CORE_ENUM(k, s) K_##k,
enum core_key { CORE_KEYS(CORE_ENUM) K_MAX };
#undef CORE_ENUM

#endif
