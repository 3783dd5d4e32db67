package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
)

// serveSocket forwards every connection on a Unix socket at path to the API server's TCP address.
// Sockets on the file system are reachable from every network namespace, so test code in the root
// namespace can talk to a server that listens only on a lab host's bridge address. TLS passes through
// untouched: clients verify the serving certificate for the server's IP as over TCP.
func serveSocket(path, target string) (io.Closer, error) {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	l, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("socket %s: %w", path, err)
	}
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return // listener closed at shutdown
			}
			go forward(conn, target)
		}
	}()
	return l, nil
}

func forward(client net.Conn, target string) {
	defer client.Close()
	server, err := net.Dial("tcp", target)
	if err != nil {
		fmt.Fprintf(os.Stderr, "apiserver: socket: dial %s: %v\n", target, err)
		return
	}
	defer server.Close()
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(server, client); done <- struct{}{} }()
	go func() { _, _ = io.Copy(client, server); done <- struct{}{} }()
	<-done // one direction ended: closing both (deferred) ends the other
}
