package statuspage

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/batonhq/baton/internal/importer"
)

// DefaultAPI is the manage API's base URL.
const DefaultAPI = "https://api.statuspage.io/v1/"

// perPage is the page size asked for; a shorter page is the last.
const perPage = 100

// maxPages bounds each list (100 000 items).
const maxPages = 1000

// Fetch reads a page's components, component groups and incidents (with
// scheduled maintenances) from the manage API, page by page.
func Fetch(ctx context.Context, c *importer.Client, pageID string) (*Export, error) {
	ex := &Export{}
	base := "pages/" + url.PathEscape(pageID) + "/"
	if err := list(ctx, c, base+"components", &ex.Components); err != nil {
		return nil, err
	}
	if err := list(ctx, c, base+"component-groups", &ex.ComponentGroups); err != nil {
		return nil, err
	}
	if err := list(ctx, c, base+"incidents", &ex.Incidents); err != nil {
		return nil, err
	}
	return ex, nil
}

func list[T any](ctx context.Context, c *importer.Client, ref string, out *[]T) error {
	return c.Pages(ctx, maxPages,
		func(n int) string { return fmt.Sprintf("%s?page=%d&per_page=%d", ref, n, perPage) },
		func(int) (any, func() bool) {
			var page []T
			return &page, func() bool {
				*out = append(*out, page...)
				return len(page) >= perPage
			}
		})
}

// FetchPublic reads a page's public incidents (api/v2/incidents.json, the
// last 50) and, when the page publishes them, its components (for their
// names and groups) and scheduled maintenances. No token is needed.
func FetchPublic(ctx context.Context, c *importer.Client) (*Export, error) {
	ex := &Export{}
	if err := c.Get(ctx, "api/v2/incidents.json", ex); err != nil {
		return nil, err
	}
	var comps struct {
		Components []Component `json:"components"`
	}
	if err := optional(c.Get(ctx, "api/v2/components.json", &comps)); err != nil {
		return nil, err
	}
	ex.Components = comps.Components
	var maint struct {
		ScheduledMaintenances []Incident `json:"scheduled_maintenances"`
	}
	if err := optional(c.Get(ctx, "api/v2/scheduled-maintenances.json", &maint)); err != nil {
		return nil, err
	}
	ex.ScheduledMaintenances = maint.ScheduledMaintenances
	return ex, nil
}

// optional ignores a 404: not every page publishes every file.
func optional(err error) error {
	var se *importer.StatusError
	if errors.As(err, &se) && se.Status == 404 {
		return nil
	}
	return err
}
