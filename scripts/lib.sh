# shellcheck shell=bash
# Common helpers for the module-BTF harness scripts. Source, do not run.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
CACHE=${MODBTF_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/modbtf}
# kbuild refuses a source or output path with a space or a colon: a
# checkout at such a path builds in the cache directory instead, in a
# directory of its own.
case $TOP in
*[[:space:]:#\$\"\'\\]*) BUILD=${BUILD:-$CACHE/build/$(printf '%s' "$TOP" | sha256sum | cut -c1-12)} ;;
*) BUILD=${BUILD:-$TOP/build} ;;
esac
BUILD=$(realpath -m -- "$BUILD")
case $BUILD in
*[[:space:]:#\$\"\'\\]*)
	printf 'FAILED: BUILD=%s: kbuild cannot build in a path with a space, colon, #, $, quote or backslash\n' "$BUILD" >&2
	exit 1
	;;
/ | "$(realpath -m -- "$HOME")" | "$TOP" | "$(realpath -m -- "$CACHE")" | /usr | /tmp)
	printf 'FAILED: BUILD=%s would be removed by make clean: choose a directory of its own\n' "$BUILD" >&2
	exit 1
	;;
esac
TREE=$BUILD/linux
NPROC=$(nproc)

# shellcheck source=../base.conf
. "$TOP/base.conf"
# shellcheck source=variants.sh
. "$TOP/scripts/variants.sh"

log() { printf '==> %s\n' "$*" >&2; }

# die MESSAGE [LOG]: one clear line, optionally naming the log to read.
die() {
	if [ -n "${2-}" ]; then
		printf 'FAILED: %s (log: %s)\n' "$1" "$2" >&2
	else
		printf 'FAILED: %s\n' "$1" >&2
	fi
	exit 1
}

# run_logged LOG DESCRIPTION CMD...: run CMD with output to LOG, die on error.
run_logged() {
	local logf=$1 what=$2
	shift 2
	mkdir -p "$(dirname "$logf")"
	if ! "$@" >"$logf" 2>&1; then
		tail -n 20 "$logf" >&2
		die "$what" "$logf"
	fi
}

# sha256_is SHA FILE: is FILE's sha256 SHA?
sha256_is() { echo "$1  $2" | sha256sum -c --status 2>/dev/null; }

# cached_fetch NAME SHA CMD...: prints the path of the download cache's
# file NAME, verified against SHA. When it is missing or wrong,
# "CMD... PATH" writes PATH.part, which must then have that SHA. One fetch
# at a time (make -j, two checkouts sharing the cache).
cached_fetch() {
	local dst=$CACHE/$1 sha=$2
	shift 2
	mkdir -p "$CACHE"
	exec 9>"$CACHE/fetch.lock"
	flock 9
	if [ -f "$dst" ]; then
		sha256_is "$sha" "$dst" && { echo "$dst"; return; }
		log "cached $dst fails its checksum: fetching again"
		rm -f "$dst"
	fi
	"$@" "$dst"
	if ! sha256_is "$sha" "$dst.part"; then
		mv "$dst.part" "$dst.bad"
		die "checksum mismatch: $dst.bad is not sha256 $sha (base.conf)"
	fi
	mv "$dst.part" "$dst"
	echo "$dst"
}

# Seconds since the epoch, for stage timings.
now() { date +%s; }

# The patches named by patches/series, in order.
series_files() {
	[ -f "$TOP/patches/series" ] || return 0
	grep -v '^[[:space:]]*\(#\|$\)' "$TOP/patches/series" || true
}

# Changes whenever patches/series or a patch it names does.
series_fingerprint() {
	(cd "$TOP/patches" && cat series $(series_files) 2>/dev/null) | sha256sum | cut -c1-16
}

# build_bpftool [VMLINUX [SRC [OUT]]]: the series' own bpftool
# (tools/bpf/bpftool of the tree SRC), out of tree in OUT; make rebuilds
# only what changed. Dies if the build fails.
BPFTOOL_OUT=$BUILD/out/bpftool
build_bpftool() {
	local vmlinux=${1:-$BUILD/out/default/vmlinux} src=${2:-$TREE} out=${3:-$BPFTOOL_OUT}
	mkdir -p "$out"
	run_logged "$out/build.log" "build of bpftool in $src" \
		make -C "$src/tools/bpf/bpftool" OUTPUT="$out/" -j"$NPROC" \
		VMLINUX_BTF="$vmlinux" </dev/null
}

# merge_fragments SRC OUT FRAGMENT...: merge config fragments into
# OUT/.config (kconfig's merge_config.sh, no make), logged.
merge_fragments() {
	local src=$1 out=$2
	shift 2
	run_logged "$out/config.log" "merge_config.sh" \
		sh -c 'cd "$1" && shift && "$@"' _ "$out" \
		"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "$@"
}

# ccache makes rebuilds after a rebase of the work tree (which touches
# every file the series changes) cheap. MODBTF_CCACHE=0 turns it off.
# Paths are hashed relative to BUILD, so another checkout (a CI clone)
# shares the cache; the price is that DWARF's comp_dir of a cached object
# names the checkout that first compiled it (BTF does not use it).
make_kernel() {
	local src=$1 out=$2
	shift 2
	if [ "${MODBTF_CCACHE:-1}" = 1 ] && command -v ccache >/dev/null; then
		set -- CC="ccache gcc" "$@"
	fi
	CCACHE_BASEDIR=$BUILD CCACHE_NOHASHDIR=1 make -C "$src" O="$out" "$@" </dev/null
}

# Fail if an option a fragment asks for did not end up in .config:
# merge_config.sh drops options whose dependencies are missing, silently.
check_config() {
	local cfg=$1 line sym bad=0
	shift
	while read -r line; do
		case $line in
		CONFIG_*=n | "# CONFIG_"*" is not set")
			sym=${line#\# }
			sym=${sym%%[ =]*}
			if grep -q "^$sym=" "$cfg"; then
				echo "  $sym is set but the fragment asks it off" >&2
				bad=1
			fi
			;;
		CONFIG_*=*)
			if ! grep -qxF "$line" "$cfg"; then
				sym=${line%%=*}
				echo "  wanted $line, got: $(grep "^$sym=\|^# $sym is not set" "$cfg" || echo "absent")" >&2
				bad=1
			fi
			;;
		esac
	done < <(cat "$@")
	return $bad
}
