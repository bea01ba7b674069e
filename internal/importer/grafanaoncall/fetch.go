package grafanaoncall

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/batonhq/baton/internal/importer"
)

// Fetch reads a schedule, its shifts and the organisation's users (page by
// page, following the API's next links), and the final shifts over
// [start, end) (at most 365 days; the API takes whole minutes in UTC).
// The client's base URL is the OnCall API's, without /api/v1.
func Fetch(ctx context.Context, c *importer.Client, scheduleID string, start, end time.Time) (*Export, error) {
	id := url.PathEscape(scheduleID)
	ex := &Export{
		StartDate: start.UTC().Format("2006-01-02T15:04"),
		EndDate:   end.UTC().Format("2006-01-02T15:04"),
	}
	if err := c.Get(ctx, "api/v1/schedules/"+id, &ex.Schedule); err != nil {
		return nil, err
	}
	err := c.Follow(ctx, 1000, "api/v1/on_call_shifts?schedule_id="+url.QueryEscape(scheduleID), func() (any, func() string) {
		var page struct {
			Results []Shift `json:"results"`
			Next    string  `json:"next"`
		}
		return &page, func() string { ex.Shifts = append(ex.Shifts, page.Results...); return page.Next }
	})
	if err != nil {
		return nil, fmt.Errorf("listing the schedule's shifts: %w", err)
	}
	err = c.Follow(ctx, 1000, "api/v1/users", func() (any, func() string) {
		var page struct {
			Results []User `json:"results"`
			Next    string `json:"next"`
		}
		return &page, func() string { ex.Users = append(ex.Users, page.Results...); return page.Next }
	})
	if err != nil {
		return nil, fmt.Errorf("listing users: %w", err)
	}
	q := url.Values{"start_date": {ex.StartDate}, "end_date": {ex.EndDate}}
	var final struct {
		Results []FinalShift `json:"results"`
	}
	if err := c.Get(ctx, "api/v1/schedules/"+id+"/final_shifts?"+q.Encode(), &final); err != nil {
		return nil, err
	}
	ex.FinalShifts = final.Results
	return ex, nil
}
