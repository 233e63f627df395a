// Package orphan makes a stand-in plugin exit when the server that started it dies.
//
// A stock Go plugin does not do this: go-plugin's net/rpc server keeps the process alive
// after the yamux session drops (only Control.Quit ends it), so a plugin whose server was
// killed with SIGKILL lives on as an orphan. The acceptance criterion (exit within
// 2 s after the host is killed) is stricter than stock Go behaviour; the stand-ins meet it
// with this watchdog so that the harness check is exercised today. See README.md.
package orphan

import (
	"os"
	"time"
)

// Watch exits the process with status 0 once its parent process has gone away.
func Watch() {
	parent := os.Getppid()
	go func() {
		for {
			time.Sleep(200 * time.Millisecond)
			if os.Getppid() != parent {
				os.Exit(0)
			}
		}
	}()
}
