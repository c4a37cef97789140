// Command supervise runs one control-plane process and ends it when the process that started the
// supervisor dies. The JVM cannot set a parent-death signal for its children, so every server the
// test fixture starts runs under this supervisor:
//
//	supervise -pidfile FILE -- /path/to/kube-apiserver --flag ...
//
// The supervisor polls its parent pid; when the parent is gone (the supervisor was re-parented) or
// the supervisor receives SIGTERM/SIGINT, it sends SIGTERM to the child's process group, waits up to
// five seconds, then SIGKILL. The child also gets PR_SET_PDEATHSIG=SIGKILL, so killing the
// supervisor itself with SIGKILL takes the child down too. The pid file holds the child's pid while
// it runs, so a later run can sweep what a SIGKILL of the whole tree left behind.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"syscall"
	"time"
)

func main() {
	pidFile := flag.String("pidfile", "", "file that holds the child's pid while it runs")
	flag.Parse()
	args := flag.Args()
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "supervise: usage: supervise [-pidfile FILE] -- COMMAND [ARG...]")
		os.Exit(2)
	}
	// Pdeathsig is tied to the thread that forked the child: keep that thread alive for good.
	runtime.LockOSThread()
	parent := os.Getppid()

	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = nil, os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(os.Stderr, "supervise: cannot start %s: %v\n", args[0], err)
		os.Exit(127)
	}
	if *pidFile != "" {
		if err := os.WriteFile(*pidFile, []byte(fmt.Sprintf("%d\n", cmd.Process.Pid)), 0o644); err != nil {
			fmt.Fprintf(os.Stderr, "supervise: cannot write pid file %s: %v\n", *pidFile, err)
		}
	}
	done := func(code int) {
		if *pidFile != "" {
			_ = os.Remove(*pidFile)
		}
		os.Exit(code)
	}

	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()

	for {
		select {
		case err := <-exited:
			done(exitCode(err))
		case <-signals:
			stop(cmd, exited)
			done(0)
		case <-tick.C:
			if os.Getppid() != parent {
				stop(cmd, exited)
				done(0)
			}
		}
	}
}

// stop ends the child's process group gracefully, then forcibly.
func stop(cmd *exec.Cmd, exited <-chan error) {
	pgid := -cmd.Process.Pid
	_ = syscall.Kill(pgid, syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(5 * time.Second):
		_ = syscall.Kill(pgid, syscall.SIGKILL)
		<-exited
	}
}

func exitCode(err error) int {
	if err == nil {
		return 0
	}
	if exit, ok := err.(*exec.ExitError); ok {
		return exit.ExitCode()
	}
	return 1
}
