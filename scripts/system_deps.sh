#!/usr/bin/env bash
# Install the Debian packages the tests need, only those missing (apt-get update runs once, and
# only if something is missing). Usage:
#   scripts/system_deps.sh [make] [gettext] [chromium] [pdf] [postgres] [mosquitto] [redis] [nginx]
# (no argument: gettext chromium postgres mosquitto). Uses sudo when not run as root. mosquitto is
# the MQTT broker the tests start on loopback (the package's own service is not needed).
set -euo pipefail

wants=("$@")
[[ ${#wants[@]} -gt 0 ]] || wants=(gettext chromium pdf postgres mosquitto)

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
have_initdb() { compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; }

missing=()
for want in "${wants[@]}"; do
  case "$want" in
    make) command -v make >/dev/null || missing+=(make) ;;
    gettext) command -v msgfmt >/dev/null || missing+=(gettext) ;;
    chromium)
      [[ -x /usr/bin/chromium ]] || missing+=(chromium)
      installed fonts-noto-cjk || missing+=(fonts-noto-cjk)
      ;;
    pdf)
      # WeasyPrint draws bulletins with Pango; the CJK fonts render the Chinese text.
      installed libpango-1.0-0 || missing+=(libpango-1.0-0)
      installed libpangoft2-1.0-0 || missing+=(libpangoft2-1.0-0)
      installed fonts-noto-cjk || missing+=(fonts-noto-cjk)
      ;;
    postgres) have_initdb || missing+=(postgresql) ;;
    mosquitto) command -v mosquitto >/dev/null || [[ -x /usr/sbin/mosquitto ]] || missing+=(mosquitto) ;;
    # Redis for huey and the cache in production; the fault tests start one on loopback.
    redis) command -v redis-server >/dev/null || missing+=(redis-server) ;;
    # nginx in front of gunicorn; the deployment tests start deploy/nginx.conf on loopback.
    nginx) [[ -x /usr/sbin/nginx ]] || missing+=(nginx-light) ;;
    *) echo "system_deps.sh: unknown need '$want'" >&2; exit 2 ;;
  esac
done

[[ ${#missing[@]} -eq 0 ]] && exit 0

sudo=()
[[ $(id -u) -eq 0 ]] || sudo=(sudo)
echo "Installing missing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
