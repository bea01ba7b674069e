// Package templates holds the HTML templates and static assets of the site
// that package generator renders. It is data, not logic: the templates are
// written for html/template, and the functions and values they use are
// documented (and supplied) by package generator.
//
// Layout: layout.html defines the page frame ("layout") and shared pieces;
// each page file defines "content" and "title" and is parsed together with
// layout.html. Files under assets/ are copied to the site unchanged.
package templates

import "embed"

// FS holds the templates (*.html) and the static assets (assets/*).
//
//go:embed *.html assets
var FS embed.FS
