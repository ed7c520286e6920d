#!/bin/bash
# Fetch the pinned base tarball into the cache and verify its checksum.
#
# The package comes from Debian 11 (bullseye). The machine runs a newer
# Debian, so a private apt configuration under the cache directory adds the
# bullseye suites, with the archive URIs read from the machine's own sources.
# The machine's apt configuration is never touched. A copy of the tarball
# in ../shared/base (MODBTF_SHARED_BASE) is used first when present.
#
# Overrides (non-Debian machines):
#   MODBTF_BASE_TARBALL=/path/linux-5.10.y.tar.xz   use this tarball
#   MODBTF_BASE_TREE=/path/to/linux-5.10.y          use this source tree
# Prints the path of the verified tarball (or tree) on stdout.
set -eu
. "$(dirname "$0")/lib.sh"

# awk: is a source signed by Debian's archive keys (no Signed-By, or the
# debian-archive-keyring)? Third-party repositories have keys of their own,
# which the private configuration would not have.
DEBIAN_KEY='function debian_key(k) { return k == "" || k ~ /debian-archive-keyring/ }'

# Print "URI<TAB>security|main" for each Debian archive the machine uses.
machine_archives() {
	local codename
	codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
	[ -n "$codename" ] || die "cannot read VERSION_CODENAME from /etc/os-release"
	{
		for f in /etc/apt/sources.list.d/*.sources; do
			[ -r "$f" ] || continue
			awk -v cn="$codename" "$DEBIAN_KEY"'
				function flush() {
					if (uris != "" && types ~ /(^| )deb( |$)/ && enabled != "no" && suites ~ ("(^| )" cn) && debian_key(signedby)) {
						kind = (suites ~ /-security/) ? "security" : "main"
						n = split(uris, u, " ")
						for (i = 1; i <= n; i++) print u[i] "\t" kind
					}
					uris = types = suites = enabled = signedby = ""
				}
				/^[ \t]*#/ { next }
				/^[ \t]*$/ { flush(); next }
				tolower($1) == "uris:"    { $1 = ""; uris = $0 }
				tolower($1) == "types:"   { $1 = ""; types = $0 " " }
				tolower($1) == "suites:"  { $1 = ""; suites = $0 }
				tolower($1) == "enabled:" { enabled = tolower($2) }
				tolower($1) == "signed-by:" { signedby = $2 }
				END { flush() }' "$f"
		done
		for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
			[ -r "$f" ] || continue
			awk -v cn="$codename" "$DEBIAN_KEY"'
				$1 == "deb" {
					i = 2; opts = ""
					if ($i ~ /^\[/) { while ($i !~ /\]$/) opts = opts " " $(i++); opts = opts " " $(i++) }
					signedby = ""
					if (match(opts, /signed-by=[^ \]]*/)) signedby = substr(opts, RSTART + 10, RLENGTH - 10)
					if (!debian_key(signedby)) next
					uri = $i; suite = $(i + 1)
					if (suite !~ ("^" cn)) next
					print uri "\t" ((suite ~ /-security/) ? "security" : "main")
				}' "$f"
		done
	} | sed 's/^[ \t]*//' | sort -u
}

write_sources() {
	local out=$1 uri kind
	: >"$out"
	while IFS="$(printf '\t')" read -r uri kind; do
		case $kind in
		security) echo "deb $uri bullseye-security main" >>"$out" ;;
		*)
			echo "deb $uri bullseye main" >>"$out"
			echo "deb $uri bullseye-updates main" >>"$out"
			;;
		esac
	done
	[ -s "$out" ] || die "no Debian archive found in the machine's apt sources"
}

sha_ok() { echo "$BASE_SHA256  $1" | sha256sum -c --status 2>/dev/null; }

# The pinned tarball kept beside the checkout (../shared/base, or
# MODBTF_SHARED_BASE), into DST.part: it outlives the version's place in
# Debian's archive. Used before apt when present and its sha256 is right.
fetch_from_shared() {
	local src
	src=${MODBTF_SHARED_BASE:-$TOP/../shared/base}/$BASE_PKG-$BASE_VERSION.tar.xz
	[ -f "$src" ] || return 1
	if ! sha_ok "$src"; then
		log "$src is not sha256 $BASE_SHA256 (base.conf): not using it"
		return 1
	fi
	log "using the pinned base $src"
	cp "$src" "$1.part"
}

fetch_from_apt() {
	local dst=$1 apt=$CACHE/apt deb tmp
	mkdir -p "$apt/lists/partial" "$apt/archives/partial" "$apt/download"
	machine_archives | write_sources "$apt/sources.list"
	set -- -o Dir::Etc::sourcelist="$apt/sources.list" \
		-o Dir::Etc::sourceparts=/nonexistent \
		-o Dir::State::Lists="$apt/lists" \
		-o Dir::Cache="$apt" \
		-o Dir::Cache::archives="$apt/archives" \
		-o APT::Get::List-Cleanup=0 -o Debug::NoLocking=1
	log "apt-get update (private configuration: $apt/sources.list)"
	run_logged "$apt/update.log" "apt-get update of the bullseye suites" \
		apt-get "$@" --error-on=any update
	log "apt-get download $BASE_PKG=$BASE_VERSION"
	rm -f "$apt/download"/*.deb
	(cd "$apt/download" && apt-get "$@" download "$BASE_PKG=$BASE_VERSION") \
		>"$apt/download.log" 2>&1 ||
		die "download of $BASE_PKG=$BASE_VERSION" "$apt/download.log"
	deb=$(ls "$apt/download"/*.deb)
	tmp=$(mktemp -d "$CACHE/deb.XXXXXX")
	dpkg-deb -x "$deb" "$tmp" || die "cannot unpack $deb"
	[ -f "$tmp/usr/src/$BASE_TARBALL" ] || die "$deb has no usr/src/$BASE_TARBALL"
	mv "$tmp/usr/src/$BASE_TARBALL" "$dst.part"
	rm -rf "$tmp" "$deb"
}

main() {
	local dst
	if [ -n "${MODBTF_BASE_TREE-}" ]; then
		[ -f "$MODBTF_BASE_TREE/Makefile" ] || die "MODBTF_BASE_TREE=$MODBTF_BASE_TREE is not a kernel tree"
		echo "$MODBTF_BASE_TREE"
		return
	fi
	if [ -n "${MODBTF_BASE_TARBALL-}" ]; then
		[ -f "$MODBTF_BASE_TARBALL" ] || die "MODBTF_BASE_TARBALL=$MODBTF_BASE_TARBALL does not exist"
		echo "$MODBTF_BASE_TARBALL"
		return
	fi
	mkdir -p "$CACHE"
	dst=$CACHE/$BASE_PKG-$BASE_VERSION.tar.xz
	if [ -f "$dst" ]; then
		sha_ok "$dst" && { echo "$dst"; return; }
		log "cached $dst fails its checksum: fetching again"
		rm -f "$dst"
	fi
	fetch_from_shared "$dst" || fetch_from_apt "$dst"
	if ! sha_ok "$dst.part"; then
		mv "$dst.part" "$dst.bad"
		die "checksum mismatch: $dst.bad is not sha256 $BASE_SHA256 (base.conf)"
	fi
	mv "$dst.part" "$dst"
	echo "$dst"
}

main "$@"
