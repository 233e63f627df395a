// Package stockconformance drives plugin bundles exactly as a stock Mattermost server runs
// them: the real plugin.Environment, supervisor and hooks RPC client of
// github.com/mattermost/mattermost/server/public (hashicorp/go-plugin in net/rpc mode), with a
// recording plugin.API. See README.md for the bundles, flags, the all-hooks behaviour
// contract and the API probe protocol.
package stockconformance

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	goplugin "github.com/hashicorp/go-plugin"
	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"
	"github.com/mattermost/mattermost/server/public/shared/mlog"

	"github.com/mattermost-community/mattermost-plugin-rust/tests/stock-conformance/internal/bundle"
)

// Plugin ids of the fixtures (the ids of the Go stand-ins' manifests; other bundles are
// installed under these ids whatever their manifest says, see install).
const (
	allHooksID = "com.mattermost.stock-conformance.allhooks"
	peerID     = "com.mattermost.stock-conformance.allhooks.peer"
	probeID    = "com.mattermost.stock-conformance.apiprobe"
)

var (
	flagBundles = flag.String("bundles", "", "bundles to test, role=path[,role=path...]; roles: allhooks, apiprobe, lifecycle (repeatable). "+
		"Default: $STOCK_BUNDLES, else the Go stand-ins built from plugins/")
	flagIdle = flag.Bool("idle", true, "run the 90 s idle-session test (also skipped with -short)")
)

// bundles is the parsed -bundles list.
type bundleSet struct {
	allHooks  string
	apiProbe  string
	lifecycle []string
}

var bundles bundleSet

// hostModeEnv makes the test binary act as a stock host for the host-kill test.
const hostModeEnv = "STOCK_CONFORMANCE_HOST_MODE"

func TestMain(m *testing.M) {
	flag.Parse()
	quietGlobalLogger()
	if os.Getenv(hostModeEnv) != "" {
		os.Exit(runHostMode())
	}
	spec := *flagBundles
	if spec == "" {
		spec = os.Getenv("STOCK_BUNDLES")
	}
	var cleanup func()
	if spec == "" {
		dir, err := os.MkdirTemp("", "stock-standins-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		cleanup = func() { os.RemoveAll(dir) }
		spec, err = bundle.BuildStandIns(".", dir)
		if err != nil {
			fmt.Fprintln(os.Stderr, "building the Go stand-ins:", err)
			cleanup()
			os.Exit(2)
		}
	}
	if err := bundles.parse(spec); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	fmt.Printf("server/public %s (go-plugin %s); bundles: allhooks=%s apiprobe=%s lifecycle=%v\n",
		moduleVersion("github.com/mattermost/mattermost/server/public"), moduleVersion("github.com/hashicorp/go-plugin"),
		bundles.allHooks, bundles.apiProbe, bundles.lifecycle)
	code := m.Run()
	if cleanup != nil {
		cleanup()
	}
	os.Exit(code)
}

// quietGlobalLogger gives mlog's global logger (which plugin.Environment logs "Plugin
// activated" to) no target, so it stays off stdout.
func quietGlobalLogger() {
	if logger, err := mlog.NewLogger(); err == nil {
		mlog.InitGlobalLogger(logger)
	}
}

func (b *bundleSet) parse(spec string) error {
	for _, item := range strings.Split(spec, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		role, path, ok := strings.Cut(item, "=")
		if !ok {
			return fmt.Errorf("bundle %q: want role=path", item)
		}
		abs, err := filepath.Abs(path)
		if err != nil {
			return err
		}
		if _, err := os.Stat(abs); err != nil {
			return fmt.Errorf("bundle %s: %w", item, err)
		}
		switch role {
		case "allhooks":
			b.allHooks = abs
		case "apiprobe":
			b.apiProbe = abs
		case "lifecycle":
			b.lifecycle = append(b.lifecycle, abs)
		default:
			return fmt.Errorf("bundle %q: unknown role %q (allhooks, apiprobe, lifecycle)", item, role)
		}
	}
	return nil
}

// moduleVersion is the version of a module linked into this test binary, read from the
// module-cache path of one of its functions (test binaries carry no module list).
func moduleVersion(path string) string {
	fn := map[string]any{
		"github.com/mattermost/mattermost/server/public": plugin.NewEnvironment,
		"github.com/hashicorp/go-plugin":                 goplugin.NewClient,
	}[path]
	if fn == nil {
		return "?"
	}
	file, _ := runtime.FuncForPC(reflect.ValueOf(fn).Pointer()).FileLine(reflect.ValueOf(fn).Pointer())
	if i := strings.Index(file, path+"@"); i >= 0 {
		rest := file[i+len(path)+1:]
		if j := strings.Index(rest, "/"); j >= 0 {
			return rest[:j]
		}
	}
	return "?"
}

// ----- installing bundles ---------------------------------------------------------------------

// installBundle installs a bundle (.tar.gz or an unpacked folder) into pluginDir as the
// server does (the folder that holds plugin.json becomes pluginDir/<id>), with the manifest's
// id replaced by id. It returns the manifest as installed.
func installBundle(pluginDir, bundle, id string) (*model.Manifest, error) {
	src := bundle
	info, err := os.Stat(bundle)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		tmp, err := os.MkdirTemp("", "bundle-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(tmp)
		if err := extractTarGz(bundle, tmp); err != nil {
			return nil, fmt.Errorf("extract %s: %w", bundle, err)
		}
		src = tmp
	}
	root, err := manifestRoot(src)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", bundle, err)
	}
	dest := filepath.Join(pluginDir, id)
	if err := copyTree(root, dest); err != nil {
		return nil, err
	}
	raw, err := os.ReadFile(filepath.Join(dest, "plugin.json"))
	if err != nil {
		return nil, err
	}
	var fields map[string]any
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, fmt.Errorf("plugin.json: %w", err)
	}
	fields["id"] = id
	raw, _ = json.MarshalIndent(fields, "", "  ")
	if err := os.WriteFile(filepath.Join(dest, "plugin.json"), raw, 0o644); err != nil {
		return nil, err
	}
	var m model.Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	exe := m.GetExecutableForRuntime(runtime.GOOS, runtime.GOARCH)
	if exe == "" {
		return nil, fmt.Errorf("%s: plugin.json has no server executable for %s-%s", bundle, runtime.GOOS, runtime.GOARCH)
	}
	if _, err := os.Stat(filepath.Join(dest, exe)); err != nil {
		return nil, fmt.Errorf("%s: server executable: %w", bundle, err)
	}
	return &m, nil
}

// manifestRoot is dir when it holds plugin.json, else its single subfolder that does.
func manifestRoot(dir string) (string, error) {
	if _, err := os.Stat(filepath.Join(dir, "plugin.json")); err == nil {
		return dir, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	var found []string
	for _, e := range entries {
		if e.IsDir() {
			if _, err := os.Stat(filepath.Join(dir, e.Name(), "plugin.json")); err == nil {
				found = append(found, filepath.Join(dir, e.Name()))
			}
		}
	}
	if len(found) != 1 {
		return "", fmt.Errorf("want plugin.json at the top or in exactly one top-level folder, found %d", len(found))
	}
	return found[0], nil
}

func extractTarGz(archive, dest string) error {
	f, err := os.Open(archive)
	if err != nil {
		return err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return err
	}
	tr := tar.NewReader(gz)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		name := filepath.Clean(hdr.Name)
		if name == "." || strings.HasPrefix(name, "..") || filepath.IsAbs(name) {
			continue
		}
		target := filepath.Join(dest, name)
		switch hdr.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			out, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, fs.FileMode(hdr.Mode)&0o777|0o600)
			if err != nil {
				return err
			}
			if _, err := io.Copy(out, tr); err != nil {
				out.Close()
				return err
			}
			if err := out.Close(); err != nil {
				return err
			}
		case tar.TypeSymlink:
			if err := os.Symlink(hdr.Linkname, target); err != nil {
				return err
			}
		}
	}
}

func copyTree(src, dest string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dest, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if info.Mode()&fs.ModeSymlink != 0 {
			link, err := os.Readlink(path)
			if err != nil {
				return err
			}
			return os.Symlink(link, target)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, info.Mode().Perm())
	})
}

// ----- a stock host ---------------------------------------------------------------------------

// syncBuffer collects the server log.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// host is one stock plugin environment: a plugin folder, the server's logger and one
// recording API per plugin.
type host struct {
	t         testing.TB
	dir       string
	pluginDir string
	env       *plugin.Environment
	logger    *mlog.Logger
	log       *syncBuffer

	mu        sync.Mutex
	recorders map[string]*recorder
	manifests map[string]*model.Manifest
}

func newHost(t testing.TB) *host {
	t.Helper()
	dir := t.TempDir()
	h := &host{t: t, dir: dir, pluginDir: filepath.Join(dir, "plugins"), log: &syncBuffer{},
		recorders: map[string]*recorder{}, manifests: map[string]*model.Manifest{}}
	for _, d := range []string{h.pluginDir, filepath.Join(dir, "client")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	logger, err := mlog.NewLogger()
	if err != nil {
		t.Fatal(err)
	}
	if err := mlog.AddWriterTarget(logger, h.log, true, mlog.LvlPanic, mlog.LvlFatal, mlog.LvlError, mlog.LvlWarn, mlog.LvlInfo, mlog.LvlDebug); err != nil {
		t.Fatal(err)
	}
	h.logger = logger
	env, err := plugin.NewEnvironment(func(m *model.Manifest) plugin.API { return h.recorder(m.Id).api }, nil,
		h.pluginDir, filepath.Join(dir, "client"), logger, nil)
	if err != nil {
		t.Fatal(err)
	}
	h.env = env
	t.Cleanup(func() {
		env.Shutdown()
		_ = logger.Flush()
		if t.Failed() {
			t.Logf("server log (last 3000 bytes):\n%s", tail(h.log.String(), 3000))
		}
		if dir := os.Getenv("STOCK_LOG_DIR"); dir != "" {
			name := strings.NewReplacer("/", "_", " ", "_").Replace(t.Name()) + ".log"
			_ = os.WriteFile(filepath.Join(dir, name), []byte(h.log.String()), 0o644)
		}
		_ = logger.Shutdown()
	})
	return h
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// recorder returns the recording API of a plugin, creating it on first use.
func (h *host) recorder(id string) *recorder {
	h.mu.Lock()
	defer h.mu.Unlock()
	r, ok := h.recorders[id]
	if !ok {
		r = newRecorder(id)
		h.recorders[id] = r
	}
	return r
}

// install installs a bundle under the given plugin id.
func (h *host) install(bundle, id string) *model.Manifest {
	h.t.Helper()
	m, err := installBundle(h.pluginDir, bundle, id)
	if err != nil {
		h.t.Fatalf("install %s: %v", bundle, err)
	}
	h.mu.Lock()
	h.manifests[id] = m
	h.mu.Unlock()
	return m
}

// activate activates an installed plugin through Environment.Activate, as the server does.
func (h *host) activate(id string) {
	h.t.Helper()
	m, ok, err := h.env.Activate(id)
	if err != nil || !ok || m == nil {
		h.t.Fatalf("Activate(%s): activated=%v err=%v", id, ok, err)
	}
	if !h.env.IsActive(id) {
		h.t.Fatalf("%s is not active after Activate", id)
	}
}

// hooks returns the hooks RPC client of an active plugin.
func (h *host) hooks(id string) plugin.Hooks {
	h.t.Helper()
	hk, err := h.env.HooksForPlugin(id)
	if err != nil {
		h.t.Fatalf("HooksForPlugin(%s): %v", id, err)
	}
	return hk
}

// executable is the installed executable of a plugin.
func (h *host) executable(id string) string {
	h.mu.Lock()
	m := h.manifests[id]
	h.mu.Unlock()
	return filepath.Join(h.pluginDir, id, filepath.Clean(m.GetExecutableForRuntime(runtime.GOOS, runtime.GOARCH)))
}

// pluginPID finds the running process of a plugin: a child of this process whose executable
// is the plugin's installed executable.
func (h *host) pluginPID(id string) int {
	h.t.Helper()
	pids := childrenRunning(os.Getpid(), h.executable(id))
	if len(pids) != 1 {
		h.t.Fatalf("want one running process of %s, found %v", id, pids)
	}
	return pids[0]
}

// childrenRunning lists the live child processes of parent that run exe.
func childrenRunning(parent int, exe string) []int {
	var pids []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		ppid, state, ok := procStat(pid)
		if !ok || ppid != parent || state == "Z" {
			continue
		}
		link, _ := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
		cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		argv0, _, _ := strings.Cut(string(cmdline), "\x00")
		// The server runs the executable by its path (exec.Command(path)): argv[0] is that
		// path even when the file is a script or a link.
		if link == exe || argv0 == exe {
			pids = append(pids, pid)
		}
	}
	sort.Ints(pids)
	return pids
}

// procStat reads a process's parent and state from /proc.
func procStat(pid int) (ppid int, state string, ok bool) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, "", false
	}
	s := string(raw)
	i := strings.LastIndex(s, ")")
	if i < 0 {
		return 0, "", false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 2 {
		return 0, "", false
	}
	ppid, _ = strconv.Atoi(f[1])
	return ppid, f[0], true
}

// alive reports whether a process exists and has not exited (a zombie has exited).
func alive(pid int) bool {
	_, state, ok := procStat(pid)
	return ok && state != "Z"
}

// waitGone waits up to limit for pid to exit and returns how long it took.
func waitGone(pid int, limit time.Duration) (time.Duration, bool) {
	start := time.Now()
	for time.Since(start) < limit {
		if !alive(pid) {
			return time.Since(start), true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return time.Since(start), !alive(pid)
}

// killIfAlive ends a leftover process this test started (by pid).
func killIfAlive(pid int) {
	if alive(pid) {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
}

// hookNames lists the hooks of plugin.Hooks of this server/public version, without
// Implemented.
func hookNames() []string {
	t := reflect.TypeFor[plugin.Hooks]()
	var names []string
	for i := 0; i < t.NumMethod(); i++ {
		if n := t.Method(i).Name; n != "Implemented" {
			names = append(names, n)
		}
	}
	return names
}
