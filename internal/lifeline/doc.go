// Package lifeline ties the life of the processes the mbt command starts
// to its own: when mbt dies, however it dies (an error, a signal, SIGKILL),
// the driver program it runs and the go commands it runs die too, instead
// of going on without a parent.
//
// Two mechanisms, because neither covers every case:
//
//   - On Linux the kernel sends the child SIGKILL when its parent dies
//     (syscall.SysProcAttr.Pdeathsig). The kernel tracks the thread that
//     forked, not the process, so [Start] locks the calling goroutine to its
//     thread until the child has been waited for: the Go runtime ends a
//     thread only when a goroutine locked to it exits.
//   - On every Unix, [Start] can give the child the read end of a pipe
//     whose write end only the parent holds (as file descriptor 3 or above,
//     named by the environment variable [Env]). A child that calls [Watch]
//     reads it; end of file means that the parent is gone, whatever killed
//     it, because the kernel closes a dead process's files.
//
// A child started otherwise (a driver run by hand, without [Env]) watches
// nothing. The mbt command and package driver share this package.
package lifeline
