# A module without types of its own has a header-only BTF, which must
# load and be published like any other module BTF (upstream once refused
# such modules). Checked with the .BTF pahole gave btf_notypes.ko, with
# crafted ones (a 24-byte header; a header and the empty string), and
# with no .BTF at all (loads, nothing published).
. "$(dirname "$0")/lib.sh"
btf_scan
base_ids=$BTF_COUNT

# check_loads KO EXPECTED_BTF: the artifact KO loads, its BTF (the
# artifact EXPECTED_BTF) is published, rmmod withdraws it.
check_loads() {
	load_ko btf_notypes "$(art "$1")"
	expect_btf_file btf_notypes "$2"
	expect_btf_ids "$1 loaded" $((base_ids + 1)) +btf_notypes
	rm_mod btf_notypes
	expect_no_btf_file btf_notypes
	expect_btf_ids "$1 unloaded" "$base_ids" -btf_notypes
}

check_loads btf_notypes.ko btf_notypes.btf
echo "pahole's .BTF for btf_notypes.ko: $(stat -c %s "$(art btf_notypes.btf)") bytes"
for mode in hdr-only empty-str; do
	check_loads "notypes/btf_notypes-$mode.ko" "notypes/$mode.btf"
done
expect_eq "size of the header-only BTF" 24 "$(stat -c %s "$(art notypes/hdr-only.btf)")"

load_ko btf_notypes "$(art notypes/btf_notypes-no-btf.ko)"
expect_no_btf_file btf_notypes
expect_btf_ids "a module without .BTF loaded" "$base_ids" -btf_notypes
rm_mod btf_notypes
