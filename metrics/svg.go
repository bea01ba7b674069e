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

// paletteSize is the number of series colours. The colours themselves are
// the page's: series i has class "c<i>", which the site's stylesheet fills
// with its --series-<i+1> colour, light or dark with the page. Pattern
// marks have class "mark", text takes the colour of the surrounding text.
const paletteSize = 6

// font is the charts' type; its size is 12 user units, drawn at about 12
// CSS pixels (a chart's wide layout spans a desktop column, the narrow one
// a phone's width).
const font = `font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"`

// patternCount is how many fill patterns there are: solid, diagonal
// stripes, dots, horizontal stripes, crosshatch, vertical stripes.
const patternCount = 6

// style is how one series is drawn: a colour and a fill pattern.
type style struct{ color, pattern int }

// styleFor gives series i a colour and a pattern that both differ from its
// neighbours'.
func styleFor(i int) style { return style{i % paletteSize, i % patternCount} }

// class returns the colour class of a style.
func (s style) class() string { return "c" + strconv.Itoa(s.color%paletteSize) }

// fill returns the attributes that fill a shape with a style inside
// chart id: a colour class, or a pattern.
func (s style) fill(id string) string {
	if s.pattern == 0 {
		return `class="` + s.class() + `"`
	}
	return `fill="url(#` + patternID(id, s) + `)"`
}

func patternID(id string, s style) string { return fmt.Sprintf("%s-p%d-%d", id, s.color, s.pattern) }

// layout is one of the two drawings of a chart: wide for a desktop column,
// narrow for a phone. The page shows one or the other by the width of the
// screen.
type layout struct {
	width  float64
	suffix string // appended to the chart id
	class  string // "wide" or "narrow"
}

var (
	wideLayout   = layout{width: 640, class: "wide"}
	narrowLayout = layout{width: 360, suffix: "-n", class: "narrow"}
)

// svgWriter accumulates one chart's SVG.
type svgWriter struct {
	b  strings.Builder
	id string
	l  layout
}

func newSVG(id string, l layout) *svgWriter { return &svgWriter{id: id + l.suffix, l: l} }

// num formats a coordinate with at most one decimal.
func num(x float64) string {
	return strconv.FormatFloat(math.Round(x*10)/10, 'f', -1, 64)
}

func esc(s string) string { return html.EscapeString(s) }

func (w *svgWriter) printf(format string, args ...any) { fmt.Fprintf(&w.b, format, args...) }

// open writes the <svg> element with its accessible name and description.
// It has a viewBox and no size: the stylesheet makes it as wide as its
// column.
func (w *svgWriter) open(height float64, title, desc string) {
	w.printf(`<svg xmlns="http://www.w3.org/2000/svg" class="chart %s" viewBox="0 0 %s %s" role="img" aria-labelledby="%s-title %s-desc" %s font-size="12">`+"\n",
		w.l.class, num(w.l.width), num(height), w.id, w.id, font)
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
		var marks string
		switch s.pattern {
		case 1: // diagonal stripes
			marks = `<path class="mark" d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke-width="1.5"/>`
		case 2: // dots
			marks = `<circle class="mark" cx="2" cy="2" r="1.3"/><circle class="mark" cx="6" cy="6" r="1.3"/>`
		case 3: // horizontal stripes
			marks = `<path class="mark" d="M0,2 h8 M0,6 h8" stroke-width="1.2"/>`
		case 4: // crosshatch
			marks = `<path class="mark" d="M0,0 l8,8 M8,0 l-8,8" stroke-width="1"/>`
		case 5: // vertical stripes
			marks = `<path class="mark" d="M2,0 v8 M6,0 v8" stroke-width="1.2"/>`
		}
		pats = append(pats, fmt.Sprintf(`<pattern id="%s" width="8" height="8" patternUnits="userSpaceOnUse"><rect width="8" height="8" class="%s"/>%s</pattern>`, patternID(w.id, s), s.class(), marks))
	}
	if len(pats) == 0 {
		return
	}
	w.printf("<defs>\n%s\n</defs>\n", strings.Join(pats, "\n"))
}

// legendLines is how many lines legend needs for names from x to the
// right edge less right.
func (w *svgWriter) legendLines(x, right float64, names []string) int {
	lines, x0 := 1, x
	for i, n := range names {
		item := 16 + textWidth(n)
		if i > 0 && x+item > w.l.width-right {
			lines++
			x = x0
		}
		x += item + 18
	}
	return lines
}

// legend writes swatches and labels in rows starting at (x, y), wrapping
// before the right edge less right; labels are measured with textWidth.
func (w *svgWriter) legend(x, y, right float64, names []string, styles []style) {
	w.printf(`<g class="key">` + "\n")
	x0 := x
	for i, n := range names {
		item := 16 + textWidth(n)
		if i > 0 && x+item > w.l.width-right {
			x, y = x0, y+legendLine
		}
		w.printf(`<rect x="%s" y="%s" width="12" height="12" %s stroke="currentColor" stroke-width="0.5"/><text x="%s" y="%s">%s</text>`+"\n",
			num(x), num(y-10), styles[i].fill(w.id), num(x+16), num(y), esc(n))
		x += item + 18
	}
	w.printf("</g>\n")
}

// legendLine is the height of a line of the legend.
const legendLine = 18

// textWidth estimates the width of s at font size 12.
func textWidth(s string) float64 { return 6.8 * float64(len([]rune(s))) }

func (w *svgWriter) text(x, y float64, anchor, s string, extra string) {
	if extra != "" {
		extra = " " + extra
	}
	w.printf(`<text x="%s" y="%s" text-anchor="%s"%s>%s</text>`+"\n", num(x), num(y), anchor, extra, esc(s))
}

// line draws a line of class class ("axis" or a grid line, "").
func (w *svgWriter) line(x1, y1, x2, y2 float64, class string) {
	if class != "" {
		class = ` class="` + class + `"`
	}
	w.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s"%s/>`+"\n", num(x1), num(y1), num(x2), num(y2), class)
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
