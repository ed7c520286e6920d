# shellcheck shell=bash
# A fixed git identity and date so the base commit has the same ID on every
# machine and exported patches do not depend on who ran the export.
export GIT_AUTHOR_NAME="Module BTF Developers" GIT_AUTHOR_EMAIL="dev@modbtf.invalid"
export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME" GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"
export GIT_CONFIG_NOSYSTEM=1
# The user's own git configuration (signing, hooks, format.signOff,
# diff.noprefix...) must not change what the harness commits or exports.
export GIT_CONFIG_GLOBAL=/dev/null
