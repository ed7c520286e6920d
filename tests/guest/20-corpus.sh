# Real modules: every module of the build (scripts/prepare-tests.sh
# lists them in corpus/list; ~300 in-tree ones on the default variant,
# config/corpus.config) loads with modprobe, its /sys/kernel/btf/<module>
# is byte for byte its .BTF section, and the BTF ID walk lists it as
# kernel BTF of that size. A module the kernel refuses with "failed to
# validate module [NAME] BTF" (itself or a dependency) fails; one that
# does not load for another reason (no hardware, a parameter it needs)
# is skipped, with modprobe's error and the kernel's last words, and not
# counted as loaded. The modules whose own types refer to a vmlinux
# FUNC_PROTO (virtio_net, failover, ...: corpus/facts) must load.
# Afterwards the modules the test loaded are unloaded, newest first.
#
# Processes are slow in a TCG guest: one modprobe loads them all, one
# stat, two cat and one cmp check all files; a module that did not load
# costs one more modprobe, to learn why.
. "$(dirname "$0")/lib.sh"
list=$(art corpus/list)
facts=$(art corpus/facts)
min_loaded=$(fact "$facts" min_loaded)
required=$(fact "$facts" funcproto_required)

names=()
declare -A size=() ref=() host=() before=() refused=() skipped=() failed=()
declare -A LOADED=()
passed=()

read_manifest() {
	local name s check r
	while read -r name _ s check r; do
		[[ $name != "#"* ]] || continue
		names+=("$name")
		size[$name]=$s host[$name]=$check ref[$name]=$r
	done <"$list"
}

# loaded_now: LOADED[NAME] for each module in /proc/modules, and
# NEWEST_FIRST, their names in its order: newest first.
loaded_now() {
	local name rest
	LOADED=()
	NEWEST_FIRST=()
	while read -r name rest; do
		LOADED[$name]=1
		NEWEST_FIRST+=("$name")
	done </proc/modules
}

# kernel_refused: refused[NAME] for each "failed to validate module
# [NAME] BTF" line in KLOG.
kernel_refused() {
	local line re='^failed to validate module \[([^]]+)\] BTF'
	for line in "${KLOG[@]}"; do
		if [[ $line =~ $re ]]; then
			refused[${BASH_REMATCH[1]}]=$line
		fi
	done
}

# load_all: modprobe every module of the corpus, in one process.
load_all() {
	local mark t0=$SECONDS
	mark=$(klog_mark)
	modprobe -a "${names[@]}" 2>$SCRATCH/corpus-modprobe.err || true
	klog_since "$mark"
	kernel_refused
	echo "modprobe -a of ${#names[@]} modules: $((SECONDS - t0)) s"
}

# why_not_loaded NAME: modprobe NAME alone, to learn why it did not load
# with the others: failed[NAME] if the kernel refused BTF on the way
# (its own or a dependency's), else skipped[NAME]. Nothing if it loads
# now.
why_not_loaded() {
	local name=$1 mark err rc=0 line last='' bpf='' refusal=''
	mark=$(klog_mark)
	err=$(modprobe "$name" 2>&1) || rc=$?
	klog_since "$mark"
	for line in "${KLOG[@]}"; do
		case $line in
		"failed to validate module ["*) refusal="$refusal | $line" ;;
		BPF:*) if [[ ${line#BPF:} =~ [^[:space:]] ]]; then bpf="$bpf | $line"; fi ;;
		esac
	done
	if [ -n "$refusal" ]; then
		failed[$name]="refused: ${err:-modprobe exit $rc}$bpf$refusal"
	elif [ "$rc" != 0 ] || ! is_loaded "$name"; then
		for line in "${KLOG[@]:$((${#KLOG[@]} > 3 ? ${#KLOG[@]} - 3 : 0))}"; do
			last="$last | $line"
		done
		skipped[$name]="${err:-modprobe exit $rc, not loaded}; kernel:${last:- nothing}"
	else
		echo "note: $name did not load with the others, but alone"
	fi
}

# check_loaded NAME...: each has /sys/kernel/btf/NAME, its .BTF byte for
# byte, and a BTF ID of that name, kernel BTF of that size: passed+=,
# or failed[NAME].
check_loaded() {
	local name i sys=() art=() sizes have=()
	for name in "$@"; do
		if [ -n "${refused[$name]-}" ]; then
			failed[$name]="loaded, but the kernel said: ${refused[$name]}"
		elif [ ! -f "/sys/kernel/btf/$name" ]; then
			failed[$name]="loaded, but no /sys/kernel/btf/$name"
		else
			have+=("$name")
		fi
	done
	[ ${#have[@]} -gt 0 ] || return 0
	for name in "${have[@]}"; do
		sys+=("/sys/kernel/btf/$name")
		art+=("$MODBTF_ART/corpus/$name.btf")
	done
	mapfile -t sizes <<<"$(stat -c %s "${sys[@]}")"
	cat "${sys[@]}" >$SCRATCH/corpus-sysfs.bin
	cat "${art[@]}" >$SCRATCH/corpus-dot-btf.bin
	# Sizes equal one by one and the concatenations equal: each file is
	if ! cmp -s $SCRATCH/corpus-sysfs.bin $SCRATCH/corpus-dot-btf.bin; then
		for i in "${!have[@]}"; do
			cmp -s "${sys[i]}" "${art[i]}" || failed[${have[i]}]="${sys[i]} differs from its .BTF"
		done
	fi
	btf_scan
	for i in "${!have[@]}"; do
		name=${have[i]}
		if [ "${sizes[i]}" != "${size[$name]}" ]; then
			failed[$name]="size of /sys/kernel/btf/$name: ${sizes[i]}, .BTF: ${size[$name]}"
		elif [ -z "${BTF_ID[$name]-}" ]; then
			failed[$name]="no BTF ID named $name"
		elif [ "${BTF_INFO[$name]}" != "1 ${size[$name]}" ]; then
			failed[$name]="BTF ID ${BTF_ID[$name]}: kernel_btf and size '${BTF_INFO[$name]}', want '1 ${size[$name]}'"
		elif [ -z "${failed[$name]-}" ]; then
			passed+=("$name")
		fi
	done
}

# unload_new: rmmod the modules that were not loaded before the test,
# newest first (dependents before their dependencies); those still in
# use get a second try. Prints what stays loaded; fails if a module that
# went away left its /sys/kernel/btf file.
unload_new() {
	local name new=() left=() stale=()
	for _ in 1 2; do
		loaded_now
		new=()
		for name in "${NEWEST_FIRST[@]}"; do
			[ -n "${before[$name]-}" ] || new+=("$name")
		done
		[ ${#new[@]} -gt 0 ] || break
		rmmod "${new[@]}" 2>$SCRATCH/corpus-rmmod.err || true
	done
	loaded_now
	for name in "${names[@]}"; do
		if [ -n "${LOADED[$name]-}" ]; then
			[ -n "${before[$name]-}" ] || left+=("$name")
		elif [ -e "/sys/kernel/btf/$name" ]; then
			stale+=("$name")
		fi
	done
	echo "unloaded; left loaded: ${left[*]:-none}"
	[ ${#left[@]} = 0 ] || sed 's/^/    /' $SCRATCH/corpus-rmmod.err
	[ ${#stale[@]} = 0 ] || fail "unloaded, but /sys/kernel/btf has: ${stale[*]}"
}

# report: the failures and skips, one a line, and the counts; with the
# skips grouped by modprobe's error.
report() {
	local name why
	local -A by_err=()
	for name in "${names[@]}"; do
		if [ -n "${failed[$name]-}" ]; then
			echo "FAIL $name (host bpftool: ${host[$name]}): ${failed[$name]}"
		elif [ -n "${skipped[$name]-}" ]; then
			echo "SKIP $name: ${skipped[$name]}"
			why=${skipped[$name]%%;*}
			why=${why##*: }
			by_err[$why]="${by_err[$why]-}${by_err[$why]+ }$name"
		fi
	done
	why=''
	for name in "${!by_err[@]}"; do
		why="$why${why:+; }$name: ${by_err[$name]}"
	done
	echo "corpus: ${#names[@]} modules, ${#passed[@]} loaded with BTF equal to .BTF," \
		"${#skipped[@]} skipped${why:+ ($why)}, ${#failed[@]} failed"
}

main() {
	local name loaded=() missing=()
	read_manifest
	[ ${#names[@]} -gt 0 ] || fail "no modules in $list"
	loaded_now
	for name in "${!LOADED[@]}"; do
		before[$name]=1
	done
	at_exit unload_new
	load_all
	loaded_now
	for name in "${names[@]}"; do
		[ -n "${LOADED[$name]-}" ] || why_not_loaded "$name"
	done
	loaded_now
	for name in "${names[@]}"; do
		[ -z "${LOADED[$name]-}" ] || loaded+=("$name")
	done
	check_loaded "${loaded[@]}"
	report
	for name in $required; do
		if [ -z "${size[$name]-}" ]; then
			missing+=("$name (not in the corpus)")
		elif [ "${ref[$name]}" = - ]; then
			missing+=("$name (no FUNC_PROTO reference in its BTF)")
		elif [[ " ${passed[*]} " != *" $name "* ]]; then
			missing+=("$name (not loaded with its BTF)")
		fi
	done
	echo "FUNC_PROTO references: $required"
	[ ${#missing[@]} = 0 ] || fail "modules referring to a vmlinux FUNC_PROTO: ${missing[*]}"
	[ ${#failed[@]} = 0 ] || fail "${#failed[@]} modules failed"
	[ ${#passed[@]} -ge "$min_loaded" ] ||
		fail "${#passed[@]} modules loaded with their BTF, want at least $min_loaded"
}

main
