// SPDX-License-Identifier: GPL-2.0
/*
 * Open, load and attach attach.bpf.o through its skeleton, as a libbpf
 * 1.1 program would, call btf_attach_hit() through the module's debugfs
 * files and print what the programs saw, as key=value lines.
 *
 *   attach_loader [-v] [-p PROGS] [-t TARGET] [-H] TRIGGER [X]...
 *
 * TRIGGER  the module's debugfs trigger file; "result" is read from the
 *          same directory after each write
 * X        written to TRIGGER one after the other: result.X=the result
 * -p PROGS comma-separated: fentry,fexit,fmod_ret,tp_btf,raw_tp,ksym
 *          (default: fentry,fexit,fmod_ret); the others are not loaded
 * -t TARGET  bpf_program__set_attach_target(prog, 0, TARGET) for each
 *          fentry, fexit and fmod_ret program, instead of the SEC()
 *          name's
 * -H       hold: after attaching (and the triggers), print "attached"
 *          and wait until stdin closes, then print the facts
 * -v       libbpf's debug log on stderr
 *
 * Facts: fentry_hits, fentry_tag, fentry_x, fexit_hits, fexit_x,
 * fexit_ret, fmod_ret_hits, tp_btf_hits, tp_btf_tag, tp_btf_x,
 * raw_tp_hits, raw_tp_tag, raw_tp_x, ksym_hits, ksym_this_cpu,
 * ksym_cpu0, result.X. On failure a line on
 * stderr and
 * exit status 1.
 */
#define _GNU_SOURCE
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "attach.skel.h"

static int verbose;

static int print_libbpf(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (level == LIBBPF_DEBUG && !verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static int selected(const char *progs, const char *name)
{
	size_t n = strlen(name);
	const char *p = progs;

	if (!progs)
		return 1;
	while ((p = strstr(p, name))) {
		if ((p == progs || p[-1] == ',') && (p[n] == ',' || !p[n]))
			return 1;
		p += n;
	}
	return 0;
}

/* Write @x to @trigger, read back @result: 0 and the value in *value */
static int trigger(const char *trigger, const char *result, const char *x,
		   long *value)
{
	char buf[32] = "";
	int fd;

	fd = open(trigger, O_WRONLY);
	if (fd < 0 || write(fd, x, strlen(x)) != (ssize_t)strlen(x)) {
		fprintf(stderr, "write %s to %s: %s\n", x, trigger, strerror(errno));
		return -1;
	}
	close(fd);
	fd = open(result, O_RDONLY);
	if (fd < 0 || read(fd, buf, sizeof(buf) - 1) <= 0) {
		fprintf(stderr, "read %s: %s\n", result, strerror(errno));
		return -1;
	}
	close(fd);
	*value = strtol(buf, NULL, 10);
	return 0;
}

static void wait_stdin_eof(void)
{
	char buf[64];

	while (read(0, buf, sizeof(buf)) > 0)
		;
}

static void print_facts(const struct attach *skel)
{
	printf("fentry_hits=%llu\n", (unsigned long long)skel->bss->fentry_hits);
	printf("fentry_tag=%d\n", skel->bss->fentry_tag);
	printf("fentry_x=%d\n", skel->bss->fentry_x);
	printf("fexit_hits=%llu\n", (unsigned long long)skel->bss->fexit_hits);
	printf("fexit_x=%d\n", skel->bss->fexit_x);
	printf("fexit_ret=%d\n", skel->bss->fexit_ret);
	printf("fmod_ret_hits=%llu\n", (unsigned long long)skel->bss->fmod_ret_hits);
	printf("tp_btf_hits=%llu\n", (unsigned long long)skel->bss->tp_btf_hits);
	printf("tp_btf_tag=%d\n", skel->bss->tp_btf_tag);
	printf("tp_btf_x=%d\n", skel->bss->tp_btf_x);
	printf("raw_tp_hits=%llu\n", (unsigned long long)skel->bss->raw_tp_hits);
	printf("raw_tp_tag=%d\n", skel->bss->raw_tp_tag);
	printf("raw_tp_x=%d\n", skel->bss->raw_tp_x);
	printf("ksym_hits=%d\n", skel->bss->ksym_hits);
	printf("ksym_this_cpu=%d\n", skel->bss->ksym_this_cpu);
	printf("ksym_cpu0=%d\n", skel->bss->ksym_cpu0);
}

struct prog {
	const char *name;
	struct bpf_program *prog;
	struct bpf_link **link;
};

static void usage(void)
{
	fprintf(stderr, "usage: attach_loader [-v] [-p PROGS] [-t TARGET] [-H] TRIGGER [X]...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *progs = "fentry,fexit,fmod_ret", *target = NULL;
	char *result, *dir;
	struct attach *skel;
	struct prog p[6];
	int hold = 0, c, i, err;
	long value;

	while ((c = getopt(argc, argv, "vp:t:H")) != -1) {
		switch (c) {
		case 'v':
			verbose = 1;
			break;
		case 'p':
			progs = optarg;
			break;
		case 't':
			target = optarg;
			break;
		case 'H':
			hold = 1;
			break;
		default:
			usage();
		}
	}
	if (optind >= argc)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	libbpf_set_print(print_libbpf);
	dir = strdup(argv[optind]);
	if (!dir || asprintf(&result, "%s/result", dirname(dir)) < 0)
		return 1;

	skel = attach__open();
	if (!skel) {
		fprintf(stderr, "attach__open failed: %s\n", strerror(errno));
		return 1;
	}
	p[0] = (struct prog) { "fentry", skel->progs.on_fentry, &skel->links.on_fentry };
	p[1] = (struct prog) { "fexit", skel->progs.on_fexit, &skel->links.on_fexit };
	p[2] = (struct prog) { "fmod_ret", skel->progs.on_fmod_ret, &skel->links.on_fmod_ret };
	p[3] = (struct prog) { "tp_btf", skel->progs.on_tp_btf, &skel->links.on_tp_btf };
	p[4] = (struct prog) { "raw_tp", skel->progs.on_raw_tp, &skel->links.on_raw_tp };
	p[5] = (struct prog) { "ksym", skel->progs.on_ksym, &skel->links.on_ksym };
	for (i = 0; i < 6; i++) {
		if (!selected(progs, p[i].name)) {
			bpf_program__set_autoload(p[i].prog, false);
			continue;
		}
		err = target && (i < 3 || i == 5) ?
		      bpf_program__set_attach_target(p[i].prog, 0, target) : 0;
		if (err) {
			fprintf(stderr, "set_attach_target %s failed: %s (%d)\n",
				target, strerror(-err), err);
			return 1;
		}
	}
	err = attach__load(skel);
	if (err) {
		fprintf(stderr, "load failed: %s (%d)\n", strerror(-err), err);
		return 1;
	}
	for (i = 0; i < 6; i++) {
		if (!selected(progs, p[i].name))
			continue;
		*p[i].link = bpf_program__attach(p[i].prog);
		if (!*p[i].link) {
			fprintf(stderr, "attach of %s failed: %s\n", p[i].name,
				strerror(errno));
			return 1;
		}
	}
	for (i = optind + 1; i < argc; i++) {
		if (trigger(argv[optind], result, argv[i], &value))
			return 1;
		printf("result.%s=%ld\n", argv[i], value);
	}
	if (hold) {
		printf("attached\n");
		wait_stdin_eof();
	}
	print_facts(skel);
	attach__destroy(skel);
	return 0;
}
