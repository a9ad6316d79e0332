#!/usr/bin/env bash
# Screenshots of the demo's pages for the README (docs/): the spool page and
# one task page, in headless Chromium. Run after `make demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
SPOOL="${1:-$PWD/demo-spool}"
TASK="${2:-berlin-devs}"
CHROME=$(command -v chromium || command -v chromium-browser)
shot() { # url file width height [extra flags]
    "$CHROME" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size="$3,$4" "${@:5}" \
        --screenshot="$2" "$1" >/dev/null 2>&1
    echo "wrote $2"
}
mkdir -p docs
shot "file://$SPOOL/index.html" docs/spool-page.png 900 330
shot "file://$SPOOL/completed/$TASK/index.html" docs/task-page.png 1200 1300
shot "file://$SPOOL/completed/$TASK/index.html" docs/task-page-phone-dark.png 390 844 --force-dark-mode --blink-settings=preferredColorScheme=0
