package metrics

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"time"
)

// Chart is one SVG chart of a Report, ready to be put inline in an HTML
// page, with its text alternative.
type Chart struct {
	// ID is unique on a page and stable; every id inside SVG starts with
	// it. Use it as the id of the element that holds the chart.
	ID string
	// Title names the chart (also the SVG's <title>); Description says
	// what it shows and its main facts in a sentence or two (also the
	// SVG's <desc>).
	Title, Description string
	// SVG is the <svg> element: hand-written, escaped, deterministic. It
	// has a viewBox and no size, so it scales to its column; its colours
	// come from the page's stylesheet (see paletteSize). Its class is
	// "chart wide".
	SVG template.HTML
	// Narrow is the same chart laid out for a phone's width (class "chart
	// narrow"; its ids end in "-n"): a page shows one of the two.
	Narrow template.HTML
	// Table holds the same data as rows of text, to show with the chart
	// (for example in a <details> element) as its text alternative.
	Table Table
}

// Table is a chart's data as text.
type Table struct {
	Caption string
	Header  []string
	Rows    [][]string
}

// legendY is the baseline of the first line of a chart's legend.
const legendY = 20

// Charts draws the report's charts, in this order: incidents per month
// stacked by severity, time to resolve by severity, the action item
// burn-down, and the IMOC load.
func Charts(r *Report) []Chart {
	return []Chart{
		incidentsChart(r),
		resolveChart(r),
		burndownChart(r),
		loadChart(r),
	}
}

func incidentsChart(r *Report) Chart {
	const id = "chart-incidents-per-month"
	c := stacked{id: id, xLabel: "Month (" + r.TimeZone + ")", yLabel: "Incidents"}
	t := Table{Caption: "Incidents declared per month, by severity", Header: []string{"Month"}}
	for i, s := range r.Severities {
		c.names = append(c.names, s.ID)
		c.styles = append(c.styles, styleFor(i))
		t.Header = append(t.Header, s.ID)
	}
	t.Header = append(t.Header, "Total")
	busiest, busiestN := "", 0
	for i, m := range r.Incidents.ByMonth {
		mt, _ := time.Parse("2006-01", m.Month)
		label := [2]string{mt.Format("Jan"), ""}
		if i == 0 || mt.Month() == time.January {
			label[1] = mt.Format("2006")
		}
		c.cats = append(c.cats, label)
		c.tips = append(c.tips, mt.Format("January 2006"))
		row := []string{mt.Format("January 2006")}
		var vs []int
		for _, sc := range m.Severities {
			vs = append(vs, sc.Count)
			row = append(row, strconv.Itoa(sc.Count))
		}
		c.values = append(c.values, vs)
		t.Rows = append(t.Rows, append(row, strconv.Itoa(m.Count)))
		if m.Count > busiestN {
			busiest, busiestN = mt.Format("January 2006"), m.Count
		}
	}
	c.title = "Incidents per month, by severity"
	c.desc = fmt.Sprintf("Stacked bars, one per month from %s to %s, of the incidents declared that month, split by severity: %s in total.",
		monthName(r.Incidents.ByMonth, 0), monthName(r.Incidents.ByMonth, -1), countNoun(r.Incidents.Total.Count, "incident"))
	if busiestN > 0 {
		c.desc += fmt.Sprintf(" The busiest month was %s with %d.", busiest, busiestN)
	}
	return Chart{ID: id, Title: c.title, Description: c.desc, SVG: c.svg(wideLayout), Narrow: c.svg(narrowLayout), Table: t}
}

func monthName(ms []MonthGroup, i int) string {
	if len(ms) == 0 {
		return ""
	}
	if i < 0 {
		i = len(ms) + i
	}
	t, _ := time.Parse("2006-01", ms[i].Month)
	return t.Format("January 2006")
}

func countNoun(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

func resolveChart(r *Report) Chart {
	const id = "chart-time-to-resolve"
	c := hbars{
		id:     id,
		title:  "Time to resolve, by severity",
		xLabel: "Hours from start of impact to resolution",
		names:  []string{"Median", "90th percentile"},
		styles: []style{{1, 0}, {2, 1}},
	}
	t := Table{Caption: "Time to resolve (resolved − started) by severity", Header: []string{"Severity", "Resolved incidents", "Skipped", "Mean", "Median", "90th percentile"}}
	described := 0
	c.desc = "Horizontal bars, two per severity: the median and the 90th percentile (nearest rank) of the time from the start of impact to resolution, for incidents declared in the window."
	for _, sg := range r.Incidents.BySeverity {
		st := sg.Resolve
		c.rows = append(c.rows, sg.Severity)
		if st.N == 0 {
			c.values = append(c.values, nil)
			c.labels = append(c.labels, nil)
			c.notes = append(c.notes, "no resolved incidents")
			t.Rows = append(t.Rows, []string{sg.Severity, "0", strconv.Itoa(st.Skipped), "–", "–", "–"})
			continue
		}
		c.values = append(c.values, []float64{st.Median.Hours(), st.P90.Hours()})
		c.labels = append(c.labels, []string{FormatDuration(st.Median), FormatDuration(st.P90)})
		c.notes = append(c.notes, "")
		t.Rows = append(t.Rows, []string{sg.Severity, strconv.Itoa(st.N), strconv.Itoa(st.Skipped), FormatDuration(st.Mean), FormatDuration(st.Median), FormatDuration(st.P90)})
		if described < 2 {
			c.desc += fmt.Sprintf(" %s: median %s, 90th percentile %s (%s).", sg.Severity, FormatDuration(st.Median), FormatDuration(st.P90), countNoun(st.N, "incident"))
			described++
		}
	}
	return Chart{ID: id, Title: c.title, Description: c.desc, SVG: c.svg(wideLayout), Narrow: c.svg(narrowLayout), Table: t}
}

func burndownChart(r *Report) Chart {
	const id = "chart-action-items"
	c := stacked{
		id:     id,
		title:  "Open action items: projected burn-down",
		xLabel: "Week starting",
		yLabel: "Open action items",
		names:  []string{"Overdue", "No due date", "Due on or after this date"},
		styles: []style{{0, 0}, {5, 2}, {1, 1}},
	}
	t := Table{Caption: "Open action items still open on each date if every item is closed on its due date", Header: []string{"Date", "Overdue", "No due date", "Due on or after the date", "Open"}}
	bd := r.ActionItems.Burndown
	every := max(1, (len(bd)+7)/8)
	for i, p := range bd {
		d := time.Date(p.Date.Year, p.Date.Month, p.Date.Day, 0, 0, 0, 0, time.UTC)
		label := [2]string{}
		if i%every == 0 {
			label[0] = d.Format("Jan 2")
			if i == 0 || d.Month() == time.January && d.Day() <= 7 {
				label[1] = d.Format("2006")
			}
		}
		c.cats = append(c.cats, label)
		c.tips = append(c.tips, p.Date.String())
		c.values = append(c.values, []int{p.Overdue, p.NoDueDate, p.DueLater})
		t.Rows = append(t.Rows, []string{p.Date.String(), strconv.Itoa(p.Overdue), strconv.Itoa(p.NoDueDate), strconv.Itoa(p.DueLater), strconv.Itoa(p.Open())})
	}
	c.desc = "Stacked bars, one per week from today, of the action items that would still be open if each were closed on its due date: overdue items and items without a due date never burn down."
	if len(bd) > 0 {
		first, last := bd[0], bd[len(bd)-1]
		c.desc += fmt.Sprintf(" Today %s open, %d of them overdue and %d without a due date; %s still open on %s.",
			isAre(first.Open()), first.Overdue, first.NoDueDate, countNoun(last.Open(), "item"), last.Date)
	}
	return Chart{ID: id, Title: c.title, Description: c.desc, SVG: c.svg(wideLayout), Narrow: c.svg(narrowLayout), Table: t}
}

func isAre(n int) string {
	if n == 1 {
		return "1 item is"
	}
	return strconv.Itoa(n) + " items are"
}

func loadChart(r *Report) Chart {
	const id = "chart-imoc-load"
	c := hbars{
		id:     id,
		title:  "IMOC load per person",
		xLabel: "Hours on call in the window",
		names:  []string{"Hours on call"},
		styles: []style{{1, 0}},
	}
	t := Table{Caption: "IMOC load per person over the window", Header: []string{"Person", "Hours on call", "Incidents as IMOC", "Major incidents"}}
	var most Load
	for _, l := range r.IMOCLoad {
		c.rows = append(c.rows, l.Person)
		c.values = append(c.values, []float64{l.OnCall.Hours()})
		c.labels = append(c.labels, []string{fmt.Sprintf("%s · %s", FormatHours(l.OnCall), countNoun(l.Incidents, "incident"))})
		c.notes = append(c.notes, "")
		t.Rows = append(t.Rows, []string{personLabel(l.Person, l.Name), FormatHours(l.OnCall), strconv.Itoa(l.Incidents), strconv.Itoa(l.Major)})
		if l.OnCall > most.OnCall {
			most = l
		}
	}
	c.desc = fmt.Sprintf("Horizontal bars, one per person, of their hours as IMOC on call in the window, labelled with the number of incidents they were IMOC for; %s listed.", countNoun(len(r.IMOCLoad), "person"))
	if most.Person != "" {
		c.desc += fmt.Sprintf(" The most hours: %s, %s.", most.Person, FormatHours(most.OnCall))
	}
	return Chart{ID: id, Title: c.title, Description: c.desc, SVG: c.svg(wideLayout), Narrow: c.svg(narrowLayout), Table: t}
}

func personLabel(handle, name string) string {
	if name == "" {
		return handle
	}
	return name + " (" + handle + ")"
}

// stacked is a vertical stacked bar chart of counts.
type stacked struct {
	id, title, desc, xLabel, yLabel string
	// cats are the category labels under the bars (two lines, either may
	// be empty) and tips the full category names for tooltips.
	cats   [][2]string
	tips   []string
	names  []string
	styles []style
	// values[category][series].
	values [][]int
}

func (c stacked) svg(l layout) template.HTML {
	left, right := 56.0, 16.0
	if l == narrowLayout {
		left, right = 44, 8
	}
	const (
		plotH                  = 222.0
		maxBarWidth, barFactor = 40.0, 0.7
	)
	w := newSVG(c.id, l)
	plotTop := legendY + float64(w.legendLines(left, right, c.names)-1)*legendLine + 28
	plotBottom := plotTop + plotH
	height := plotBottom + 70
	tickLine1, tickLine2 := plotBottom+16, plotBottom+30
	xLabelY := height - 12
	plotW := l.width - left - right
	w.open(height, c.title, c.desc)
	w.defs(c.styles)
	w.legend(left, legendY, right, c.names, c.styles)

	maxTotal := 0
	for _, vs := range c.values {
		maxTotal = max(maxTotal, sum(vs))
	}
	top, step := intScale(maxTotal)
	y := func(v float64) float64 { return plotBottom - v/top*plotH }
	w.printf(`<g class="grid">` + "\n")
	for v := 0.0; v <= top+1e-9; v += step {
		if v > 0 {
			w.line(left, y(v), l.width-right, y(v), "")
		}
		w.text(left-6, y(v)+4, "end", tickLabel(v), "")
	}
	w.printf("</g>\n")
	w.text(-(plotTop + plotH/2), 14, "middle", c.yLabel, `transform="rotate(-90)"`)
	w.text(left+plotW/2, xLabelY, "middle", c.xLabel, "")

	n := max(1, len(c.values))
	slot := plotW / float64(n)
	barW := math.Min(maxBarWidth, slot*barFactor)
	w.printf(`<g class="bars">` + "\n")
	for i, vs := range c.values {
		x := left + float64(i)*slot + (slot-barW)/2
		cum := 0
		for s, v := range vs {
			if v <= 0 {
				continue
			}
			y0, y1 := y(float64(cum+v)), y(float64(cum))
			w.printf(`<rect x="%s" y="%s" width="%s" height="%s" %s><title>%s, %s: %d</title></rect>`+"\n",
				num(x), num(y0), num(barW), num(y1-y0), c.styles[s].fill(w.id), esc(c.tips[i]), esc(c.names[s]), v)
			if cum > 0 {
				w.line(x, y1, x+barW, y1, "sep")
			}
			cum += v
		}
		if cum > 0 {
			w.text(x+barW/2, y(float64(cum))-4, "middle", strconv.Itoa(cum), `font-weight="bold"`)
		}
		if c.cats[i][0] != "" {
			w.text(x+barW/2, tickLine1, "middle", c.cats[i][0], "")
		}
		// On a phone, a year under the first bar would run into the year
		// under a January next to it.
		crowded := l == narrowLayout && i == 0 && len(c.cats) > 1 && c.cats[1][1] != ""
		if c.cats[i][1] != "" && !crowded {
			w.text(x+barW/2, tickLine2, "middle", c.cats[i][1], "")
		}
	}
	w.printf("</g>\n")
	w.line(left, plotBottom, l.width-right, plotBottom, "axis")
	w.line(left, plotTop-4, left, plotBottom, "axis")
	w.close()
	return template.HTML(w.b.String())
}

func sum(vs []int) int {
	t := 0
	for _, v := range vs {
		t += v
	}
	return t
}

// hbars is a horizontal bar chart with one or more series per row.
type hbars struct {
	id, title, desc, xLabel string
	rows                    []string
	names                   []string
	styles                  []style
	// values[row][series] in hours; a nil row has no bars and shows its
	// note instead. labels[row][series] is written after each bar.
	values [][]float64
	labels [][]string
	notes  []string
}

func (c hbars) svg(l layout) template.HTML {
	left, right := 110.0, 150.0
	if l == narrowLayout {
		left, right = 64, 136
	}
	const (
		barH, barGap  = 14.0, 2.0
		rowPad        = 14.0
		labelPad      = 6.0
		textBaseline  = 4.0 // from a bar's middle to its text baseline
		axisLabelGap  = 40.0
		bottomPadding = 52.0
	)
	w := newSVG(c.id, l)
	plotW := l.width - left - right
	plotTop := legendY + float64(w.legendLines(left, 8, c.names)-1)*legendLine + 20
	ns := len(c.names)
	rowH := float64(ns)*barH + float64(ns-1)*barGap + rowPad
	plotBottom := plotTop + rowH*float64(max(1, len(c.rows)))
	height := plotBottom + bottomPadding

	w.open(height, c.title, c.desc)
	w.defs(c.styles)
	w.legend(left, legendY, 8, c.names, c.styles)

	maxV := 0.0
	for _, vs := range c.values {
		for _, v := range vs {
			maxV = math.Max(maxV, v)
		}
	}
	top, step := niceScale(maxV)
	x := func(v float64) float64 { return left + v/top*plotW }
	w.printf(`<g class="grid">` + "\n")
	for v := 0.0; v <= top+step/1e6; v += step {
		if v > 0 {
			w.line(x(v), plotTop, x(v), plotBottom, "")
		}
		w.text(x(v), plotBottom+16, "middle", tickLabel(math.Round(v*1e6)/1e6), "")
	}
	w.printf("</g>\n")
	w.text(left+plotW/2, plotBottom+axisLabelGap, "middle", c.xLabel, "")

	w.printf(`<g class="bars">` + "\n")
	for i, row := range c.rows {
		y0 := plotTop + float64(i)*rowH + rowPad/2
		mid := y0 + (rowH-rowPad)/2
		w.text(left-labelPad, mid+textBaseline, "end", row, "")
		if c.values[i] == nil {
			w.text(left+labelPad, mid+textBaseline, "start", c.notes[i], `font-style="italic"`)
			continue
		}
		for s, v := range c.values[i] {
			by := y0 + float64(s)*(barH+barGap)
			bw := math.Max(0, x(v)-left)
			w.printf(`<rect x="%s" y="%s" width="%s" height="%s" %s><title>%s, %s: %s</title></rect>`+"\n",
				num(left), num(by), num(bw), num(barH), c.styles[s].fill(w.id), esc(row), esc(c.names[s]), esc(c.labels[i][s]))
			w.text(left+bw+labelPad, by+barH/2+textBaseline, "start", c.labels[i][s], "")
		}
	}
	w.printf("</g>\n")
	w.line(left, plotTop, left, plotBottom, "axis")
	w.line(left, plotBottom, left+plotW, plotBottom, "axis")
	w.close()
	return template.HTML(w.b.String())
}
