#!/bin/bash
# Replace the message of one commit of the work tree's series without
# touching any file (a rebase would rewrite files and cost a rebuild):
# the commits from COMMIT on are recreated with the same trees.
#
#   reword.sh COMMIT MESSAGE-FILE
set -eu
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/git-env.sh"

main() {
	local target new c date
	[ $# = 2 ] || die "usage: reword.sh COMMIT MESSAGE-FILE"
	target=$(git -C "$TREE" rev-parse --verify "$1^{commit}")
	[ -s "$2" ] || die "empty message file $2"
	git -C "$TREE" merge-base --is-ancestor modbtf-base "$target^" ||
		die "$1 is not a commit of the series"
	msg=$(mktemp)
	trap 'rm -f "$msg"' EXIT
	new=$(git -C "$TREE" rev-parse "$target^")
	for c in $(git -C "$TREE" rev-list --reverse "$target^..HEAD"); do
		if [ "$c" = "$target" ]; then
			cp "$2" "$msg"
		else
			git -C "$TREE" log -1 --format=%B "$c" >"$msg"
		fi
		date=$(git -C "$TREE" log -1 --format=%aD "$c")
		new=$(GIT_AUTHOR_DATE=$date GIT_COMMITTER_DATE=$date \
			git -C "$TREE" commit-tree "$(git -C "$TREE" rev-parse "$c^{tree}")" -p "$new" -F "$msg")
	done
	git -C "$TREE" reset -q --soft "$new"
	log "reworded $(git -C "$TREE" log -1 --format='%h %s' "$target")"
}

main "$@"
