// SPDX-License-Identifier: GPL-2.0
/*
 * Load core.bpf.o with libbpf (as any libbpf 1.1 program would: open,
 * load, attach), trigger btf_test_touch() N times through debugfs and
 * print what the program stored, as key=value lines.
 *
 *   core_loader [-v] BPF_OBJECT TRIGGER_FILE N
 *
 * -v prints libbpf's debug log on stderr (CO-RE relocation details).
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/types.h>
#include "core.h"

#define CORE_NAME(k, s) s,
static const char *const key_names[] = { CORE_KEYS(CORE_NAME) };

static int verbose;

static int print_libbpf(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (level == LIBBPF_DEBUG && !verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static int trigger(const char *path, int times)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0) {
		perror(path);
		return -1;
	}
	while (times--) {
		if (write(fd, "1", 1) != 1) {
			perror(path);
			close(fd);
			return -1;
		}
	}
	return close(fd);
}

static void print_results(int map_fd)
{
	__u64 v, tag[2];
	__u32 k;

	for (k = 0; k < K_MAX; k++) {
		if (bpf_map_lookup_elem(map_fd, &k, &v))
			v = ~0ULL;
		if (k == K_VAL_TAG0 || k == K_VAL_TAG1) {
			tag[k - K_VAL_TAG0] = v;
			continue;
		}
		printf("%s=%llu\n", key_names[k], (unsigned long long)v);
	}
	printf("val.tag=%.*s\n", (int)sizeof(tag), (char *)tag);
}

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct bpf_link *link;
	struct bpf_map *map;
	int err;

	if (argc > 1 && !strcmp(argv[1], "-v")) {
		verbose = 1;
		argv++, argc--;
	}
	if (argc != 4) {
		fprintf(stderr, "usage: core_loader [-v] BPF_OBJECT TRIGGER_FILE N\n");
		return 2;
	}
	libbpf_set_print(print_libbpf);

	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		fprintf(stderr, "open %s failed\n", argv[1]);
		return 1;
	}
	err = bpf_object__load(obj);
	if (err) {
		fprintf(stderr, "load failed: %s\n", strerror(-err));
		return 1;
	}
	prog = bpf_object__find_program_by_name(obj, "on_touch");
	map = bpf_object__find_map_by_name(obj, "results");
	if (!prog || !map) {
		fprintf(stderr, "no program on_touch or map results\n");
		return 1;
	}
	link = bpf_program__attach(prog);
	if (!link) {
		fprintf(stderr, "attach failed\n");
		return 1;
	}
	if (trigger(argv[2], atoi(argv[3])))
		return 1;
	print_results(bpf_map__fd(map));
	bpf_link__destroy(link);
	bpf_object__close(obj);
	return 0;
}
