#!/bin/bash
# Prepare the kernel work tree: the pinned base as one commit (tag
# modbtf-base), the series of patches/ applied on it with git am.
#
#   tree.sh [DIR [SERIES]]  DIR: a name in build/ ($BUILD), or an absolute
#                           path; default linux. SERIES is all of
#                           patches/series; SERIES=none gives the bare base;
#                           SERIES=rebase makes DIR anew from base.conf's base
#                           and stops at a conflict for the user to resolve.
#
# A tree records the base it was made from; when base.conf names another,
# the tree is made anew (or, if it has commits not exported, refused).
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

# no_auto_gc DIR: git in DIR never starts a gc in the background, which
# would still be writing into DIR when the harness removes or replaces it.
no_auto_gc() {
	git -C "$1" config gc.auto 0
	git -C "$1" config gc.autoDetach false
}

commit_base() {
	local dir=$1
	git -C "$dir" init -q -b master
	git -C "$dir" config user.name "$GIT_AUTHOR_NAME"
	git -C "$dir" config user.email "$GIT_AUTHOR_EMAIL"
	git -C "$dir" config core.abbrev 12
	no_auto_gc "$dir"
	# -f: every file of the tarball is source, including the ones the
	# kernel's own .gitignore rules match (.gitignore files, .mailmap...)
	git -C "$dir" add -A -f
	GIT_AUTHOR_DATE=$BASE_DATE GIT_COMMITTER_DATE=$BASE_DATE \
		git -C "$dir" commit -q -m "Linux $BASE_VERSION (Debian $BASE_PKG)"
	git -C "$dir" tag modbtf-base
}

# apply_series DIR [keep]: git am patches/ in DIR. On a conflict the am is
# aborted, or with "keep" (make rebase) left for the user to resolve.
apply_series() {
	local dir=$1 keep=${2-} p
	for p in $(series_files); do
		git -C "$dir" am -q -3 --committer-date-is-author-date "$TOP/patches/$p" && continue
		if [ "$keep" = keep ]; then
			log "patch $p does not apply: resolve it in $dir (git am --continue"
			log "after git add, or git am --skip), apply the rest the same way, then make export"
			exit 1
		fi
		git -C "$dir" am --abort 2>/dev/null
		die "patch $p does not apply to $dir"
	done
	echo "$(series_fingerprint) $(git -C "$dir" rev-parse HEAD)" >"$dir/.git/modbtf-applied"
}

# What a tree is made from: the base's version and checksum, or the
# tarball or tree that replaces the download.
base_identity() {
	echo "$BASE_PKG $BASE_VERSION $BASE_SHA256 ${MODBTF_BASE_TARBALL-}${MODBTF_BASE_TREE-}"
}

# Has DIR another base than base.conf names? A tree made before trees
# recorded their base is taken to have the current one.
base_changed() {
	local rec=$1/.git/modbtf-base
	[ -f "$rec" ] || base_identity >"$rec"
	[ "$(cat "$rec")" != "$(base_identity)" ]
}

fresh_tree() {
	local dir=$1 series=$2
	rm -rf "$dir.tmp"
	extract_base "$dir.tmp"
	commit_base "$dir.tmp"
	base_identity >"$dir.tmp/.git/modbtf-base"
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

# has_local_commits DIR: commits in DIR that patches/ does not have yet.
has_local_commits() {
	local rec_fp rec_head
	read -r rec_fp rec_head <"$1/.git/modbtf-applied" 2>/dev/null || true
	[ "$(git -C "$1" rev-parse HEAD)" != "${rec_head-}" ]
}

# The series on a new base (base.conf changed): a fresh tree whose git am
# stops at the first conflict, for the user to resolve.
rebase_tree() {
	local dir=$1
	if [ -d "$dir/.git" ]; then
		[ -z "$(git -C "$dir" status --porcelain)" ] || die "$dir has uncommitted edits"
		! has_local_commits "$dir" || die "$dir has commits not exported: make export first"
	fi
	rm -rf "$dir.tmp"
	extract_base "$dir.tmp"
	commit_base "$dir.tmp"
	base_identity >"$dir.tmp/.git/modbtf-base"
	rm -rf "$dir"
	mv "$dir.tmp" "$dir"
	apply_series "$dir" keep
	log "the series applies to $BASE_VERSION: make export records it"
}

main() {
	local dir=${1:-linux} series=${2:-all}
	case $dir in /*) ;; *) dir=$BUILD/$dir ;; esac
	if [ "$series" = rebase ]; then
		rebase_tree "$dir"
	elif [ -d "$dir/.git" ] && git -C "$dir" rev-parse -q --verify modbtf-base >/dev/null; then
		no_auto_gc "$dir"
		if base_changed "$dir"; then
			[ "$series" = none ] || ! has_local_commits "$dir" ||
				die "base.conf names another base than $dir was made from, and $dir has commits not in patches/: make export first, then make tree"
			log "base.conf changed: making $dir anew from $BASE_VERSION"
			fresh_tree "$dir" "$series"
		else
			update_tree "$dir" "$series"
		fi
	else
		fresh_tree "$dir" "$series"
	fi
}

main "$@"
