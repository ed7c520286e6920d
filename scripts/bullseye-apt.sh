# shellcheck shell=bash
# Debian 11 (bullseye) packages on a newer Debian machine, without touching
# the machine's apt configuration: a private apt configuration under the
# cache directory adds the bullseye suites, with the archive URIs read from
# the machine's own sources. Source after lib.sh, do not run.

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

# The first Debian archive (not security) the machine uses: debootstrap's
# mirror.
bullseye_mirror() {
	machine_archives | awk -F '\t' '$2 == "main" { print $1; exit }'
}

BULLSEYE_APT=$CACHE/apt
# Options that make apt-get use the private configuration.
BULLSEYE_APT_OPTS=(-o Dir::Etc::sourcelist="$BULLSEYE_APT/sources.list"
	-o Dir::Etc::sourceparts=/nonexistent
	-o Dir::State::Lists="$BULLSEYE_APT/lists"
	-o Dir::Cache="$BULLSEYE_APT"
	-o Dir::Cache::archives="$BULLSEYE_APT/archives"
	-o APT::Get::List-Cleanup=0 -o Debug::NoLocking=1)

# apt-get update of the bullseye suites; every error is fatal, so that a
# machine without network says so instead of finding no package.
bullseye_update() {
	mkdir -p "$BULLSEYE_APT/lists/partial" "$BULLSEYE_APT/archives/partial"
	machine_archives | write_sources "$BULLSEYE_APT/sources.list"
	log "apt-get update (private configuration: $BULLSEYE_APT/sources.list)"
	run_logged "$BULLSEYE_APT/update.log" \
		"apt-get update of the bullseye suites: is Debian's archive reachable?" \
		apt-get "${BULLSEYE_APT_OPTS[@]}" --error-on=any update
}

# bullseye_download PKG=VERSION DIR: the package's .deb into DIR (a
# directory of the caller's own); prints its path.
bullseye_download() {
	local pkg=$1 dir=$2
	log "apt-get download $pkg"
	(cd "$dir" && apt-get "${BULLSEYE_APT_OPTS[@]}" download "$pkg") \
		>"$BULLSEYE_APT/download.log" 2>&1 || die "download of $pkg" "$BULLSEYE_APT/download.log"
	ls "$dir"/*.deb
}

# bullseye_extract PKG=VERSION PATH DEST: the file PATH of the package
# (apt-get update, download, unpack) into DEST. One at a time per cache:
# two checkouts may share it.
bullseye_extract() {
	local pkg=$1 path=$2 dst=$3 tmp deb
	mkdir -p "$CACHE"
	exec 8>"$CACHE/apt.lock"
	flock 8
	bullseye_update
	tmp=$(mktemp -d "$CACHE/deb.XXXXXX")
	deb=$(bullseye_download "$pkg" "$tmp") || { rm -rf "$tmp"; exit 1; }
	if ! dpkg-deb -x "$deb" "$tmp/x" || [ ! -f "$tmp/x/$path" ]; then
		rm -rf "$tmp"
		die "$deb has no $path"
	fi
	mv "$tmp/x/$path" "$dst"
	rm -rf "$tmp"
	flock -u 8
}
