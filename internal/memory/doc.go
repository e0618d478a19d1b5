// Package memory measures the memory that the process holds, the figure
// that the explorer's memory limit checks and that mbt explore reports.
// The explorer and the driver share it.
//
// On Linux it is the resident set size, read from /proc/self/statm: the
// memory the kernel has given the process and not taken back, whatever
// allocated it (the Go heap, goroutine stacks, memory the Go runtime has
// freed but not yet returned, C code). Elsewhere, and on Linux when /proc
// cannot be read, it is what the Go runtime has obtained from the operating
// system minus what it has released (runtime/metrics'
// /memory/classes/total:bytes minus /memory/classes/heap/released:bytes),
// which is close to the resident set of a pure Go program.
package memory
