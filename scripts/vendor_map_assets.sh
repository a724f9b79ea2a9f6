#!/usr/bin/env bash
# Vendor every JS/CSS/font/image asset that the folium classes used by map_viewer load
# from public CDNs, so that maps work on intranets with no internet.
#
# Output: map_viewer/static/vendor/<package>@<version>/... (committed to git; a fresh
# clone needs no network for maps). Re-run only when folium or a pinned version changes,
# then update the URL table in map_viewer/assets.py and run tests/map_viewer.
#
# Needs: npm (reaching the npm registry) and the project's Python with folium installed
# (two of folium's scripts ship only inside its wheel). Each tarball is checked against the
# sha512 integrity pinned below before anything is copied.
#
# Deviations from a plain copy, all deliberate (also listed in vendor/NOTICE.md):
#   * bootstrap@3.4.1/css/bootstrap-glyphicons.css is cut out of Bootstrap 3.4.1's
#     bootstrap.css (the @font-face and .glyphicon rules only). folium links the 3.0.0-era
#     "bootstrap-glyphicons.css" from a CDN; npm has no 3.0.0 build, and loading all of
#     Bootstrap 3 would fight Bootstrap 5.
#   * leaflet-timedimension's control CSS declares its glyphicon font with protocol-relative
#     CDN URLs; they are rewritten to the local Bootstrap 3.4.1 font files.
#   * folium@<ver>/templates/leaflet.awesome.rotate.min.css is generated here: it is the
#     .fa-rotate-N (0..360 degrees) class list that folium.Icon(angle=N) relies on. It is not
#     in folium's wheel.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/map_viewer/static/vendor"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
FOLIUM_VERSION="0.20.0"

command -v npm >/dev/null || { echo "npm is required" >&2; exit 1; }
"$PYTHON" -c "import folium, sys; sys.exit(folium.__version__ != '$FOLIUM_VERSION')" || {
    echo "folium $FOLIUM_VERSION must be installed in $PYTHON (the URL table in" \
         "map_viewer/assets.py is written for it)" >&2
    exit 1
}

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# npm spec -> pinned sha512 integrity (from `npm view SPEC dist.integrity`).
declare -A INTEGRITY=(
    [leaflet@1.9.3]="sha512-iB2cR9vAkDOu5l3HAay2obcUHZ7xwUBBjph8+PGtmW/2lYhbLizWtG7nTeYht36WfOslixQF9D/uSIzhZgGMfQ=="
    [jquery@3.7.1]="sha512-m4avr8yL8kmFN8psrbFFFmB/If14iN5o9nw/NgnnM+kybDJpRsAynV2BsfpTYrTRysYUdADVD7CkUUizgkpLfg=="
    [bootstrap@5.2.2]="sha512-dEtzMTV71n6Fhmbg4fYJzQsw1N29hJKO1js5ackCgIpDcGid2ETMGC6zwSYw09v05Y+oRdQ9loC54zB1La3hHQ=="
    [@fortawesome/fontawesome-free@6.2.0]="sha512-CNR7qRIfCwWHNN7FnKUniva94edPdyQzil/zCwk3v6k4R6rR2Fr8i4s3PM7n/lyfPA6Zfko9z5WDzFxG9SW1uQ=="
    [leaflet.markercluster@1.1.0]="sha512-eI+XkCiLiHwCC3uZ4/n4+Vq3rXcqEHN2lhHRVG1WVziy/3Q0TTipWkzEa1zO0dKZI2AnI5ppFDWrOjnQ7MJLKQ=="
    [drmonty-leaflet-awesome-markers@2.0.2]="sha512-g508pdnnHQr9l4kU6McvJzcSd0w1FvHFlZZCYc4oT+zjwYJi1qtj0fFBFEWMKoNfHK4UcBya1eccyjKfu4chjQ=="
    [bootstrap@3.4.1]="sha512-yN5oZVmRCwe5aKwzRj6736nSmKDX7pLYwsXiCj/EYmo16hODaBiT4En5btW/jhBF/seV+XMx3aYwukYC3A49DA=="
    [d3@3.5.5]="sha512-JPx0wEFxcYVcCZXgUbsy8NzVzD3zKat1KLtdCeOHPsmrpFlc09nr2/5Ls9ey7mo8SV6cWew0piLrmPVybj9I8w=="
    [d3@4.13.0]="sha512-l8c4+0SldjVKLaE2WG++EQlqD7mh/dmQjvi2L2lKPadAVC+TbJC4ci7Uk9bRi+To0+ansgsS0iWfPjD7DBy+FQ=="
    [leaflet.fullscreen@3.0.0]="sha512-81wWSUXz1ZtdneR0v5eJDWXUSx+Zo5J50WXWeydG/UcILfIEAgz/iOjZSi3p00Z9MJ/FC/P5i3CgdYuEAos0yQ=="
    [leaflet-minimap@3.6.1]="sha512-6px8f6cfv1rKB6ACpL6bbUFGxipZOq4KsntJgBj9nOcW1RYa5+xFp8emOZwks9X+VtVVsQEwWwfgT1kTTL/LzA=="
    [moment@2.18.1]="sha512-QGcnVKRSEhbWy2i0pqFhjWMCczL/YU5ICMB3maUavFcyUqBszRnzsswvOaGOqSfWZ/R+dMnb9gGBuRT4LMTdVQ=="
    [iso8601-js-period@0.2.1]="sha512-iDyz2TQFBd5WhCZjruOwHj01JkQGu7YbVLCVdpA7lCGEcBzE3ffCPAhLh/M8TAp//kCixPpYN4XU54WHCxvD2Q=="
    [leaflet-timedimension@1.1.1]="sha512-ejXldN94veRsWka1vpC+4rbH+2+3d3ztn2xYx4jcXtjYDrKC/sNnoqCmyH2UEYIy51PI2851aI2k8uGdOEbhlw=="
    [highlight.js@8.4.0]="sha512-32k2tWnWmi1giDcxU8J8cCtIO6hbkH4v/7qKnrWFO2CsZu0weiPlsgc64N0kxNADRLwu3BNkoAV/r/Cl7z7WQw=="
)

# fetch SPEC: npm pack SPEC into $WORK, verify its integrity, unpack; prints the package dir.
fetch() {
    local spec="$1" slot tgz actual
    slot="$WORK/$(printf '%s' "$spec" | tr '/@' '__')"
    mkdir -p "$slot"
    (cd "$slot" && npm pack "$spec" --silent >/dev/null)
    tgz="$(ls "$slot"/*.tgz)"
    actual="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
    if [[ "$actual" != "${INTEGRITY[$spec]}" ]]; then
        echo "integrity mismatch for $spec: got $actual" >&2
        exit 1
    fi
    tar -xzf "$tgz" -C "$slot"
    printf '%s\n' "$slot/package"
}

# put SRC_DIR TARGET_DIR FILE...: copy FILEs (paths relative to SRC_DIR) keeping their layout.
put() {
    local src="$1" target="$2" rel
    shift 2
    for rel in "$@"; do
        install -D -m 0644 "$src/$rel" "$DEST/$target/$rel"
    done
}

rm -rf "$DEST"
mkdir -p "$DEST"

src="$(fetch leaflet@1.9.3)"
put "$src" leaflet@1.9.3 LICENSE package.json dist/leaflet.js dist/leaflet.css \
    dist/images/layers.png dist/images/layers-2x.png dist/images/marker-icon.png \
    dist/images/marker-icon-2x.png dist/images/marker-shadow.png

src="$(fetch jquery@3.7.1)"
put "$src" jquery@3.7.1 LICENSE.txt package.json dist/jquery.min.js

src="$(fetch bootstrap@5.2.2)"
put "$src" bootstrap@5.2.2 LICENSE package.json dist/css/bootstrap.min.css \
    dist/js/bootstrap.bundle.min.js

src="$(fetch @fortawesome/fontawesome-free@6.2.0)"
put "$src" fontawesome-free@6.2.0 LICENSE.txt package.json css/all.min.css
for font in fa-brands-400 fa-regular-400 fa-solid-900 fa-v4compatibility; do
    put "$src" fontawesome-free@6.2.0 "webfonts/$font.woff2" "webfonts/$font.ttf"
done

src="$(fetch leaflet.markercluster@1.1.0)"
put "$src" leaflet.markercluster@1.1.0 MIT-LICENCE.txt package.json \
    dist/leaflet.markercluster.js dist/MarkerCluster.css dist/MarkerCluster.Default.css

src="$(fetch drmonty-leaflet-awesome-markers@2.0.2)"
# No license file in this package: package.json records MIT (see NOTICE.md).
put "$src" leaflet-awesome-markers@2.0.2 package.json js/leaflet.awesome-markers.js \
    css/leaflet.awesome-markers.css css/images/markers-soft.png \
    css/images/markers-soft@2x.png css/images/markers-shadow.png \
    css/images/markers-shadow@2x.png

src="$(fetch bootstrap@3.4.1)"
put "$src" bootstrap@3.4.1 LICENSE package.json
for ext in eot svg ttf woff woff2; do
    install -D -m 0644 "$src/dist/fonts/glyphicons-halflings-regular.$ext" \
        "$DEST/bootstrap@3.4.1/fonts/glyphicons-halflings-regular.$ext"
done
glyph_css="$DEST/bootstrap@3.4.1/css/bootstrap-glyphicons.css"
mkdir -p "$(dirname "$glyph_css")"
{
    sed -n '1,5p' "$src/dist/css/bootstrap.css"   # the Bootstrap copyright banner
    echo "/* Glyphicons part only (the @font-face and .glyphicon rules), cut out of"
    echo "   bootstrap@3.4.1/dist/css/bootstrap.css by scripts/vendor_map_assets.sh. */"
    # From the Glyphicons @font-face up to (not including) the next non-glyphicon rule.
    awk '/^@font-face/ { on = 1 }
         on && /^[^ @.}]/ { exit }
         on && /^\.[a-z]/ && !/^\.glyphicon/ { exit }
         on { print }' "$src/dist/css/bootstrap.css"
} >"$glyph_css"
grep -q '^\.glyphicon-info-sign:before' "$glyph_css" || { echo "glyphicon cut failed" >&2; exit 1; }
grep -q 'font-family: "Glyphicons Halflings"' "$glyph_css" || { echo "glyphicon cut failed" >&2; exit 1; }

src="$(fetch d3@3.5.5)"
put "$src" d3@3.5.5 LICENSE package.json d3.min.js

src="$(fetch d3@4.13.0)"
put "$src" d3@4.13.0 LICENSE package.json
# Flattened out of build/: the repository's .gitignore ignores every build/ directory.
install -D -m 0644 "$src/build/d3.min.js" "$DEST/d3@4.13.0/d3.min.js"

src="$(fetch leaflet.fullscreen@3.0.0)"
# The package ships no .min.js (the CDN minifies on the fly); the 8 kB source is served.
put "$src" leaflet.fullscreen@3.0.0 LICENSE package.json Control.FullScreen.js \
    Control.FullScreen.css icon-fullscreen.svg

src="$(fetch leaflet-minimap@3.6.1)"
put "$src" leaflet-minimap@3.6.1 LICENSE.txt package.json dist/Control.MiniMap.min.js \
    dist/Control.MiniMap.min.css dist/images/toggle.png dist/images/toggle.svg

src="$(fetch moment@2.18.1)"
put "$src" moment@2.18.1 LICENSE package.json min/moment.min.js

src="$(fetch iso8601-js-period@0.2.1)"
# No license file in this package: package.json records Apache-2.0 (see NOTICE.md).
put "$src" iso8601-js-period@0.2.1 package.json iso8601.js

src="$(fetch leaflet-timedimension@1.1.1)"
put "$src" leaflet-timedimension@1.1.1 LICENSE package.json dist/leaflet.timedimension.min.js \
    dist/leaflet.timedimension.control.css
sed -i 's#//netdna\.bootstrapcdn\.com/bootstrap/3\.0\.0/fonts/#../../bootstrap@3.4.1/fonts/#g' \
    "$DEST/leaflet-timedimension@1.1.1/dist/leaflet.timedimension.control.css"

src="$(fetch highlight.js@8.4.0)"
put "$src" highlight.js@8.4.0 LICENSE package.json styles/default.css

# folium's own scripts ship inside its wheel.
folium_dir="$("$PYTHON" -c 'import folium, pathlib; print(pathlib.Path(folium.__file__).parent)')"
folium_license="$("$PYTHON" -c 'from importlib.metadata import files
print(next(f.locate() for f in files("folium") if f.name.startswith("LICENSE")))')"
target="folium@$FOLIUM_VERSION"
put "$folium_dir" "$target" templates/leaflet_heat.min.js templates/pa7_hm.min.js \
    templates/pa7_leaflet_hm.min.js
install -D -m 0644 "$folium_license" "$DEST/$target/LICENSE.txt"
{
    echo "/* .fa-rotate-N classes used by folium.Icon(angle=N); generated by"
    echo "   scripts/vendor_map_assets.sh in place of folium's CDN-only file. */"
    for deg in $(seq 0 360); do
        printf '.fa-rotate-%d{transform:rotate(%ddeg)}\n' "$deg" "$deg"
    done
} >"$DEST/$target/templates/leaflet.awesome.rotate.min.css"

cat >"$DEST/NOTICE.md" <<'EOF'
# Vendored map assets

Written by `scripts/vendor_map_assets.sh`; do not edit by hand. Each directory is one npm
package at the exact version folium 0.20 links from a CDN (plus `folium@0.20.0`, whose files
come from folium's wheel). Each keeps its upstream license file and `package.json`.

| directory | upstream | license |
| --- | --- | --- |
| leaflet@1.9.3 | npm leaflet | BSD-2-Clause |
| jquery@3.7.1 | npm jquery | MIT |
| bootstrap@5.2.2 | npm bootstrap | MIT |
| fontawesome-free@6.2.0 | npm @fortawesome/fontawesome-free | icons CC-BY-4.0, fonts OFL-1.1, code MIT |
| leaflet.markercluster@1.1.0 | npm leaflet.markercluster | MIT |
| leaflet-awesome-markers@2.0.2 | npm drmonty-leaflet-awesome-markers (Lennard Voogdt) | MIT (per package.json; no license file shipped) |
| bootstrap@3.4.1 | npm bootstrap (Glyphicons Halflings part only) | MIT |
| d3@3.5.5 | npm d3 (used by branca colormap legends) | BSD-3-Clause |
| d3@4.13.0 | npm d3 (TimeSliderChoropleth) | BSD-3-Clause |
| leaflet.fullscreen@3.0.0 | npm leaflet.fullscreen | MIT |
| leaflet-minimap@3.6.1 | npm leaflet-minimap | BSD-2-Clause |
| moment@2.18.1 | npm moment | MIT |
| iso8601-js-period@0.2.1 | npm iso8601-js-period | Apache-2.0 (per package.json; no license file shipped) |
| leaflet-timedimension@1.1.1 | npm leaflet-timedimension | MIT |
| highlight.js@8.4.0 | npm highlight.js (one stylesheet TimestampedGeoJson links) | BSD-3-Clause |
| folium@0.20.0 | folium wheel (Leaflet.heat patched by folium, heatmap.js) | MIT |

Changes from upstream:

- `bootstrap@3.4.1/css/bootstrap-glyphicons.css`: the @font-face and `.glyphicon` rules cut out
  of Bootstrap 3.4.1's `bootstrap.css` (folium links a 3.0.0-era glyphicons-only stylesheet).
- `leaflet-timedimension@1.1.1/dist/leaflet.timedimension.control.css`: its glyphicon font
  URLs pointed at a CDN; they now point at `bootstrap@3.4.1/fonts/`.
- `folium@0.20.0/templates/leaflet.awesome.rotate.min.css`: generated `.fa-rotate-N` classes.
- `leaflet.fullscreen@3.0.0/Control.FullScreen.js` and `iso8601-js-period@0.2.1/iso8601.js` are
  served unminified: the packages ship no minified build (the CDN minifies on the fly).
- `d3@4.13.0/d3.min.js` is upstream's `build/d3.min.js` (moved: `build/` is git-ignored here).
- Source maps are not vendored (some minified files still name one; browsers fetch them only
  with developer tools open).
EOF

total="$(du -sb "$DEST" | cut -f1)"
echo "vendored $(find "$DEST" -type f | wc -l) files, $total bytes into ${DEST#"$ROOT"/}"
if ((total > 3 * 1024 * 1024)); then
    echo "warning: vendored assets exceed 3 MiB" >&2
fi
