package metrics

import (
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
)

// The drawing primitives of the charts: hand-written SVG, escaped text,
// coordinates rounded to a tenth of a pixel so that output is stable.

// paletteSize is the number of series colours.
const paletteSize = 6

// color returns series colour i (mod paletteSize). Each has a contrast of
// at least 4.5:1 against white (checked by TestPaletteContrast), so bars,
// and the white pattern lines drawn over them, stand out from the white
// background.
func color(i int) string {
	return [paletteSize]string{
		"#b3261e", // red
		"#1f5fa8", // blue
		"#8a5300", // brown
		"#3d6b35", // green
		"#6b3fa0", // purple
		"#4a5563", // slate
	}[i%paletteSize]
}

// Text and rule colours: ink is for text (15:1 on white), grid lines are
// decoration.
const (
	ink  = "#1f2328"
	grid = "#d0d7de"
	font = `font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"`
)

// patternCount is how many fill patterns there are: solid, diagonal
// stripes, dots, horizontal stripes, crosshatch, vertical stripes.
const patternCount = 6

// style is how one series is drawn: a colour and a fill pattern.
type style struct{ color, pattern int }

// styleFor gives series i a colour and a pattern that both differ from its
// neighbours'.
func styleFor(i int) style { return style{i % paletteSize, i % patternCount} }

// fill returns the fill attribute value of a style inside chart id.
func (s style) fill(id string) string {
	if s.pattern == 0 {
		return color(s.color)
	}
	return "url(#" + patternID(id, s) + ")"
}

func patternID(id string, s style) string { return fmt.Sprintf("%s-p%d-%d", id, s.color, s.pattern) }

// svgWriter accumulates one chart's SVG.
type svgWriter struct {
	b  strings.Builder
	id string
}

// num formats a coordinate with at most one decimal.
func num(x float64) string {
	return strconv.FormatFloat(math.Round(x*10)/10, 'f', -1, 64)
}

func esc(s string) string { return html.EscapeString(s) }

func (w *svgWriter) printf(format string, args ...any) { fmt.Fprintf(&w.b, format, args...) }

// open writes the <svg> element with its accessible name and description.
func (w *svgWriter) open(width, height float64, title, desc string) {
	w.printf(`<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 %s %s" width="%s" height="%s" role="img" aria-labelledby="%s-title %s-desc" %s font-size="12">`+"\n",
		num(width), num(height), num(width), num(height), w.id, w.id, font)
	w.printf(`<title id="%s-title">%s</title>`+"\n", w.id, esc(title))
	w.printf(`<desc id="%s-desc">%s</desc>`+"\n", w.id, esc(desc))
}

// defs writes the patterns the styles use.
func (w *svgWriter) defs(styles []style) {
	var pats []string
	seen := map[string]bool{}
	for _, s := range styles {
		if s.pattern == 0 || seen[patternID(w.id, s)] {
			continue
		}
		seen[patternID(w.id, s)] = true
		c := color(s.color)
		var marks string
		switch s.pattern {
		case 1: // diagonal stripes
			marks = `<path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke="#fff" stroke-width="1.5"/>`
		case 2: // dots
			marks = `<circle cx="2" cy="2" r="1.3" fill="#fff"/><circle cx="6" cy="6" r="1.3" fill="#fff"/>`
		case 3: // horizontal stripes
			marks = `<path d="M0,2 h8 M0,6 h8" stroke="#fff" stroke-width="1.2"/>`
		case 4: // crosshatch
			marks = `<path d="M0,0 l8,8 M8,0 l-8,8" stroke="#fff" stroke-width="1"/>`
		case 5: // vertical stripes
			marks = `<path d="M2,0 v8 M6,0 v8" stroke="#fff" stroke-width="1.2"/>`
		}
		pats = append(pats, fmt.Sprintf(`<pattern id="%s" width="8" height="8" patternUnits="userSpaceOnUse"><rect width="8" height="8" fill="%s"/>%s</pattern>`, patternID(w.id, s), c, marks))
	}
	if len(pats) == 0 {
		return
	}
	w.printf("<defs>\n%s\n</defs>\n", strings.Join(pats, "\n"))
}

// legend writes swatches and labels in a row starting at (x, y) and
// returns nothing; labels are measured with textWidth.
func (w *svgWriter) legend(x, y float64, names []string, styles []style) {
	w.printf(`<g class="legend">` + "\n")
	for i, n := range names {
		w.printf(`<rect x="%s" y="%s" width="12" height="12" fill="%s" stroke="%s" stroke-width="0.5"/><text x="%s" y="%s" fill="%s">%s</text>`+"\n",
			num(x), num(y-10), styles[i].fill(w.id), ink, num(x+16), num(y), ink, esc(n))
		x += 16 + textWidth(n) + 18
	}
	w.printf("</g>\n")
}

// textWidth estimates the width of s at font size 12.
func textWidth(s string) float64 { return 6.8 * float64(len([]rune(s))) }

func (w *svgWriter) text(x, y float64, anchor, s string, extra string) {
	if extra != "" {
		extra = " " + extra
	}
	w.printf(`<text x="%s" y="%s" text-anchor="%s" fill="%s"%s>%s</text>`+"\n", num(x), num(y), anchor, ink, extra, esc(s))
}

func (w *svgWriter) line(x1, y1, x2, y2 float64, color string) {
	w.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>`+"\n", num(x1), num(y1), num(x2), num(y2), color)
}

func (w *svgWriter) close() { w.printf("</svg>\n") }

// niceScale returns an axis maximum ≥ v and a tick step of 1, 2 or 5 times
// a power of ten giving at most six ticks. With v ≤ 0 it returns 1, 1.
func niceScale(v float64) (top, step float64) {
	if v <= 0 {
		return 1, 1
	}
	raw := v / 5
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		step = m * p
		if step >= raw {
			break
		}
	}
	return math.Ceil(v/step-1e-9) * step, step
}

// intScale is niceScale for counts: steps are whole numbers.
func intScale(v int) (top, step float64) {
	top, step = niceScale(float64(v))
	if step < 1 {
		step = 1
		top = math.Max(1, float64(v))
	}
	return top, step
}

// tickLabel formats an axis value without trailing zeros.
func tickLabel(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
