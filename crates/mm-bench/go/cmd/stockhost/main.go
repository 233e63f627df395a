// Command stockhost is mm-bench's bench host for the stock plugin protocol: it runs two
// plugin bundles exactly as a stock Mattermost server runs plugins (the real
// plugin.NewEnvironment, supervisor, hooks RPC client and API RPC server of
// github.com/mattermost/mattermost/server/public, hashicorp/go-plugin in net/rpc mode) with an
// in-memory plugin.API and an HTTP front for ServeHTTP, measures both plugins in the same run,
// interleaved (A B, then B A, ...), and writes the numbers as JSON for `mm-bench compare`.
//
//	stockhost -a go.tar.gz -b rust.tar.gz -out result.json [-sessions 3 -rounds 3 -calls 1000 ...]
//
// The scenarios after activation run in sessions: both plugins are activated afresh (new
// processes), every scenario is measured `rounds` times, the plugins are deactivated; a cell's
// numbers are the rounds of all sessions.
//
// Scenarios: start to handshake (fork/exec to the handshake line, go-plugin's environment);
// Environment.Activate; idle RSS after activation; plugin.API calls timed inside the plugin
// (`/bench api <Method> <callers> <n>` through ExecuteCommand); hooks timed around the hooks
// RPC client call (MessageWillBePosted, ExecuteCommand); ServeHTTP through the HTTP front
// (1 KiB GETs, a large upload and download with the plugin's peak RSS).
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"
	"github.com/mattermost/mattermost/server/public/shared/mlog"

	"github.com/mattermost-community/mattermost-plugin-rust/crates/mm-bench/go/internal/benchstat"
)

// Plugin ids of the two slots (a bundle's own id is replaced, so one bundle fits both).
var slotIDs = [2]string{"com.mattermost.bench-stock-a", "com.mattermost.bench-stock-b"}

// settings are the sizes of a run (flags).
type settings struct {
	Sessions        int     `json:"sessions"`
	Rounds          int     `json:"rounds"`
	Calls           int     `json:"calls"`
	APICallers      []int   `json:"api_callers"`
	HookCallers     []int   `json:"hook_callers"`
	HTTPConns       []int   `json:"http_connections"`
	SmallRequests   int     `json:"small_requests"`
	TransferBytes   int64   `json:"transfer_bytes"`
	TransferRepeats int     `json:"transfer_repeats"`
	Starts          int     `json:"starts"`
	Activations     int     `json:"activations"`
	IdleSettleMs    float64 `json:"idle_settle_ms"`
}

// output is the JSON the host writes.
type output struct {
	ServerPublic       string        `json:"server_public"`
	GoPlugin           string        `json:"go_plugin"`
	GoVersion          string        `json:"go_version"`
	Settings           settings      `json:"settings"`
	Plugins            [2]pluginInfo `json:"plugins"`
	StartToHandshakeUs [2][]float64  `json:"start_to_handshake_us"`
	ActivateUs         [2][]float64  `json:"activate_us"`
	IdleRSSBytes       [2][]int64    `json:"idle_rss_bytes"`
	Cells              []*cell       `json:"cells"`
	Transfers          []*transfer   `json:"transfers"`
	ElapsedSeconds     float64       `json:"elapsed_seconds"`
}

type pluginInfo struct {
	Label       string `json:"label"`
	ID          string `json:"id"`
	Bundle      string `json:"bundle"`
	BinaryBytes int64  `json:"binary_bytes"`
	Handshake   string `json:"handshake"`
	// Unimplemented lists the API methods outside the bench host's set that the plugin
	// called ("Method xN").
	Unimplemented []string `json:"unimplemented_api_calls"`

	exe string
	pid int
	api *benchAPI
}

// cell is one measured case: every round's summary of each plugin.
type cell struct {
	Scenario string `json:"scenario"` // api, hook, http
	Name     string `json:"name"`
	Callers  int    `json:"callers"`
	// View says where the time was taken: "plugin" (around each API call, inside the
	// plugin), "host" (around the hooks RPC client call), "client" (an HTTP client of the
	// host's HTTP front, to the last byte).
	View   string                 `json:"view"`
	Rounds [2][]benchstat.Summary `json:"rounds"`
}

// transfer is a large ServeHTTP body, every repeat of each plugin.
type transfer struct {
	Name  string           `json:"name"` // upload, download
	Bytes int64            `json:"bytes"`
	Runs  [2][]transferRun `json:"runs"`
}

type transferRun struct {
	MBps float64 `json:"mb_per_s"`
	// PeakRSS is the plugin's VmHWM after the transfer, reset before it.
	PeakRSS int64 `json:"peak_rss_bytes"`
}

type host struct {
	s       settings
	work    string
	env     *plugin.Environment
	logger  *mlog.Logger
	plugins [2]*pluginInfo
	baseURL string
	client  *http.Client
	out     output
}

func main() {
	var s settings
	bundleA := flag.String("a", "", "bundle (.tar.gz) of plugin A (the baseline: the Go plugin)")
	bundleB := flag.String("b", "", "bundle (.tar.gz) of plugin B (the subject: the Rust plugin, or the Go plugin again)")
	labelA := flag.String("a-label", "A", "plugin A's name in the output")
	labelB := flag.String("b-label", "B", "plugin B's name in the output")
	outPath := flag.String("out", "", "write the JSON here (default: stdout)")
	work := flag.String("work", "", "work folder (plugins/, client/, server.log); default: a temporary folder, removed after")
	flag.IntVar(&s.Sessions, "sessions", 3, "sessions: both plugins activated afresh, every scenario measured, deactivated")
	flag.IntVar(&s.Rounds, "rounds", 3, "interleaved rounds per cell and session")
	flag.IntVar(&s.Calls, "calls", 1000, "calls per API or hook measurement (one plugin, one round)")
	apiCallers := flag.String("api-callers", "1,16", "concurrent callers of the API scenario")
	hookCallers := flag.String("hook-callers", "1,16", "concurrent callers of the hook scenario")
	httpConns := flag.String("http-connections", "1,16", "concurrent HTTP connections for the 1 KiB GETs")
	flag.IntVar(&s.SmallRequests, "small-requests", 500, "1 KiB GETs per measurement")
	flag.Int64Var(&s.TransferBytes, "transfer-bytes", 100<<20, "body size of the large upload and download")
	flag.IntVar(&s.TransferRepeats, "transfer-repeats", 1, "uploads and downloads per plugin and session")
	flag.IntVar(&s.Starts, "starts", 20, "process starts per plugin (start to handshake)")
	flag.IntVar(&s.Activations, "activations", 10, "Environment.Activate per plugin")
	idle := flag.Duration("idle-settle", 2*time.Second, "idle time after activation before the RSS is read")
	timeout := flag.Duration("timeout", 60*time.Minute, "give up after this long")
	flag.Parse()
	s.IdleSettleMs = float64(idle.Milliseconds())
	var err error
	for _, f := range []struct {
		dst  *[]int
		spec string
	}{{&s.APICallers, *apiCallers}, {&s.HookCallers, *hookCallers}, {&s.HTTPConns, *httpConns}} {
		if *f.dst, err = parseInts(f.spec); err != nil {
			fail(err)
		}
	}
	if *bundleA == "" || *bundleB == "" {
		fail(errors.New("-a and -b (plugin bundles) are required"))
	}
	if s.Sessions < 1 || s.Rounds < 1 || s.Calls < 1 || s.SmallRequests < 1 || s.TransferRepeats < 1 || s.Starts < 1 || s.Activations < 1 {
		fail(errors.New("every count must be at least 1"))
	}

	began := time.Now()
	time.AfterFunc(*timeout, func() {
		fmt.Fprintf(os.Stderr, "stockhost: gave up after %v\n", *timeout)
		os.Exit(3)
	})
	if *work == "" {
		dir, err := os.MkdirTemp("", "mm-bench-stock-")
		if err != nil {
			fail(err)
		}
		defer os.RemoveAll(dir)
		*work = dir
	}
	h, err := newHost(s, *work, [2]string{*bundleA, *bundleB}, [2]string{*labelA, *labelB})
	if err != nil {
		fail(err)
	}
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-signals
		h.env.Shutdown()
		os.Exit(130)
	}()
	err = h.run()
	h.env.Shutdown()
	_ = h.logger.Flush()
	if err != nil {
		fmt.Fprintf(os.Stderr, "stockhost: %v\nserver log (%s), last lines:\n%s\n", err, filepath.Join(h.work, "server.log"), tailFile(filepath.Join(h.work, "server.log"), 4000))
		_ = h.logger.Shutdown()
		os.Exit(1)
	}
	_ = h.logger.Shutdown()
	h.out.ElapsedSeconds = time.Since(began).Seconds()
	raw, err := json.MarshalIndent(h.out, "", " ")
	if err != nil {
		fail(err)
	}
	if *outPath == "" {
		_, err = os.Stdout.Write(append(raw, '\n'))
	} else {
		err = os.WriteFile(*outPath, raw, 0o644)
	}
	if err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "stockhost:", err)
	os.Exit(2)
}

func progress(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "stockhost: "+format+"\n", a...)
}

func parseInts(spec string) ([]int, error) {
	var out []int
	for _, part := range strings.Split(spec, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(part))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q: want a list of positive numbers such as 1,16", spec)
		}
		out = append(out, n)
	}
	return out, nil
}

func tailFile(path string, n int) string {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	if len(raw) > n {
		raw = raw[len(raw)-n:]
	}
	return string(raw)
}

// moduleVersion is the version of a module linked into this binary.
func moduleVersion(path string) string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	for _, dep := range info.Deps {
		if dep.Path == path {
			return dep.Version
		}
	}
	return "unknown"
}

func newHost(s settings, work string, bundles, labels [2]string) (*host, error) {
	pluginDir := filepath.Join(work, "plugins")
	for _, dir := range []string{pluginDir, filepath.Join(work, "client")} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
	}
	// plugin.Environment logs some events to mlog's global logger: give it no target.
	if quiet, err := mlog.NewLogger(); err == nil {
		mlog.InitGlobalLogger(quiet)
	}
	logger, err := mlog.NewLogger()
	if err != nil {
		return nil, err
	}
	logFile, err := os.Create(filepath.Join(work, "server.log"))
	if err != nil {
		return nil, err
	}
	// A server's default file log: JSON, info and above.
	if err := mlog.AddWriterTarget(logger, logFile, true, mlog.LvlPanic, mlog.LvlFatal, mlog.LvlError, mlog.LvlWarn, mlog.LvlInfo); err != nil {
		return nil, err
	}
	h := &host{s: s, work: work, logger: logger,
		client: &http.Client{Timeout: 10 * time.Minute, Transport: &http.Transport{
			MaxIdleConnsPerHost: 256, DisableCompression: true,
		}},
	}
	h.out.Settings = s
	h.out.StartToHandshakeUs = [2][]float64{{}, {}}
	h.out.ActivateUs = [2][]float64{{}, {}}
	h.out.IdleRSSBytes = [2][]int64{{}, {}}
	h.out.Cells = []*cell{}
	h.out.Transfers = []*transfer{}
	h.out.ServerPublic = moduleVersion("github.com/mattermost/mattermost/server/public")
	h.out.GoPlugin = moduleVersion("github.com/hashicorp/go-plugin")
	h.out.GoVersion = runtime.Version()
	apis := map[string]*benchAPI{}
	for slot, bundle := range bundles {
		abs, err := filepath.Abs(bundle)
		if err != nil {
			return nil, err
		}
		exe, err := install(pluginDir, abs, slotIDs[slot])
		if err != nil {
			return nil, err
		}
		info, err := os.Stat(exe)
		if err != nil {
			return nil, err
		}
		api := newBenchAPI(slotIDs[slot], logger)
		apis[slotIDs[slot]] = api
		h.plugins[slot] = &pluginInfo{Label: labels[slot], ID: slotIDs[slot], Bundle: abs, BinaryBytes: info.Size(),
			Unimplemented: []string{}, exe: exe, api: api}
	}
	env, err := plugin.NewEnvironment(func(m *model.Manifest) plugin.API { return apis[m.Id] }, nil,
		pluginDir, filepath.Join(work, "client"), logger, nil)
	if err != nil {
		return nil, err
	}
	h.env = env
	return h, nil
}

// sides is the order of the two plugins in round r: A B, then B A, ...
func sides(r int) [2]int {
	if r%2 == 0 {
		return [2]int{0, 1}
	}
	return [2]int{1, 0}
}

func (h *host) run() error {
	progress("1/6 start to handshake (%d starts each)", h.s.Starts)
	if err := h.startToHandshake(); err != nil {
		return err
	}
	progress("2/6 Environment.Activate (%d each)", h.s.Activations)
	if err := h.activations(); err != nil {
		return err
	}
	if err := h.startHTTP(); err != nil {
		return err
	}
	for session := 0; session < h.s.Sessions; session++ {
		if err := h.session(session); err != nil {
			return err
		}
	}
	for slot, p := range h.plugins {
		p.Unimplemented = p.api.unimplementedCalls()
		h.out.Plugins[slot] = *p
	}
	return nil
}

// session activates both plugins afresh (new processes), reads their idle RSS, measures every
// scenario and deactivates them: sessions spread the rounds of a cell over several plugin
// processes, whose speed differs a little from process to process.
func (h *host) session(session int) error {
	step := func(n int, what string, a ...any) {
		progress("session %d/%d, %d/6 "+what, append([]any{session + 1, h.s.Sessions, n}, a...)...)
	}
	for slot, p := range h.plugins {
		if err := h.activate(slot); err != nil {
			return err
		}
		pid, err := pluginPID(p.exe)
		if err != nil {
			return err
		}
		p.pid = pid
	}
	step(3, "idle RSS (%v after activation)", time.Duration(h.s.IdleSettleMs)*time.Millisecond)
	time.Sleep(time.Duration(h.s.IdleSettleMs) * time.Millisecond)
	for slot, p := range h.plugins {
		rss, err := statusBytes(p.pid, "VmRSS")
		if err != nil {
			return err
		}
		h.out.IdleRSSBytes[slot] = append(h.out.IdleRSSBytes[slot], rss)
	}
	step(4, "plugin.API calls, timed in the plugins")
	if err := h.apiCalls(); err != nil {
		return err
	}
	step(5, "hooks, timed in the host")
	if err := h.hooks(); err != nil {
		return err
	}
	step(6, "ServeHTTP through the HTTP front")
	if err := h.serveHTTP(); err != nil {
		return err
	}
	for _, p := range h.plugins {
		h.env.Deactivate(p.ID)
	}
	return nil
}

// activate activates one plugin through the Environment, as the server does.
func (h *host) activate(slot int) error {
	id := h.plugins[slot].ID
	_, active, err := h.env.Activate(id)
	if err != nil {
		return fmt.Errorf("activating %s (%s): %w", h.plugins[slot].Label, id, err)
	}
	if !active {
		return fmt.Errorf("activating %s (%s): not active", h.plugins[slot].Label, id)
	}
	return nil
}

// startHTTP serves /plugins/<id>/... with the plugin's ServeHTTP hook, like the server's
// plugin route (without authentication).
func (h *host) startHTTP() error {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rest, ok := strings.CutPrefix(r.URL.Path, "/plugins/")
		if !ok {
			http.NotFound(w, r)
			return
		}
		id, path, _ := strings.Cut(rest, "/")
		hooks, err := h.env.HooksForPlugin(id)
		if err != nil {
			http.Error(w, err.Error(), http.StatusNotFound)
			return
		}
		r.URL.Path = "/" + path
		r.URL.RawPath = ""
		ctx := &plugin.Context{RequestId: model.NewId(), SessionId: "", IPAddress: r.RemoteAddr, AcceptLanguage: r.Header.Get("Accept-Language"), UserAgent: r.UserAgent()}
		hooks.ServeHTTP(ctx, w, r)
	})}
	go func() { _ = srv.Serve(listener) }()
	h.baseURL = "http://" + listener.Addr().String() + "/plugins/"
	return nil
}
