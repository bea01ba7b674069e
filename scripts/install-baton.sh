#!/usr/bin/env bash
# install-baton.sh: the GitHub Action's (action.yml) fast path. When the
# action is used at a release (`uses: batonhq/baton@v1.2.3`, or a tag or
# commit that a release tag points at), download that release's archive for
# the runner's OS and architecture, verify it against the release's
# checksums file, and install the binary. Otherwise install nothing and let
# the action build Baton from source.
#
# Environment:
#   BATON_ACTION_REF    the ref the action is used at (github.action_ref):
#                       v1.2.3, v1, a commit hash, a branch; may be empty
#   BATON_INSTALL_DIR   the folder to install baton (baton.exe) into; required
#   RUNNER_OS           Linux, macOS or Windows (set by GitHub Actions)
#   RUNNER_ARCH         X64 or ARM64 (set by GitHub Actions)
#   BATON_RELEASES_URL  where release assets are downloaded from, default
#                       https://github.com/batonhq/baton/releases/download
#                       (an asset is <url>/<tag>/<name>)
#   BATON_REPO_URL      the git repository whose tags map a ref to a release,
#                       default https://github.com/batonhq/baton
#   GITHUB_OUTPUT       receives installed=true|false and tag=<release tag>
#
# Exit status: 0 when the release is installed (installed=true) and when
# there is no release to use or it cannot be downloaded (installed=false:
# build from source instead). 1 when a download fails verification, or on
# any other error; nothing is installed then.
set -euo pipefail

releases_url=${BATON_RELEASES_URL:-https://github.com/batonhq/baton/releases/download}
repo_url=${BATON_REPO_URL:-https://github.com/batonhq/baton}
ref=${BATON_ACTION_REF:-}
install_dir=${BATON_INSTALL_DIR:-}

# An exact release version: v1.2.3 or a pre-release such as v1.2.3-rc.1.
release_re='^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$'

say() { printf 'install-baton: %s\n' "$*" >&2; }
warn() {
  if [ "${GITHUB_ACTIONS:-}" = "true" ]; then
    printf '::warning title=baton::%s\n' "$*"
  else
    say "warning: $*"
  fi
}
die() {
  say "error: $1"
  [ $# -lt 2 ] || say "hint: $2"
  exit 1
}
output() {
  if [ -n "${GITHUB_OUTPUT:-}" ]; then
    printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"
  fi
}
from_source() {
  say "$1; the action builds baton from source"
  output installed false
  exit 0
}

[ -n "$install_dir" ] || die "BATON_INSTALL_DIR is not set" "set it to the folder that should receive the binary"

# 1. Which release, if any?
tag=""
if [ -z "$ref" ]; then
  from_source "the action is not used from a tag or commit of batonhq/baton (no action ref)"
elif [[ $ref =~ $release_re ]]; then
  tag=$ref
else
  # A moving tag (v1), a commit hash or a branch: use the release whose tag
  # points at the same commit, if there is one.
  if ! command -v git >/dev/null 2>&1; then
    from_source "git is not installed, so the release of '$ref' cannot be looked up"
  fi
  if ! refs=$(GIT_TERMINAL_PROMPT=0 git ls-remote --tags "$repo_url" 2>/dev/null); then
    warn "could not list the tags of $repo_url to find the release of '$ref'"
    from_source "no release found for '$ref'"
  fi
  # "name commit" per tag, in one pass: an annotated tag is listed twice,
  # and its peeled line ("name^{}") gives the commit.
  tags=$(printf '%s\n' "$refs" | awk '
    NF == 2 {
      name = $2; sub(/^refs\/tags\//, "", name)
      if (sub(/\^\{\}$/, "", name)) peeled[name] = $1; else direct[name] = $1
    }
    END { for (n in direct) print n, ((n in peeled) ? peeled[n] : direct[n]) }')
  if [[ $ref =~ ^[0-9a-f]{40}$ ]]; then
    commit=$ref
  else
    commit=$(REF=$ref awk '$1 == ENVIRON["REF"] { print $2 }' <<<"$tags")
  fi
  [ -n "$commit" ] || from_source "'$ref' is not a tag of $repo_url (a branch?)"
  # The release tags on that commit; prefer a final release over a
  # pre-release, then the highest version.
  tag=$(COMMIT=$commit RE=$release_re awk '$2 == ENVIRON["COMMIT"] && $1 ~ ENVIRON["RE"] { print $1 }' <<<"$tags" |
    awk '!/-/ { f[++n] = $0 } /-/ { p[++m] = $0 } END { if (n) for (i = 1; i <= n; i++) print f[i]; else for (i = 1; i <= m; i++) print p[i] }' |
    sort -V | tail -n 1)
  [ -n "$tag" ] || from_source "no release tag points at the commit of '$ref'"
  say "'$ref' is release $tag"
fi

# 2. Which archive?
case "${RUNNER_OS:-}" in
  Linux) os=linux ;;
  macOS) os=darwin ;;
  Windows) os=windows ;;
  *) from_source "no release archive for the runner OS '${RUNNER_OS:-}'" ;;
esac
case "${RUNNER_ARCH:-}" in
  X64) arch=amd64 ;;
  ARM64) arch=arm64 ;;
  *) from_source "no release archive for the runner architecture '${RUNNER_ARCH:-}'" ;;
esac
version=${tag#v}
bin=baton
ext=tar.gz
if [ "$os" = windows ]; then
  bin=baton.exe
  ext=zip
fi
archive="baton_${version}_${os}_${arch}.${ext}"
sums="baton_${version}_checksums.txt"

# 3. Download both into a temporary folder.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fetch() {
  # --proto-redir: a redirect may not leave HTTPS (release assets redirect
  # to a storage host).
  curl --fail --silent --show-error --location --proto-redir =https \
    --retry 3 --retry-delay 2 --connect-timeout 20 --max-time 300 \
    --output "$tmp/$1" "$releases_url/$tag/$1"
}
command -v curl >/dev/null 2>&1 || from_source "curl is not installed"
say "downloading $archive and $sums of release $tag"
if ! fetch "$sums"; then
  warn "could not download $releases_url/$tag/$sums"
  from_source "release $tag is not available"
fi
if ! fetch "$archive"; then
  warn "could not download $releases_url/$tag/$archive"
  from_source "release $tag has no archive for $os/$arch"
fi

# 4. Verify. From here on, every failure is an error: a release that exists
# but does not verify is never used, and never silently replaced.
want=$(awk -v f="$archive" '$2 == f || $2 == "*" f { print tolower($1) }' "$tmp/$sums")
case "$(printf '%s\n' "$want" | grep -c .)" in
  1) ;;
  0) die "$sums of release $tag has no line for $archive; refusing to install it" \
    "the release is incomplete or was tampered with; pin the action to a commit to build from source" ;;
  *) die "$sums of release $tag has more than one line for $archive; refusing to install it" \
    "the release is malformed; pin the action to a commit to build from source" ;;
esac
[[ $want =~ ^[0-9a-f]{64}$ ]] || die "$sums of release $tag has no SHA-256 for $archive; refusing to install it"
if command -v sha256sum >/dev/null 2>&1; then
  got=$(sha256sum "$tmp/$archive" | awk '{ print tolower($1) }')
elif command -v shasum >/dev/null 2>&1; then
  got=$(shasum -a 256 "$tmp/$archive" | awk '{ print tolower($1) }')
else
  die "neither sha256sum nor shasum is installed, so $archive cannot be verified"
fi
if [ "$got" != "$want" ]; then
  die "checksum mismatch for $archive of release $tag: the checksums file says $want, the download is $got; refusing to install it" \
    "the download was corrupted or tampered with; re-run the job, and report it if it happens again"
fi
say "verified $archive (sha256 $got)"

# 5. Extract only the binary, then install it.
mkdir "$tmp/x"
if [ "$ext" = zip ]; then
  if command -v unzip >/dev/null 2>&1; then
    unzip -q "$tmp/$archive" "$bin" -d "$tmp/x" || die "cannot extract $bin from $archive"
  elif command -v powershell.exe >/dev/null 2>&1 && command -v cygpath >/dev/null 2>&1; then
    powershell.exe -NoProfile -NonInteractive -Command \
      "Expand-Archive -LiteralPath '$(cygpath -w "$tmp/$archive")' -DestinationPath '$(cygpath -w "$tmp/x")'" ||
      die "cannot extract $archive"
  else
    die "neither unzip nor PowerShell is available to extract $archive"
  fi
else
  tar -xzf "$tmp/$archive" -C "$tmp/x" "$bin" || die "cannot extract $bin from $archive"
fi
[ -f "$tmp/x/$bin" ] || die "$archive holds no $bin"
chmod 755 "$tmp/x/$bin"
mkdir -p "$install_dir"
cp "$tmp/x/$bin" "$install_dir/.$bin.tmp"
mv -f "$install_dir/.$bin.tmp" "$install_dir/$bin"
if ! line=$("$install_dir/$bin" --version); then
  rm -f "$install_dir/$bin"
  die "the installed $bin does not run on this runner ($os/$arch)"
fi
say "installed $line into $install_dir"
output installed true
output tag "$tag"
