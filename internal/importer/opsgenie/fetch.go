package opsgenie

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/batonhq/baton/internal/importer"
)

// DefaultAPI is Opsgenie's REST API; accounts on the EU instance use
// https://api.eu.opsgenie.com.
const DefaultAPI = "https://api.opsgenie.com/"

// Fetch reads a schedule with its rotations, its overrides, its timeline
// over days days from date, and the account's users (page by page, for
// their names and time zones).
func Fetch(ctx context.Context, c *importer.Client, scheduleID string, date time.Time, days int) (*Export, error) {
	id := url.PathEscape(scheduleID)
	ex := &Export{}
	var sched struct {
		Data Schedule `json:"data"`
	}
	if err := c.Get(ctx, "v2/schedules/"+id+"?identifierType=id", &sched); err != nil {
		return nil, err
	}
	ex.Schedule = sched.Data
	var ov struct {
		Data []Override `json:"data"`
	}
	if err := c.Get(ctx, "v2/schedules/"+id+"/overrides?scheduleIdentifierType=id", &ov); err != nil {
		return nil, err
	}
	ex.Overrides = ov.Data
	q := url.Values{
		"identifierType": {"id"},
		"interval":       {strconv.Itoa(days)},
		"intervalUnit":   {"days"},
		"date":           {date.UTC().Format("2006-01-02T15:04:05.000Z")},
	}
	var tl struct {
		Data Timeline `json:"data"`
	}
	if err := c.Get(ctx, "v2/schedules/"+id+"/timeline?"+q.Encode(), &tl); err != nil {
		return nil, err
	}
	ex.Timeline = &tl.Data
	err := c.Follow(ctx, 1000, "v2/users?limit=100&offset=0", func() (any, func() string) {
		var page struct {
			Data   []User `json:"data"`
			Paging struct {
				Next string `json:"next"`
			} `json:"paging"`
		}
		return &page, func() string {
			ex.Users = append(ex.Users, page.Data...)
			if len(page.Data) == 0 {
				return ""
			}
			return page.Paging.Next
		}
	})
	if err != nil {
		return nil, fmt.Errorf("listing users: %w", err)
	}
	return ex, nil
}
