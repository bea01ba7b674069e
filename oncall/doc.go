// Package oncall is the rotation arithmetic of Baton: given a parsed
// [schema.Rotation] and an instant, it answers who the IMOC is, who shadows
// them, which layer and shift produced that answer, when the next handoff
// is, and what the merged final schedule over a range looks like. It also
// turns wall-clock values into instants by the rules of RFC 5545 ([Resolve])
// and writes schedules as iCalendar files ([WriteICal]).
//
// The semantics (docs/rotations.md has them in full), in short:
//
//   - Wall-clock values (anchors, roster changes, window times, exclude days)
//     are read in the layer's time zone. An ambiguous time (clocks go back)
//     is its first occurrence; a time that does not exist (clocks go
//     forward) is read with the offset before the gap, so 02:30 in a
//     02:00→03:00 gap is 03:30 new time.
//   - Handoff k of a layer is H(k) = Resolve(anchor ⊕ k·every), where ⊕ adds
//     clock hours, calendar days or months. Shift k is [H(k), H(k+1)); the
//     shift holding an instant is the largest k with H(k) ≤ t, found in
//     constant time from the wall-clock difference to the anchor.
//   - The final IMOC set is the person of the highest layer that yields
//     someone, then overrides in file order. Sets are sorted by handle.
//
// The work grows with the size of the rotation and the length of the range
// asked for, never with their square: a layer's windows are united once per
// week, a layer below one that yields someone is not looked at, and
// overrides and shadows are applied once per stretch between their edges.
// Rotations over the size limits of package schema (validation reports
// them as rotation/too-complex) are not evaluated at all: they answer
// nobody.
//
// Beyond who is on call, it compares two repositories' schedules
// ([Compare]: who gains and loses which stretches), lists one person's
// stretches and what gives them ([Held]) for personal calendars
// ([PersonCalendar]), plans swaps as replace overrides ([PlanSwap]), and
// checks the final schedule against people's time away ([Check]).
//
// Everything here is a pure function of its arguments: no clock, no I/O
// beyond the io.Writer handed to [WriteICal], no package state. The package
// is not the place for validation of the file format (package schema does
// that; [Check] adds only the checks that need rotation arithmetic) nor for
// presentation (the CLI and the site generator format the results).
package oncall
