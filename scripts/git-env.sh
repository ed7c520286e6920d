# shellcheck shell=bash
# A fixed git identity and date so the base commit has the same ID on every
# machine and exported patches do not depend on who ran the export.
export GIT_AUTHOR_NAME="Module BTF Developers" GIT_AUTHOR_EMAIL="dev@modbtf.invalid"
export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME" GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"
export GIT_CONFIG_NOSYSTEM=1
# The user's own git configuration (signing, hooks, format.signOff,
# diff.noprefix...) must not change what the harness commits or exports:
# GIT_CONFIG_GLOBAL (git 2.32 and later), and for older git (Debian 11 has
# 2.30) a HOME without one.
export GIT_CONFIG_GLOBAL=/dev/null
git() { HOME=/nonexistent XDG_CONFIG_HOME=/nonexistent command git "$@"; }
