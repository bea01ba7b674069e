package schema

import "time"

// IMOC qualification states of a person (Person.IMOC).
const (
	IMOCQualified = "qualified"
	IMOCTrainee   = "trainee"
)

// People is people.yaml.
type People struct {
	Meta
	People []Person `yaml:"people"`
}

// Person is one entry of the people directory.
type Person struct {
	Meta
	Handle   string `yaml:"handle"`
	Name     string `yaml:"name"`
	GitHub   string `yaml:"github"`
	Email    string `yaml:"email"`
	TimeZone string `yaml:"time_zone"`
	// IMOC is "qualified", "trainee" or empty (not an IMOC).
	IMOC string `yaml:"imoc"`
	// Away lists the person's time away, in file order.
	Away []Away `yaml:"away"`

	// Location is TimeZone resolved (nil when unset or invalid).
	Location *time.Location `yaml:"-"`
}

// Away is a stretch of time away: the whole local days From to Until
// (inclusive) in the person's time zone, or the site's when the person has
// none. Time away never changes who is on call; validation reports the
// shifts that overlap it.
type Away struct {
	Meta
	From   Date   `yaml:"from"`
	Until  Date   `yaml:"until"`
	Reason string `yaml:"reason"`
}

// Qualified reports whether the person may be the IMOC.
func (p *Person) Qualified() bool { return p != nil && p.IMOC == IMOCQualified }

// Zone returns the zone the person's days are counted in: their time_zone,
// else site (the site's zone), else UTC.
func (p *Person) Zone(site *time.Location) *time.Location {
	switch {
	case p != nil && p.Location != nil:
		return p.Location
	case site != nil:
		return site
	}
	return time.UTC
}

// PersonZone returns the zone of the person with the given handle (their
// time_zone, else the site's, else UTC), for showing their times and
// counting their days away.
func (r *Repo) PersonZone(handle string) *time.Location {
	var site *time.Location
	if r.Config != nil {
		site = r.Config.Location
	}
	return r.Person(handle).Zone(site)
}
