package lifeline

import (
	"os"
	"os/exec"
	"runtime"
	"strconv"
)

// Env is the environment variable that names the file descriptor of a
// child's end of the pipe: its lifeline.
const Env = "MBT_LIFELINE_FD"

// Start starts cmd so that its process dies with this one, and returns the
// function to call once cmd.Wait has returned. With pipe, the child also
// gets a lifeline to [Watch] (on Unix; elsewhere pipe is ignored). Call
// Start, cmd.Wait and the returned function from one goroutine: it stays
// locked to its OS thread in between (see the package comment).
func Start(cmd *exec.Cmd, pipe bool) (release func(), err error) {
	return start(cmd, pipe, true)
}

// start is Start with the parent-death signal optional, so that a test can
// check each mechanism on its own.
func start(cmd *exec.Cmd, pipe, deathSignal bool) (release func(), err error) {
	runtime.LockOSThread()
	if deathSignal {
		dieWithParent(cmd)
	}
	var r, w *os.File
	if pipe && pipesWork {
		r, w, err = os.Pipe()
		if err != nil {
			runtime.UnlockOSThread()
			return nil, err
		}
		fd := 3 + len(cmd.ExtraFiles)
		cmd.ExtraFiles = append(cmd.ExtraFiles, r)
		env := cmd.Env
		if env == nil {
			env = os.Environ()
		}
		cmd.Env = append(env, Env+"="+strconv.Itoa(fd))
	}
	err = cmd.Start()
	if r != nil {
		r.Close() // the child has its copy
	}
	release = func() {
		if w != nil {
			w.Close()
		}
		runtime.UnlockOSThread()
	}
	if err != nil {
		release()
		return nil, err
	}
	return release, nil
}

// Run runs cmd as cmd.Run does, started by [Start] without a pipe.
func Run(cmd *exec.Cmd) error {
	release, err := Start(cmd, false)
	if err != nil {
		return err
	}
	defer release()
	return cmd.Wait()
}

// Watch watches the lifeline that [Env] names, if this process was given
// one, and calls gone, from another goroutine, when the parent that holds
// its other end has died. It removes Env from the environment and keeps
// the descriptor from the processes this one starts, so that they neither
// hold the pipe open nor mistake it for theirs. It reports whether there was
// a lifeline to watch.
func Watch(gone func()) bool {
	v, ok := os.LookupEnv(Env)
	if !ok {
		return false
	}
	os.Unsetenv(Env)
	fd, err := strconv.Atoi(v)
	if err != nil || fd < 3 {
		return false
	}
	f := openLifeline(fd)
	if f == nil {
		return false
	}
	go func() {
		var b [64]byte
		for {
			if _, err := f.Read(b[:]); err != nil {
				gone()
				return
			}
		}
	}()
	return true
}
