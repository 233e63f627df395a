package stockconformance

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"
	"github.com/mattermost/mattermost/server/public/shared/mlog"
)

// exitLimit is go-plugin's grace period: after Control.Quit the server waits 2 s for the
// plugin to exit, then kills it.
const exitLimit = 2 * time.Second

// lifecycleBundles are the bundles the lifecycle checks run on: the all-hooks fixture, the
// probe and every bundle given with role lifecycle.
func lifecycleBundles() []string {
	var out []string
	for _, b := range []string{bundles.allHooks, bundles.apiProbe} {
		if b != "" {
			out = append(out, b)
		}
	}
	return append(out, bundles.lifecycle...)
}

func bundleLabel(b string) string {
	return strings.TrimSuffix(filepath.Base(b), ".tar.gz")
}

// TestLifecycle: activation as the server does it, the health check (Control.Ping through the
// supervisor), and deactivation with the process gone within go-plugin's grace period.
func TestLifecycle(t *testing.T) {
	for i, b := range lifecycleBundles() {
		t.Run(bundleLabel(b), func(t *testing.T) {
			h := newHost(t)
			id := fmt.Sprintf("com.mattermost.stock-conformance.lifecycle%d", i)
			h.install(b, id)
			start := time.Now()
			h.activate(id)
			t.Logf("activated in %v", time.Since(start).Round(time.Millisecond))
			pid := h.pluginPID(id)
			defer killIfAlive(pid)

			impl, err := h.hooks(id).Implemented()
			if err != nil {
				t.Fatalf("Implemented: %v", err)
			}
			t.Logf("Implemented: %v", impl)
			if err := h.env.PerformHealthCheck(id); err != nil {
				t.Fatalf("health check (Control.Ping): %v", err)
			}

			start = time.Now()
			if !h.env.Deactivate(id) {
				t.Fatal("Deactivate returned false")
			}
			took := time.Since(start)
			gone, ok := waitGone(pid, exitLimit)
			t.Logf("Deactivate (OnDeactivate, Control.Quit, exit) took %v; process gone %v later", took.Round(time.Millisecond), gone.Round(time.Millisecond))
			if !ok {
				t.Fatalf("plugin process %d still running after deactivation", pid)
			}
			if took >= exitLimit {
				t.Errorf("deactivation took %v: the plugin did not exit by itself within go-plugin's %v", took, exitLimit)
			}
			if log := h.log.String(); strings.Contains(log, "plugin failed to exit gracefully") {
				// go-plugin logs this when Control.Quit returns an error, also when the error
				// is that the plugin exited before its reply was sent (a race stock Go
				// plugins have: ClientMain returns as soon as Quit closes its channel). The
				// exit itself was in time (checked above); a plugin that flushes the reply
				// before exiting avoids the warning.
				t.Logf("note: go-plugin logged \"plugin failed to exit gracefully\" (Control.Quit reply lost: %v)",
					strings.Contains(log, "error closing client during Kill"))
			}
			if h.env.IsActive(id) {
				t.Error("still active after Deactivate")
			}
			if !t.Failed() {
				fmt.Printf("lifecycle %s: Implemented %d hooks, Control.Ping ok, deactivated and exited in %v\n",
					bundleLabel(b), len(impl), took.Round(time.Millisecond))
			}
		})
	}
}

// TestHostKilled: a stock host (this test binary, re-executed) activates the plugin and is
// killed with SIGKILL; the plugin process must be gone within 2 s.
func TestHostKilled(t *testing.T) {
	for _, b := range lifecycleBundles() {
		t.Run(bundleLabel(b), func(t *testing.T) {
			dir := t.TempDir()
			self, err := os.Executable()
			if err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(self, "-test.run=^$")
			cmd.Env = append(os.Environ(), hostModeEnv+"="+strings.Join([]string{b, allHooksID, dir}, "|"))
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			var stderr syncBuffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer func() {
				_ = cmd.Process.Kill()
				_ = cmd.Wait()
			}()
			ready := make(chan string, 1)
			go func() {
				sc := bufio.NewScanner(stdout)
				for sc.Scan() {
					if line := sc.Text(); strings.HasPrefix(line, "READY ") {
						ready <- strings.TrimPrefix(line, "READY ")
						return
					}
				}
				close(ready)
			}()
			var line string
			select {
			case l, ok := <-ready:
				if !ok {
					t.Fatalf("the host exited before activating the plugin: %s", stderr.String())
				}
				line = l
			case <-time.After(60 * time.Second):
				t.Fatalf("the host did not activate the plugin: %s", stderr.String())
			}
			pid, err := strconv.Atoi(line)
			if err != nil {
				t.Fatalf("host said %q", line)
			}
			defer killIfAlive(pid)
			if !alive(pid) {
				t.Fatalf("plugin process %d is not running", pid)
			}
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			_ = cmd.Wait()
			took, ok := waitGone(pid, exitLimit)
			if !ok {
				t.Fatalf("plugin process %d still running %v after its host was killed", pid, exitLimit)
			}
			fmt.Printf("host killed (SIGKILL) %s: plugin exited %v later\n", bundleLabel(b), took.Round(time.Millisecond))
		})
	}
}

// runHostMode is the host process of TestHostKilled: it activates one bundle in a stock
// environment, prints "READY <plugin pid>" and waits to be killed.
func runHostMode() int {
	parts := strings.Split(os.Getenv(hostModeEnv), "|")
	if len(parts) != 3 {
		fmt.Fprintln(os.Stderr, "bad", hostModeEnv)
		return 2
	}
	bundle, id, dir := parts[0], parts[1], parts[2]
	pluginDir := filepath.Join(dir, "plugins")
	if err := os.MkdirAll(pluginDir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	m, err := installBundle(pluginDir, bundle, id)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	logger, err := mlog.NewLogger()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	_ = mlog.AddWriterTarget(logger, os.Stderr, true, mlog.LvlError, mlog.LvlWarn)
	rec := newRecorder(id)
	env, err := plugin.NewEnvironment(func(*model.Manifest) plugin.API { return rec.api }, nil, pluginDir, filepath.Join(dir, "client"), logger, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if _, ok, err := env.Activate(id); err != nil || !ok {
		fmt.Fprintln(os.Stderr, "activate:", ok, err)
		return 1
	}
	exe := filepath.Join(pluginDir, id, filepath.Clean(m.GetExecutableForRuntime(runtime.GOOS, runtime.GOARCH)))
	pids := childrenRunning(os.Getpid(), exe)
	if len(pids) != 1 {
		fmt.Fprintln(os.Stderr, "plugin processes:", pids)
		return 1
	}
	fmt.Printf("READY %d\n", pids[0])
	select {}
}

// TestIdleSession: a session left idle for 90 s (three yamux keepalive intervals) still
// answers. The plugin is activated first; the test then pauses (t.Parallel) until the other
// tests are done, so they do not wait for it.
func TestIdleSession(t *testing.T) {
	if testing.Short() || !*flagIdle {
		t.Skip("idle-session test skipped (-short or -idle=false)")
	}
	if bundles.allHooks == "" {
		t.Skip("no allhooks bundle")
	}
	const idle = 90 * time.Second
	h := newHost(t)
	h.install(bundles.allHooks, allHooksID)
	h.activate(allHooksID)
	since := time.Now()
	t.Parallel()
	if rest := time.Until(since.Add(idle)); rest > 0 {
		time.Sleep(rest)
	}
	t.Logf("session idle for %v", time.Since(since).Round(time.Second))
	if err := h.env.PerformHealthCheck(allHooksID); err != nil {
		t.Fatalf("health check after %v idle: %v", idle, err)
	}
	resp, appErr := h.hooks(allHooksID).ExecuteCommand(&plugin.Context{}, &model.CommandArgs{Command: "/echo still here"})
	if appErr != nil || resp == nil || resp.Text != "still here" {
		t.Fatalf("ExecuteCommand after %v idle: %+v %v", idle, resp, appErr)
	}
	fmt.Printf("session idle for %v: Control.Ping and ExecuteCommand still answer\n", time.Since(since).Round(time.Second))
}
