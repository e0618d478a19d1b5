//go:build race

package queue

func init() { raceEnabled = true }
