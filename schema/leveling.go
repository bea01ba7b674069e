package schema

import "fmt"

// impactWeight orders component impacts for leveling: 0 is the worst.
// under_maintenance does not take part.
var impactWeight = map[string]int{ImpactMajor: 0, ImpactPartial: 1, ImpactDegraded: 2}

// SuggestSeverity returns the rank (index into Config.Severities, 0 = most
// severe) that the affected components' impact suggests, a short
// explanation, and ok=false when no component gives a suggestion.
//
// The leveling matrix: a component of tier T (1 = most critical) with an
// impact of weight W (major_outage 0, partial_outage 1,
// degraded_performance 2) suggests rank (T−1)+W, capped at the least severe
// level. With the default four severities:
//
//	             major_outage  partial_outage  degraded_performance
//	tier 1       SEV1          SEV2            SEV3
//	tier 2       SEV2          SEV3            SEV4
//	tier 3       SEV3          SEV4            SEV4
//	tier 4       SEV4          SEV4            SEV4
//
// The most severe suggestion over all components wins. Components without a
// tier and under_maintenance impacts suggest nothing.
func SuggestSeverity(c *Config, comps []ComponentImpact) (rank int, why string, ok bool) {
	rank = len(c.Severities)
	for _, ci := range comps {
		comp := c.Component(ci.ID)
		w, known := impactWeight[ci.Impact]
		if comp == nil || comp.Tier < 1 || !known {
			continue
		}
		r := min(comp.Tier-1+w, len(c.Severities)-1)
		if r < rank {
			rank, ok = r, true
			why = fmt.Sprintf("%s on tier-%d %s", ci.Impact, comp.Tier, comp.ID)
		}
	}
	return rank, why, ok
}
