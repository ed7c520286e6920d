#!/bin/bash
# Write the work tree's commits since modbtf-base back into patches/ with
# git format-patch, deterministically: zero commit IDs, no signature,
# --base, fixed abbreviation. The cover letter's subject, date and text are
# kept from the current patches/0000-cover-letter.patch; its shortlog and
# diffstat are regenerated. An export with no edits changes nothing.
set -eu
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/git-env.sh"

COVER=0000-cover-letter.patch

# Print the cover letter's header lines (Subject, Date) and its text from FILE.
cover_part() {
	local what=$1 file=$2
	case $what in
	subject) sed -n '/^Subject: /{p;q}' "$file" ;;
	date) sed -n '/^Date: /{p;q}' "$file" ;;
	# The text: from after the header to the shortlog's "Name (N):" line.
	text) awk 'hdr && /^[^ ].* \([0-9]+\):$/ { exit } hdr { print } /^$/ { hdr = 1 }' "$file" |
		sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' ;;
	esac
}

main() {
	local n old=$TOP/patches/$COVER
	[ -d "$TREE/.git" ] || die "no work tree at $TREE (make tree first)"
	[ -z "$(git -C "$TREE" status --porcelain)" ] ||
		die "$TREE has uncommitted edits: commit them first"
	n=$(git -C "$TREE" rev-list --count modbtf-base..HEAD)
	[ "$n" -gt 0 ] || die "no commits on top of modbtf-base in $TREE"
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	git -C "$TREE" format-patch -q -o "$tmp" --cover-letter --zero-commit \
		--no-signature --abbrev=12 --base=modbtf-base \
		--subject-prefix="PATCH 5.10 v3" modbtf-base..HEAD
	if [ -f "$old" ]; then
		cover_part text "$old" >"$tmp/text"
		awk -v subj="$(cover_part subject "$old")" -v date="$(cover_part date "$old")" \
			-v textf="$tmp/text" '
			/^Subject: / { print subj; next }
			/^Date: / { print date; next }
			/^\*\*\* BLURB HERE \*\*\*$/ { while ((getline l < textf) > 0) print l; next }
			{ print }' "$tmp/$COVER" >"$tmp/cover"
		mv "$tmp/cover" "$tmp/$COVER"
		rm -f "$tmp/text"
	fi
	rm -f "$TOP"/patches/*.patch
	cp "$tmp"/*.patch "$TOP/patches/"
	(cd "$TOP/patches" && ls [0-9]*.patch | grep -v "^$COVER\$") >"$TOP/patches/series"
	# The tree now matches patches/: record it so make tree keeps it.
	echo "$(series_fingerprint) $(git -C "$TREE" rev-parse HEAD)" >"$TREE/.git/modbtf-applied"
	log "exported $n patches to patches/ (cover letter: patches/$COVER)"
}

main "$@"
