package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"

	"github.com/mattermost-community/mattermost-plugin-rust/crates/mm-bench/go/internal/benchstat"
)

// startToHandshake spawns each plugin's executable the way go-plugin does (the host's
// environment plus the handshake variables) and times fork/exec to the handshake line on
// stdout, alternating the plugins, after one unrecorded start each.
func (h *host) startToHandshake() error {
	for r := 0; r <= h.s.Starts; r++ {
		for _, slot := range sides(r) {
			p := h.plugins[slot]
			took, line, err := handshakeOnce(p.exe)
			if err != nil {
				return fmt.Errorf("starting %s: %w", p.Label, err)
			}
			fields := strings.Split(line, "|")
			if len(fields) < 5 || fields[0] != "1" || fields[4] != "netrpc" {
				return fmt.Errorf("%s printed %q: a stock server wants a net/rpc handshake (1|1|unix|<socket>|netrpc|)", p.Label, line)
			}
			p.Handshake = line
			if r > 0 {
				h.out.StartToHandshakeUs[slot] = append(h.out.StartToHandshakeUs[slot], benchstat.Micros(took))
			}
		}
	}
	return nil
}

func handshakeOnce(exe string) (time.Duration, string, error) {
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(),
		"MATTERMOST_PLUGIN=Securely message teams, anywhere.",
		"PLUGIN_MIN_PORT=10000", "PLUGIN_MAX_PORT=25000", "PLUGIN_PROTOCOL_VERSIONS=1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return 0, "", err
	}
	began := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, "", err
	}
	lines := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		lines <- strings.TrimSpace(line)
	}()
	var line string
	select {
	case line = <-lines:
	case <-time.After(10 * time.Second):
	}
	took := time.Since(began)
	_ = cmd.Process.Kill() // our own child
	_ = cmd.Wait()
	fields := strings.Split(line, "|")
	if len(fields) > 3 && fields[2] == "unix" {
		_ = os.Remove(fields[3]) // a killed plugin leaves its socket behind
	}
	if line == "" {
		return 0, "", errors.New("no handshake line within 10 s")
	}
	return took, line, nil
}

// activations times Environment.Activate (spawn, checksum, handshake, yamux, Dispense,
// Implemented, OnActivate with its API calls), alternating the plugins, after one unrecorded
// activation each; every activation is followed by a deactivation.
func (h *host) activations() error {
	for r := 0; r <= h.s.Activations; r++ {
		for _, slot := range sides(r) {
			began := time.Now()
			if err := h.activate(slot); err != nil {
				return err
			}
			took := time.Since(began)
			h.env.Deactivate(h.plugins[slot].ID)
			if r > 0 {
				h.out.ActivateUs[slot] = append(h.out.ActivateUs[slot], benchstat.Micros(took))
			}
		}
	}
	return nil
}

// cell is the cell of a case, created (in table order) by the first session.
func (h *host) cell(scenario, name string, callers int, view string) *cell {
	for _, c := range h.out.Cells {
		if c.Scenario == scenario && c.Name == name && c.Callers == callers {
			return c
		}
	}
	c := &cell{Scenario: scenario, Name: name, Callers: callers, View: view, Rounds: [2][]benchstat.Summary{{}, {}}}
	h.out.Cells = append(h.out.Cells, c)
	return c
}

// measureRounds measures one cell in this session: `rounds` times each plugin, alternating
// (the order goes on alternating across sessions).
func (h *host) measureRounds(c *cell, measure func(slot int) (benchstat.Summary, error)) error {
	done := len(c.Rounds[0]) // rounds of earlier sessions
	for r := 0; r < h.s.Rounds; r++ {
		for _, slot := range sides(done + r) {
			s, err := measure(slot)
			if err != nil {
				return fmt.Errorf("%s %s with %d callers, %s: %w", c.Scenario, c.Name, c.Callers, h.plugins[slot].Label, err)
			}
			c.Rounds[slot] = append(c.Rounds[slot], s)
		}
	}
	return nil
}

// apiMethods are the API calls of the API scenario, in table order.
var apiMethods = []string{"GetServerVersion", "GetUser", "KVSet", "KVGet", "CreatePost"}

func commandArgs(command string) *model.CommandArgs {
	return &model.CommandArgs{
		UserId: seedUser.Id, ChannelId: seedChannelID, TeamId: seedTeamID, Command: command,
		SiteURL: "http://localhost:8065", UserMentions: model.UserMentionMap{}, ChannelMentions: model.ChannelMentionMap{},
	}
}

// apiCalls has each plugin time its own API calls: ExecuteCommand
// `/bench api <Method> <callers> <n>`, whose answer is benchstat.APIResult as JSON.
func (h *host) apiCalls() error {
	for _, method := range apiMethods {
		for _, callers := range h.s.APICallers {
			c := h.cell("api", method, callers, "plugin")
			err := h.measureRounds(c, func(slot int) (benchstat.Summary, error) {
				hooks, err := h.env.HooksForPlugin(h.plugins[slot].ID)
				if err != nil {
					return benchstat.Summary{}, err
				}
				resp, appErr := hooks.ExecuteCommand(&plugin.Context{RequestId: model.NewId()},
					commandArgs(fmt.Sprintf("/bench api %s %d %d", method, callers, h.s.Calls)))
				if appErr != nil {
					return benchstat.Summary{}, appErr
				}
				if resp == nil {
					return benchstat.Summary{}, errors.New("no command response")
				}
				var result benchstat.APIResult
				if err := json.Unmarshal([]byte(resp.Text), &result); err != nil {
					return benchstat.Summary{}, fmt.Errorf("the answer %q: %w", resp.Text, err)
				}
				if result.Method != method || result.Callers != callers || result.Calls != h.s.Calls {
					return benchstat.Summary{}, fmt.Errorf("asked for %s x%d from %d callers, the plugin answered %+v", method, h.s.Calls, callers, result)
				}
				return benchstat.Summary{Calls: result.Calls, P50us: result.P50us, P99us: result.P99us, PerSecond: result.PerSecond}, nil
			})
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// timeCalls makes n calls from `callers` goroutines (after one unrecorded call per caller);
// each call times itself, so that preparing its arguments is not counted.
func timeCalls(callers, n int, call func(i int) (time.Duration, error)) (benchstat.Summary, error) {
	var wg sync.WaitGroup
	errs := make(chan error, callers)
	run := func(work func() error) error {
		for range callers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := work(); err != nil {
					errs <- err
				}
			}()
		}
		wg.Wait()
		select {
		case err := <-errs:
			return err
		default:
			return nil
		}
	}
	if err := run(func() error { _, err := call(0); return err }); err != nil {
		return benchstat.Summary{}, err
	}
	latencies := make([]time.Duration, n)
	var next atomic.Int64
	began := time.Now()
	err := run(func() error {
		for {
			i := int(next.Add(1)) - 1
			if i >= n {
				return nil
			}
			took, err := call(i)
			if err != nil {
				next.Store(int64(n))
				return err
			}
			latencies[i] = took
		}
	})
	wall := time.Since(began)
	if err != nil {
		return benchstat.Summary{}, err
	}
	return benchstat.Summarize(latencies, wall), nil
}

// benchPost is the post of the MessageWillBePosted cells: a channel post with nested Props.
func benchPost(message string) *model.Post {
	return &model.Post{
		Id: model.NewId(), ChannelId: seedChannelID, UserId: seedUser.Id, CreateAt: 1700000002000, UpdateAt: 1700000002000,
		Message: message, Hashtags: "", FileIds: model.StringArray{},
		Props: model.StringInterface{
			"from_webhook": "true",
			"count":        2,
			"attachments": []any{map[string]any{
				"fallback": "build report", "color": "#36a64f", "title": "Build #412",
				"fields": []any{map[string]any{"title": "branch", "value": "main", "short": true}},
			}},
			"nested": map[string]any{"k": []any{"a", 1.5, true}, "deep": map[string]any{"x": "y"}},
		},
	}
}

// hookCase is one hook measurement: the call through the hooks RPC client and the check of
// its answer.
type hookCase struct {
	name    string
	callers []int
	call    func(hooks plugin.Hooks) (time.Duration, error)
}

func (h *host) hookCases() []hookCase {
	const allowed = "the build is green again"
	const banned = "well darn it, the build is green again"
	mwbp := func(message string, rewritten bool) func(plugin.Hooks) (time.Duration, error) {
		return func(hooks plugin.Hooks) (time.Duration, error) {
			post := benchPost(message)
			began := time.Now()
			got, reason := hooks.MessageWillBePosted(&plugin.Context{RequestId: "bench"}, post)
			took := time.Since(began)
			switch {
			case reason != "":
				return 0, fmt.Errorf("rejected: %q", reason)
			case got == nil:
				return 0, errors.New("no post")
			case rewritten && !strings.Contains(got.Message, "****"):
				return 0, fmt.Errorf("not rewritten: %q", got.Message)
			case !rewritten && got.Message != message:
				return 0, fmt.Errorf("changed to %q", got.Message)
			}
			return took, nil
		}
	}
	command := func(line, want string, prefix bool) func(plugin.Hooks) (time.Duration, error) {
		return func(hooks plugin.Hooks) (time.Duration, error) {
			args := commandArgs(line)
			began := time.Now()
			resp, appErr := hooks.ExecuteCommand(&plugin.Context{RequestId: "bench"}, args)
			took := time.Since(began)
			switch {
			case appErr != nil:
				return 0, appErr
			case resp == nil:
				return 0, errors.New("no command response")
			case prefix && !strings.HasPrefix(resp.Text, want), !prefix && resp.Text != want:
				return 0, fmt.Errorf("answered %q", resp.Text)
			}
			return took, nil
		}
	}
	return []hookCase{
		{"MessageWillBePosted (allowed: nested Props, no change)", h.s.HookCallers, mwbp(allowed, false)},
		{"MessageWillBePosted (rewritten: banned word, one log line)", h.s.HookCallers, mwbp(banned, true)},
		{"ExecuteCommand (/bench echo: no API call)", h.s.HookCallers, command("/bench echo hello", "hello", false)},
		// Concurrent /hello calls would race on the one counter and measure retries.
		{"ExecuteCommand (/hello: KVGet + KVCompareAndSet)", []int{1}, command("/hello bench", "Hello, bench!", true)},
	}
}

func (h *host) hooks() error {
	for _, hc := range h.hookCases() {
		for _, callers := range hc.callers {
			c := h.cell("hook", hc.name, callers, "host")
			err := h.measureRounds(c, func(slot int) (benchstat.Summary, error) {
				hooks, err := h.env.HooksForPlugin(h.plugins[slot].ID)
				if err != nil {
					return benchstat.Summary{}, err
				}
				return timeCalls(callers, h.s.Calls, func(int) (time.Duration, error) { return hc.call(hooks) })
			})
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// blockReader yields n bytes copied from one 64 KiB block.
type blockReader struct{ left int64 }

var block = func() []byte {
	b := make([]byte, 64<<10)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}()

func (r *blockReader) Read(p []byte) (int, error) {
	if r.left <= 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(int64(len(p)), r.left)], block)
	r.left -= int64(n)
	return n, nil
}

func (h *host) pluginURL(slot int, path string) string {
	return h.baseURL + h.plugins[slot].ID + path
}

func (h *host) serveHTTP() error {
	for _, conns := range h.s.HTTPConns {
		c := h.cell("http", "1 KiB GET", conns, "client")
		err := h.measureRounds(c, func(slot int) (benchstat.Summary, error) {
			url := h.pluginURL(slot, "/small")
			return timeCalls(conns, h.s.SmallRequests, func(int) (time.Duration, error) {
				began := time.Now()
				resp, err := h.client.Get(url)
				if err != nil {
					return 0, err
				}
				n, err := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				took := time.Since(began)
				if err != nil {
					return 0, err
				}
				if resp.StatusCode != http.StatusOK || n != 1024 {
					return 0, fmt.Errorf("GET /small: status %d, %d bytes", resp.StatusCode, n)
				}
				return took, nil
			})
		})
		if err != nil {
			return err
		}
	}
	if len(h.out.Transfers) == 0 {
		for _, name := range []string{"upload", "download"} {
			h.out.Transfers = append(h.out.Transfers, &transfer{Name: name, Bytes: h.s.TransferBytes, Runs: [2][]transferRun{{}, {}}})
		}
	}
	done := len(h.out.Transfers[0].Runs[0]) // repeats of earlier sessions
	for r := 0; r < h.s.TransferRepeats; r++ {
		for _, t := range h.out.Transfers {
			for _, slot := range sides(done + r) {
				run, err := h.transferOnce(slot, t)
				if err != nil {
					return fmt.Errorf("ServeHTTP %s of %d bytes, %s: %w", t.Name, t.Bytes, h.plugins[slot].Label, err)
				}
				t.Runs[slot] = append(t.Runs[slot], run)
			}
		}
	}
	return nil
}

// transferOnce moves one large body and reads the plugin's peak RSS during it.
func (h *host) transferOnce(slot int, t *transfer) (transferRun, error) {
	pid := h.plugins[slot].pid
	if err := resetPeak(pid); err != nil {
		return transferRun{}, err
	}
	var req *http.Request
	var err error
	if t.Name == "upload" {
		req, err = http.NewRequest(http.MethodPost, h.pluginURL(slot, "/upload"), &blockReader{left: t.Bytes})
		if req != nil {
			req.ContentLength = t.Bytes
			req.Header.Set("Content-Type", "application/octet-stream")
		}
	} else {
		req, err = http.NewRequest(http.MethodGet, h.pluginURL(slot, "/download?bytes="+strconv.FormatInt(t.Bytes, 10)), nil)
	}
	if err != nil {
		return transferRun{}, err
	}
	began := time.Now()
	resp, err := h.client.Do(req)
	if err != nil {
		return transferRun{}, err
	}
	var answer []byte
	var received int64
	if t.Name == "upload" {
		answer, err = io.ReadAll(io.LimitReader(resp.Body, 64))
	} else {
		received, err = io.Copy(io.Discard, resp.Body)
	}
	resp.Body.Close()
	took := time.Since(began)
	switch {
	case err != nil:
		return transferRun{}, err
	case resp.StatusCode != http.StatusOK:
		return transferRun{}, fmt.Errorf("status %d", resp.StatusCode)
	case t.Name == "upload" && strings.TrimSpace(string(answer)) != strconv.FormatInt(t.Bytes, 10):
		return transferRun{}, fmt.Errorf("the plugin counted %q bytes", answer)
	case t.Name == "download" && received != t.Bytes:
		return transferRun{}, fmt.Errorf("received %d bytes", received)
	}
	peak, err := statusBytes(pid, "VmHWM")
	if err != nil {
		return transferRun{}, err
	}
	return transferRun{MBps: float64(t.Bytes) / 1e6 / took.Seconds(), PeakRSS: peak}, nil
}
