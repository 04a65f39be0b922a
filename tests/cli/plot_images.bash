# plot_images.bash - checks of cra-plot's pictures, sourced by tests/cli/plot_*.sh and
# dashboard*.sh (after testlib.sh).  Each check reads the file itself - no trust in the exit
# status - and fails the test naming what is wrong.

# be32 FILE OFFSET: the big-endian 32-bit number at OFFSET.
be32() { od -An -tu1 -j "$2" -N4 "$1" | awk '{ print (($1 * 256 + $2) * 256 + $3) * 256 + $4 }'; }

# check_png FILE W H: a whole PNG (signature, IHDR first, IEND last) of W x H pixels, which
# ImageMagick decodes end to end when it is installed.
check_png() {
	[ -s "$1" ] || fail "$1: missing or empty"
	[ "$(od -An -tx1 -N8 "$1" | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "$1: not a PNG"
	[ "$(dd if="$1" bs=1 skip=12 count=4 2>/dev/null)" = IHDR ] || fail "$1: no IHDR"
	[ "$(be32 "$1" 16)x$(be32 "$1" 20)" = "$2x$3" ] || fail "$1: $(be32 "$1" 16)x$(be32 "$1" 20), not $2x$3"
	[ "$(tail -c 8 "$1" | head -c 4)" = IEND ] || fail "$1: does not end with IEND (truncated)"
	if command -v identify > /dev/null; then
		[ "$(identify -regard-warnings -format '%wx%h' "$1" 2>&1)" = "$2x$3" ] || fail "$1: ImageMagick: $(identify "$1" 2>&1)"
	fi
}

# check_svg FILE W H: well-formed XML, an <svg> of width W and height H, no script.
check_svg() {
	[ -s "$1" ] || fail "$1: missing or empty"
	xmllint --noout "$1" 2> "$T/xmllint.err" || fail "$1: not well-formed XML: $(head -3 "$T/xmllint.err")"
	grep -q "<svg" "$1" || fail "$1: no <svg> element"
	grep -q "width=\"$2\" height=\"$3\"" "$1" || fail "$1: not $2x$3: $(grep -m1 -o 'width="[0-9]*" height="[0-9]*"' "$1")"
	grep -qi "<script" "$1" && fail "$1: holds a script"
	return 0
}

# check_pdf FILE: a whole PDF (magic, %%EOF at the end), one page.
check_pdf() {
	[ "$(head -c 5 "$1")" = "%PDF-" ] || fail "$1: not a PDF"
	tail -c 16 "$1" | grep -q '%%EOF' || fail "$1: truncated (no %%EOF)"
	[ "$(grep -a -c '/Type */Page[^s]' "$1")" = 1 ] || fail "$1: not one page"
}

# svg_data_points FILE: how many coordinate pairs the plotted series draw.  gnuplot writes each
# plot clause as a group <g id="gnuplot_plot_N"> holding its legend sample (2 to 5 points) and
# its data (paths d='M x,y L x,y ...', polygons points='x,y x,y ...'); axes, grid and tics come
# before the first such group.  A chart whose series are empty counts only legend samples and
# the closing border: about 15 points (a line sample is 2, a box sample 4, the border 5).
svg_data_points() {
	awk '/<g id="gnuplot_plot_/ { inplot = 1 } inplot { n += gsub(/-?[0-9.]+,-?[0-9.]+/, "&") }
		END { print n + 0 }' "$1"
}

# check_chart FILE W H [MIN]: a valid SVG chart whose series draw at least MIN points (30:
# twice what an empty chart shows; a single line of 30 points, or 4 bars, passes).
check_chart() {
	check_svg "$1" "$2" "$3"
	local n
	n=$(svg_data_points "$1")
	[ "$n" -ge "${4:-30}" ] || fail "$1: an empty chart ($n points in its series, want ${4:-30})"
}
