package pagerduty

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/batonhq/baton/internal/importer"
)

// DefaultAPI is PagerDuty's REST API.
const DefaultAPI = "https://api.pagerduty.com/"

// limit is the page size asked for (PagerDuty's classic pagination).
const limit = 100

// Fetch reads a schedule rendered over [since, until), its overrides in
// that window, and the account's users (page by page, for their e-mail
// addresses).
func Fetch(ctx context.Context, c *importer.Client, scheduleID string, since, until time.Time) (*Export, error) {
	q := url.Values{"since": {since.UTC().Format(time.RFC3339)}, "until": {until.UTC().Format(time.RFC3339)}}
	ex := &Export{Since: &since, Until: &until}
	var sched struct {
		Schedule Schedule `json:"schedule"`
	}
	id := url.PathEscape(scheduleID)
	if err := c.Get(ctx, "schedules/"+id+"?"+q.Encode(), &sched); err != nil {
		return nil, err
	}
	ex.Schedule = sched.Schedule
	var ov struct {
		Overrides []Override `json:"overrides"`
	}
	if err := c.Get(ctx, "schedules/"+id+"/overrides?"+q.Encode(), &ov); err != nil {
		return nil, err
	}
	ex.Overrides = ov.Overrides
	err := c.Pages(ctx, 1000,
		func(n int) string { return fmt.Sprintf("users?limit=%d&offset=%d", limit, (n-1)*limit) },
		func(int) (any, func() bool) {
			var page struct {
				Users []User `json:"users"`
				More  bool   `json:"more"`
			}
			return &page, func() bool {
				ex.Users = append(ex.Users, page.Users...)
				return page.More
			}
		})
	if err != nil {
		return nil, err
	}
	return ex, nil
}
