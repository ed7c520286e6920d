# 5.10's own selftests of tracing programs that attach to vmlinux
# functions and to other BPF programs (scripts/selftests.sh's
# ATTACH_TESTS): fentry, fexit, fmod_ret, freplace and trampolines. The
# series changes the code under them (attach_prog_fd now shares its
# field with attach_btf_obj_fd, the trampoline key, PTR_TO_BTF_ID
# registers carry their BTF), so they must pass on the series as on
# stock 5.10.
#
# fexit_bpf2bpf's subtests func_replace_verify and
# func_replace_return_code load cgroup/connect4 programs, which need
# CONFIG_CGROUP_BPF; the test kernels leave it out, so they do not run.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/selftests-lib.sh"

out=$SCRATCH/test_progs.out
list=$SELFTESTS/attach-tests.txt
tests=$(paste -sd, "$list")
test_progs_run "$out" -t "$tests" -b /func_replace_verify,func_replace_return_code
expect_test_progs_passed "$out" "$list" fexit_bpf2bpf=7
