#!/bin/sh
# Install the browser the end-to-end tests (tests/browser) drive: Debian's chromium package,
# plus a small CJK font so screenshots show Chinese text instead of empty boxes.
# Idempotent: when everything is already there it only prints the version.
# Playwright's own browser downloads are never used (`playwright install` is not run).
set -eu

CHROMIUM=/usr/bin/chromium
CJK_FONT_PACKAGE=fonts-wqy-microhei   # "WenQuanYi Micro Hei", named in jiedao.css's font stack

missing=""
[ -x "$CHROMIUM" ] || missing="chromium"
dpkg-query -W -f='${Status}' "$CJK_FONT_PACKAGE" 2>/dev/null | grep -q "install ok installed" \
    || missing="$missing $CJK_FONT_PACKAGE"

if [ -n "$missing" ]; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then
        SUDO=sudo
    fi
    echo "Installing:$missing"
    $SUDO apt-get update -qq
    # shellcheck disable=SC2086  # $missing is a list of package names
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
fi

if [ ! -x "$CHROMIUM" ]; then
    echo "error: $CHROMIUM is still missing after installing the chromium package" >&2
    exit 1
fi

# The Debian launcher's /etc/chromium.d/dev-shm may print a harmless "[: ... unexpected operator".
"$CHROMIUM" --version 2>/dev/null
