/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A kernel module file in memory, for init_module(): where its .BTF
 * section header and its name (struct module in
 * .gnu.linkonce.this_module: the name follows the state and the list,
 * at offset 24 on x86-64) are, so that a test can give it other BTF or
 * another name without writing a file.
 */
#ifndef KO_IMAGE_H
#define KO_IMAGE_H

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KO_NAME_OFF	24
#define KO_NAME_LEN	56	/* MODULE_NAME_LEN on 64-bit */

struct ko_image {
	char *data;		/* the file, then room for extra bytes */
	size_t len;		/* of the file */
	size_t end;		/* len rounded up to 8: where extra bytes go */
	Elf64_Shdr *btf;	/* the .BTF section header */
	char *name;		/* the module's name, in data */
};

/* All of the file fd into buf (len bytes); 0, or -1. */
static inline int ko_read_all(int fd, char *buf, size_t len)
{
	ssize_t r;

	while (len) {
		r = read(fd, buf, len);
		if (r <= 0)
			return -1;
		buf += r;
		len -= r;
	}
	return 0;
}

/* Is [off, off + size) within len bytes? */
static inline int ko_within(size_t off, size_t size, size_t len)
{
	return off <= len && size <= len - off;
}

/* Read the module file path with extra bytes of room after it; 0, or -1
 * with a message in err. A file without a .BTF section is refused if
 * need_btf, else read with ko->btf NULL.
 */
static inline int ko_image_load(const char *path, size_t extra, int need_btf,
				struct ko_image *ko, char *err, size_t err_len)
{
	Elf64_Ehdr *eh;
	Elf64_Shdr *sh;
	const char *name;
	struct stat st;
	int fd, i, bad;
	size_t strs;

	memset(ko, 0, sizeof(*ko));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, err_len, "%s: %s", path, strerror(errno));
		return -1;
	}
	bad = fstat(fd, &st);
	if (!bad) {
		ko->len = st.st_size;
		ko->end = (ko->len + 7) & ~(size_t)7;
		ko->data = calloc(1, ko->end + extra);
		bad = !ko->data || ko_read_all(fd, ko->data, ko->len);
	}
	close(fd);
	if (bad) {
		snprintf(err, err_len, "%s: cannot read it", path);
		goto fail;
	}
	eh = (Elf64_Ehdr *)ko->data;
	if (ko->len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    !ko_within(eh->e_shoff, (size_t)eh->e_shnum * sizeof(*sh), ko->len) ||
	    eh->e_shstrndx >= eh->e_shnum) {
		snprintf(err, err_len, "%s is no ELF64 file", path);
		goto fail;
	}
	sh = (Elf64_Shdr *)(ko->data + eh->e_shoff);
	strs = sh[eh->e_shstrndx].sh_offset;
	for (i = 0; i < eh->e_shnum; i++) {
		if (!ko_within(strs + sh[i].sh_name, 1, ko->len) ||
		    !memchr(ko->data + strs + sh[i].sh_name, '\0',
			    ko->len - strs - sh[i].sh_name))
			continue;
		name = ko->data + strs + sh[i].sh_name;
		if (!strcmp(name, ".BTF") &&
		    ko_within(sh[i].sh_offset, sh[i].sh_size, ko->len))
			ko->btf = &sh[i];
		else if (!strcmp(name, ".gnu.linkonce.this_module") &&
			 ko_within(sh[i].sh_offset, KO_NAME_OFF + KO_NAME_LEN, ko->len))
			ko->name = ko->data + sh[i].sh_offset + KO_NAME_OFF;
	}
	if (!ko->name || (need_btf && !ko->btf)) {
		snprintf(err, err_len, "%s has no %s section", path,
			 ko->name ? ".BTF" : ".gnu.linkonce.this_module");
		goto fail;
	}
	return 0;
fail:
	free(ko->data);
	memset(ko, 0, sizeof(*ko));
	return -1;
}

/* ko_image_load() of a module file that must have a .BTF section. */
static inline int ko_image_read(const char *path, size_t extra,
				struct ko_image *ko, char *err, size_t err_len)
{
	return ko_image_load(path, extra, 1, ko, err, err_len);
}

#endif
