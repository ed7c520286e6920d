#!/bin/bash
# Prepare the kernel work tree: the pinned base as one commit (tag
# modbtf-base), the series of patches/ applied on it with git am.
#
#   tree.sh [DIR [SERIES]]  default DIR is build/linux, SERIES is all of
#                           patches/series; SERIES=none gives the bare base.
#
# Idempotent. It refuses to touch a tree with uncommitted edits, and keeps a
# tree whose local commits have not been exported yet.
set -eu
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/git-env.sh"

BASE_DATE="2000-01-01T00:00:00Z"


extract_base() {
	local dir=$1 src
	src=$("$TOP/scripts/fetch-base.sh")
	mkdir -p "$dir"
	if [ -d "$src" ]; then
		log "copying base tree $src"
		(cd "$src" && tar --exclude=.git -cf - .) | tar -xf - -C "$dir"
	else
		log "extracting $src"
		tar -xf "$src" -C "$dir" --strip-components=1 || die "cannot extract $src"
	fi
	# Debian's .gitignore ends with a rule that ignores the whole top level
	# (its packaging repository keeps only debian/). Drop it, or new files
	# in the tree would never show in git status.
	sed -i '/^# Debian packaging: ignore everything/,$d' "$dir/.gitignore"
	sed -i -e :a -e '/^\n*$/{$d;N;ba' -e '}' "$dir/.gitignore"
	sed -i '${/^#$/d}' "$dir/.gitignore"
}

commit_base() {
	local dir=$1
	git -C "$dir" init -q -b master
	git -C "$dir" config user.name "$GIT_AUTHOR_NAME"
	git -C "$dir" config user.email "$GIT_AUTHOR_EMAIL"
	git -C "$dir" config core.abbrev 12
	# -f: every file of the tarball is source, including the ones the
	# kernel's own .gitignore rules match (.gitignore files, .mailmap...)
	git -C "$dir" add -A -f
	GIT_AUTHOR_DATE=$BASE_DATE GIT_COMMITTER_DATE=$BASE_DATE \
		git -C "$dir" commit -q -m "Linux $BASE_VERSION (Debian $BASE_PKG)"
	git -C "$dir" tag modbtf-base
}

apply_series() {
	local dir=$1 p
	for p in $(series_files); do
		git -C "$dir" am -q --committer-date-is-author-date "$TOP/patches/$p" ||
			{ git -C "$dir" am --abort 2>/dev/null; die "patch $p does not apply to $dir"; }
	done
	echo "$(series_fingerprint) $(git -C "$dir" rev-parse HEAD)" >"$dir/.git/modbtf-applied"
}

fresh_tree() {
	local dir=$1 series=$2
	rm -rf "$dir.tmp"
	extract_base "$dir.tmp"
	commit_base "$dir.tmp"
	[ "$series" = none ] || apply_series "$dir.tmp"
	rm -rf "$dir"
	mv "$dir.tmp" "$dir"
	log "tree ready: $dir ($(git -C "$dir" rev-list --count modbtf-base..HEAD) patches on $BASE_VERSION)"
}

update_tree() {
	local dir=$1 series=$2 rec_fp rec_head
	[ -z "$(git -C "$dir" status --porcelain)" ] ||
		die "$dir has uncommitted edits: commit them (and make export) or discard them first"
	[ "$series" = none ] && return 0
	read -r rec_fp rec_head <"$dir/.git/modbtf-applied" 2>/dev/null || true
	if [ "$(git -C "$dir" rev-parse HEAD)" != "${rec_head-}" ]; then
		[ "${rec_fp-}" = "$(series_fingerprint)" ] ||
			die "$dir has commits not exported to patches/, and patches/ changed too: export or drop them by hand"
		log "$dir has local commits not in patches/ yet: keeping them (make export writes them back)"
		return 0
	fi
	[ "$rec_fp" = "$(series_fingerprint)" ] && { log "tree up to date: $dir"; return 0; }
	log "patches/ changed: re-applying the series on modbtf-base"
	git -C "$dir" reset -q --hard modbtf-base
	apply_series "$dir"
}

main() {
	local dir=${1:-$TREE} series=${2:-all}
	if [ -d "$dir/.git" ] && git -C "$dir" rev-parse -q --verify modbtf-base >/dev/null; then
		update_tree "$dir" "$series"
	else
		fresh_tree "$dir" "$series"
	fi
}

main "$@"
