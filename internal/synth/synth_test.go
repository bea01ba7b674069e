package synth

import (
	"testing"

	"github.com/batonhq/baton/oncall"
	"github.com/batonhq/baton/schema"
)

// TestRepoIsValid: a generated repository loads without a problem at Now,
// with every incident and the postmortems the package doc promises.
func TestRepoIsValid(t *testing.T) {
	const n = 200
	repo, ps := schema.Load(t.Context(), Repo(n))
	ps = append(ps, schema.CheckPolicy(repo, Now)...)
	ps = append(ps, oncall.Check(repo, Now)...)
	if len(ps) > 0 {
		t.Fatalf("%d problems, the first: %v", len(ps), ps[0])
	}
	if len(repo.Incidents) != n || len(repo.People) != People || len(repo.Rotations) != 2 {
		t.Fatalf("loaded %d incidents, %d people, %d rotations", len(repo.Incidents), len(repo.People), len(repo.Rotations))
	}
	pms, public := 0, 0
	for _, in := range repo.Incidents {
		if in.Postmortem != nil {
			pms++
			if in.Postmortem.IsPublic() {
				public++
			}
		}
	}
	if pms != n*6/10 || public != n*3/10 {
		t.Errorf("%d postmortems, %d public; want %d and %d", pms, public, n*6/10, n*3/10)
	}
}
