# Shared by the Codex checks: installs @openai/codex@0.169.0 with npm into a cache folder
# outside the repository (once) and prints the path of its `codex` binary.
codex_bin() {
  local cache=${APP_SERVER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/app-server}/codex-0.169.0
  if [ ! -x "$cache/node_modules/.bin/codex" ]; then
    mkdir -p "$cache"
    echo "installing @openai/codex@0.169.0 into $cache" >&2
    npm install --prefix "$cache" --no-audit --no-fund --loglevel=error @openai/codex@0.169.0 >&2
  fi
  echo "$cache/node_modules/.bin/codex"
}
