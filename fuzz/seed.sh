#!/bin/sh
# Seeds fuzz/corpus/TARGET/ from the test fixtures: the same files the property test in
# tests/suite/fuzz.rs mutates. Run from anywhere; safe to run again (files are only added).
set -eu
fuzz=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$fuzz")

# seed TARGET FILE...: copies each FILE into the target's corpus, named by its path.
seed() {
    target=$1
    shift
    mkdir -p "$fuzz/corpus/$target"
    for file in "$@"; do
        name=$(printf '%s' "${file#"$root"/}" | tr '/' '_')
        cp "$file" "$fuzz/corpus/$target/$name"
    done
}

pages=$(find "$root/tests/fixtures" "$root/content/measures" -name '*.md' | sort)
# shellcheck disable=SC2086 # one word per path: fixture paths have no spaces
seed front_matter $pages
# shellcheck disable=SC2086
seed shortcodes $pages
# shellcheck disable=SC2086
seed rules "$root/content/eligibility/rules.yaml" "$root/content/eligibility/cases.yaml" \
    $(find "$root/tests/fixtures" -name '*.yaml' | sort)
seed amount "$root/tests/vectors/amounts.json" "$root/content/eligibility/thresholds.yaml"
seed search "$root/tests/vectors/normalise.json" "$root/content/search.zh.md" \
    "$root/content/policy.ru.md"
seed search_page "$root"/builtin/theme/templates/*.html

mkdir -p "$fuzz/corpus/request"
printf 'GET /en/?q=1 HTTP/1.1\r\nHost: 127.0.0.1:1111\r\n\r\n' >"$fuzz/corpus/request/get"
printf 'HEAD / HTTP/1.0\r\n\r\n' >"$fuzz/corpus/request/head"
printf 'GET /__invest-guide/events HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n' >"$fuzz/corpus/request/events"
printf 'GET /zh/%%E6%%94%%BF/ HTTP/1.1\nHost: localhost\n\n' >"$fuzz/corpus/request/lf"
printf 'POST / HTTP/1.1\r\nHost: guide.lan\r\n\r\n' >"$fuzz/corpus/request/post"
for target in front_matter shortcodes rules amount search search_page request; do
    echo "fuzz/corpus/$target: $(ls "$fuzz/corpus/$target" | wc -l) files"
done
