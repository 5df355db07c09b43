#!/usr/bin/env bash
# Re-extract the messages of core, tenants and each built-in plugin and merge them into their catalogues.
# Translate the new entries in translations/*/LC_MESSAGES/messages.po; the app compiles them.
set -euo pipefail
cd "$(dirname "$0")/.."
for component in core tenants plugins/*/; do
  component=${component%/}
  pot="$component/translations/messages.pot"
  mkdir -p "$component/translations"
  pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ --no-location --sort-output \
    --project=jiedao --copyright-holder="Jiedao" -o "$pot" "$component"
  for locale in zh_Hans_CN en; do
    po="$component/translations/$locale/LC_MESSAGES/messages.po"
    if [ -f "$po" ]; then
      pybabel update --no-fuzzy-matching -i "$pot" -d "$component/translations" -l "$locale"
    else
      pybabel init -i "$pot" -d "$component/translations" -l "$locale"
    fi
  done
done
