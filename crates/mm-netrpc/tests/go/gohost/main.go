// gohost is hashicorp/go-plugin's net/rpc client, configured as a stock Mattermost server
// configures it, driving a plugin written in Rust (mm-netrpc's netrpc_plugin example).
//
// It prints "OK" and exits 0 when every check passed; otherwise it prints the failure and
// exits 1.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/rpc"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	_ "github.com/hashicorp/yamux"
)

// hooksPlugin is the host's view of the dispensed "hooks" plugin.
type hooksPlugin struct{}

func (hooksPlugin) Server(*plugin.MuxBroker) (interface{}, error) {
	return nil, errors.New("host side only")
}

func (hooksPlugin) Client(b *plugin.MuxBroker, c *rpc.Client) (interface{}, error) {
	return &hooks{broker: b, client: c}, nil
}

type hooks struct {
	broker *plugin.MuxBroker
	client *rpc.Client
}

// AddArgs matches the Rust example's AddArgs{A, B}.
type AddArgs struct {
	A, B int
}

// HostAPI is served on a host broker id the plugin dials back, as Mattermost's API is.
type HostAPI struct{}

func (HostAPI) Hello(who string, reply *string) error {
	*reply = "hello, " + who
	return nil
}

// lockedBuffer collects go-plugin's log lines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func fail(format string, args ...interface{}) {
	fmt.Printf("FAIL: "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	pluginPath := flag.String("plugin", "", "the plugin executable")
	idle := flag.Duration("idle", 0, "stay idle this long (past yamux keepalive) before the last calls")
	calls := flag.Int("calls", 1000, "concurrent calls")
	flag.Parse()

	var logs lockedBuffer
	logger := hclog.New(&hclog.LoggerOptions{
		Name:   "gohost",
		Output: io.MultiWriter(&logs, os.Stderr),
		Level:  hclog.Debug,
	})
	client := plugin.NewClient(&plugin.ClientConfig{
		HandshakeConfig: plugin.HandshakeConfig{
			ProtocolVersion:  1,
			MagicCookieKey:   "MATTERMOST_PLUGIN",
			MagicCookieValue: "Securely message teams, anywhere.",
		},
		Plugins:      map[string]plugin.Plugin{"hooks": &hooksPlugin{}},
		Cmd:          exec.Command(*pluginPath),
		StartTimeout: 3 * time.Second,
		Logger:       logger,
	})
	defer client.Kill()

	rpcClient, err := client.Client()
	if err != nil {
		fail("starting the plugin: %v", err)
	}
	if err := rpcClient.Ping(); err != nil {
		fail("ping: %v", err)
	}
	raw, err := rpcClient.Dispense("hooks")
	if err != nil {
		fail("dispense: %v", err)
	}
	h := raw.(*hooks)

	var text string
	if err := h.client.Call("Plugin.Echo", "hello from Go", &text); err != nil || text != "hello from Go" {
		fail("Echo: %q, %v", text, err)
	}

	var wg sync.WaitGroup
	errs := make(chan error, *calls)
	for i := 0; i < *calls; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			var sum int
			if err := h.client.Call("Plugin.Add", AddArgs{A: i, B: 1000}, &sum); err != nil {
				errs <- err
			} else if sum != i+1000 {
				errs <- fmt.Errorf("Add(%d, 1000) = %d", i, sum)
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		fail("concurrent Add: %v", err)
	}

	big := make([]byte, 1<<20)
	for i := range big {
		big[i] = byte(i*7 + i>>8)
	}
	var back []byte
	if err := h.client.Call("Plugin.EchoBytes", big, &back); err != nil || !bytes.Equal(back, big) {
		fail("EchoBytes of 1 MiB: %d bytes back, %v", len(back), err)
	}

	if err := h.client.Call("Plugin.Nope", "x", &text); err == nil || err.Error() != "rpc: can't find method Plugin.Nope" {
		fail("unknown method: %v", err)
	}
	if err := h.client.Call("Plugin.Fail", "it broke", nil); err == nil || err.Error() != "it broke" {
		fail("Fail: %v", err)
	}

	id := h.broker.NextId()
	go h.broker.AcceptAndServe(id, &HostAPI{})
	if err := h.client.Call("Plugin.DialBack", id, &text); err != nil || text != "hello, rust" {
		fail("DialBack: %q, %v", text, err)
	}

	if *idle > 0 {
		time.Sleep(*idle)
		if err := rpcClient.Ping(); err != nil {
			fail("ping after %v idle: %v", *idle, err)
		}
		if err := h.client.Call("Plugin.Echo", "still there", &text); err != nil || text != "still there" {
			fail("Echo after %v idle: %q, %v", *idle, text, err)
		}
	}

	start := time.Now()
	client.Kill()
	took := time.Since(start)
	if !client.Exited() {
		fail("the plugin process did not exit")
	}
	if strings.Contains(logs.String(), "plugin failed to exit gracefully") {
		fail("the plugin had to be killed (Kill took %v)", took)
	}
	if took >= 2*time.Second {
		fail("Kill took %v", took)
	}
	fmt.Printf("OK calls=%d kill=%v\n", *calls, took)
}
