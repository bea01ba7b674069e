// Command baton validates an incidents-as-code repository, computes who the
// Incident Manager On Call (IMOC) is, opens pull requests for incidents and
// renders the status site. Run `baton help` for the commands.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"time"

	_ "time/tzdata" // time zones work on machines without a zoneinfo database
)

func main() {
	ctx, stop := interruptContext()
	code := run(ctx, os.Args[1:], &env{
		stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr,
		getenv: os.Getenv, now: time.Now,
	})
	stop()
	os.Exit(code)
}

// interruptContext is cancelled by Ctrl-C (SIGINT) or SIGTERM, which every
// command handles the same way: it stops, cleans up and exits 130. A second
// signal, once the first has cancelled the context, ends the process at
// once (the default behaviour comes back).
func interruptContext() (context.Context, context.CancelFunc) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop()
	}()
	return ctx, stop
}
