package fault_test

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"syscall"

	"github.com/mbtgo/mbt/adapters/fault"
)

// echo serves a line echo on ln and reports every line it gets on got.
func echo(ln net.Listener, got chan<- string) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			r := bufio.NewReader(c)
			for {
				line, err := r.ReadString('\n')
				if err != nil {
					return
				}
				got <- line[:len(line)-1]
				fmt.Fprint(c, line)
			}
		}()
	}
}

// Cut FromTarget lets a request reach the target and resets the client's
// connection when the reply comes back: the request was processed, the
// reply was lost.
func ExampleProxy() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer ln.Close()
	got := make(chan string, 10)
	go echo(ln, got)

	p, err := fault.NewProxy(ln.Addr().String())
	if err != nil {
		panic(err)
	}
	defer p.Close()

	c, err := net.Dial("tcp", p.Addr()) // the client dials the proxy
	if err != nil {
		panic(err)
	}
	defer c.Close()
	r := bufio.NewReader(c)
	fmt.Fprintln(c, "hello")
	reply, err := r.ReadString('\n')
	fmt.Printf("reply: %q, %v\n", reply, err)

	p.Set(fault.FromTarget, fault.Cut)
	fmt.Fprintln(c, "world")
	_, err = r.ReadString('\n')
	fmt.Println("reset:", errors.Is(err, syscall.ECONNRESET))
	fmt.Println("target got:", <-got, <-got)
	fmt.Println("cuts:", p.Stats().Cuts)
	// Output:
	// reply: "hello\n", <nil>
	// reset: true
	// target got: hello world
	// cuts: 1
}
