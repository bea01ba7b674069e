// Command baton validates an incidents-as-code repository, computes who the
// Incident Manager On Call (IMOC) is, opens pull requests for incidents and
// renders the status site. Run `baton help` for the commands.
package main

import (
	"context"
	"os"
	"os/signal"
	"time"

	_ "time/tzdata" // time zones work on machines without a zoneinfo database
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], &env{
		stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr,
		getenv: os.Getenv, now: time.Now,
	})
	stop()
	os.Exit(code)
}
