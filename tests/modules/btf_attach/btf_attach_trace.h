/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tracepoint of the btf_attach modules: btf_attach_a_event in
 * btf_attach (system btf_attach), btf_attach_b_event in btf_attach_b
 * (system btf_attach_b), both (int tag, int x).
 */
#undef TRACE_SYSTEM
#ifdef BTF_ATTACH_B
#define TRACE_SYSTEM btf_attach_b
#else
#define TRACE_SYSTEM btf_attach
#endif

#if !defined(_BTF_ATTACH_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _BTF_ATTACH_TRACE_H

#include <linux/tracepoint.h>

DECLARE_EVENT_CLASS(btf_attach_class,
	TP_PROTO(int tag, int x),
	TP_ARGS(tag, x),
	TP_STRUCT__entry(
		__field(int, tag)
		__field(int, x)
	),
	TP_fast_assign(
		__entry->tag = tag;
		__entry->x = x;
	),
	TP_printk("tag=%#x x=%d", __entry->tag, __entry->x)
);

#ifdef BTF_ATTACH_B
DEFINE_EVENT(btf_attach_class, btf_attach_b_event,
	TP_PROTO(int tag, int x),
	TP_ARGS(tag, x));
#else
DEFINE_EVENT(btf_attach_class, btf_attach_a_event,
	TP_PROTO(int tag, int x),
	TP_ARGS(tag, x));
#endif

#endif /* _BTF_ATTACH_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE btf_attach_trace
#include <trace/define_trace.h>
