// Package other is linked from package drift's index.
package other

// Thing has a method Size.
type Thing struct{}

// Size is a method of Thing.
func (Thing) Size() int { return 0 }
