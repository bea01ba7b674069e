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

	// Location is TimeZone resolved (nil when unset or invalid).
	Location *time.Location `yaml:"-"`
}

// Qualified reports whether the person may be the IMOC.
func (p *Person) Qualified() bool { return p != nil && p.IMOC == IMOCQualified }
