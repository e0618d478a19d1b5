package model

import "strconv"

// Ref is a reference to something the implementation creates and names
// itself, such as a reservation whose id the service chooses (a UUID, a
// database key, "r17"). The model cannot know those names, so it uses its
// own: references in creation order, "r1", "r2", ... (see [NewRef]). An
// action that creates such a thing returns its Ref as its output; later
// actions take Refs as arguments.
//
// When tests run against the implementation, the runner of package
// adapters maps each Ref to the name the implementation returned for it:
// arguments go to the implementation with its own names, and the
// implementation's names in outputs and views come back as the model's
// Refs, so tests and their failures read "r1", not a UUID. A Ref that no
// step has created yet (a negative step such as cancelling an unknown
// reservation) goes to the implementation as a name it never issued.
//
// An adapter's methods take and return an implementation's names as Ref or
// as string; views hold them in fields of type Ref.
type Ref string

// NewRef returns the model's reference number n with a prefix: NewRef("r",
// 2) is "r2".
func NewRef(prefix string, n int) Ref { return Ref(prefix + strconv.Itoa(n)) }
