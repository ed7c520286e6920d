#!/bin/bash
# Build the kernel after each patch of the series, as a bisection would:
# every commit between modbtf-base and the work tree's HEAD is checked out
# in build/each (a git worktree) and built incrementally into
# build/out/each. bpftool is built at the commits that change it.
#
#   build-each.sh [FIRST]
#
# FIRST (default 1): the number of the first patch to build; the ones
# before it are taken as built (after a change to a later patch).
set -eu
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/git-env.sh"

EACH=$BUILD/each

prepare_worktree() {
	if [ ! -d "$EACH" ]; then
		git -C "$TREE" worktree prune
		git -C "$TREE" worktree add -q --detach "$EACH" modbtf-base
	fi
}

main() {
	local c n=0 total subject first=${1:-1}
	[ -d "$TREE/.git" ] || die "no work tree at $TREE (make tree first)"
	prepare_worktree
	total=$(git -C "$TREE" rev-list --count modbtf-base..HEAD)
	for c in $(git -C "$TREE" rev-list --reverse modbtf-base..HEAD); do
		n=$((n + 1))
		[ "$n" -ge "$first" ] || continue
		subject=$(git -C "$TREE" log -1 --format=%s "$c")
		log "[$n/$total] $subject"
		git -C "$EACH" checkout -q --detach "$c"
		"$TOP/scripts/build.sh" each
		if git -C "$TREE" diff --quiet "$c^" "$c" -- tools/bpf/bpftool; then
			continue
		fi
		log "bpftool changes here: building it"
		build_bpftool "$BUILD/out/each/vmlinux" "$EACH" "$BUILD/out/each-bpftool"
	done
	log "patches $first to $total of $total build"
}

main "$@"
