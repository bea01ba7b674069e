// Package templates holds the HTML templates and static assets of the site
// that package generator renders. It is data, not logic: the templates are
// written for html/template, and the functions and values they use are
// documented (and supplied) by package generator.
//
// Layout: layout.html defines the page frame ("layout") and shared pieces;
// each page file defines "content" and "title" and is parsed together with
// layout.html. The frame must use "title" and then "content" exactly once:
// the generator renders it once per folder depth and section and fills in
// each page's title and content. oncall.html and metrics.html are
// rendered for the internal audience only. Files under assets/ are copied
// to the site unchanged.
//
// Besides html/template's built-ins, templates call timeTag (a <time>
// element for an instant, in the site's zone), statusTag (the "status"
// fragment, rendered once per value), statusText, impactText, aiStatus
// (an action item's status in words), items (incidents as the rows of a
// list), comp (the data of the "component" template), favicon (the
// site's icon as a data: URL), stylesheet (assets/style.css, which
// 404.html carries inline), duration and hours (metrics.FormatDuration
// and metrics.FormatHours). Incident views also carry precomputed display
// values (ImpactText, StatusHTML — the "istatus" fragment —, MetaHTML,
// StartHTML, ResolvedHTML, Timeline); see package generator.
//
// assets/style.css holds the design: colour tokens for the light and the
// dark scheme, the type scale and the breakpoints, documented with their
// contrast ratios in docs/design.md (a test keeps the two in step).
// Status icons are CSS masks (class "icon i-<status>"), so they cost no
// markup and take the colour of the text beside them.
package templates

import "embed"

// FS holds the templates (*.html) and the static assets (assets/*).
//
//go:embed *.html assets
var FS embed.FS
