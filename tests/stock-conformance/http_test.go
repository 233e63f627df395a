package stockconformance

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"

	"github.com/mattermost-community/mattermost-plugin-rust/tests/stock-conformance/internal/fill"
	"github.com/mattermost-community/mattermost-plugin-rust/tests/stock-conformance/internal/report"
)

// front is the server's /plugins/{id}/... route: it strips the prefix and calls the
// plugin's ServeHTTP through the hooks RPC client.
func (h *host) front() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rest, ok := strings.CutPrefix(r.URL.Path, "/plugins/")
		if !ok {
			http.NotFound(w, r)
			return
		}
		pluginID, path, _ := strings.Cut(rest, "/")
		hk, err := h.env.HooksForPlugin(pluginID)
		if err != nil {
			http.Error(w, err.Error(), http.StatusNotFound)
			return
		}
		r.URL.Path = "/" + path
		r.URL.RawPath = ""
		hk.ServeHTTP(&plugin.Context{RequestId: model.NewId(), SessionId: id('s'), IPAddress: "127.0.0.1",
			UserAgent: r.UserAgent()}, w, r)
	})
}

// interPlugin is the server's PluginHTTP: the path /<plugin id>/<rest> goes to that plugin's
// ServeHTTP as /<rest>, with the caller's id in Mattermost-Plugin-ID.
func (h *host) interPlugin(source string, r *http.Request) *http.Response {
	parts := strings.SplitN(r.URL.Path, "/", 3)
	if len(parts) != 3 {
		return &http.Response{StatusCode: http.StatusBadRequest, Header: http.Header{},
			Body: io.NopCloser(strings.NewReader("Not enough URL. Form of URL should be /<pluginid>/*"))}
	}
	hk, err := h.env.HooksForPlugin(parts[1])
	if err != nil {
		return &http.Response{StatusCode: http.StatusNotFound, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(err.Error()))}
	}
	u, _ := url.Parse("/" + parts[2])
	u.RawQuery = r.URL.Query().Encode()
	r.URL = u
	r.Header.Set("Mattermost-Plugin-ID", source)
	w := httptest.NewRecorder()
	hk.ServeHTTP(&plugin.Context{RequestId: model.NewId(), SessionId: id('s')}, w, r)
	return w.Result()
}

// hostHasFlush reports whether this server/public version's response-writer RPC server has
// Plugin.Flush (added in v0.1.22); before, a plugin cannot flush a response.
func hostHasFlush() bool {
	v := moduleVersion("github.com/mattermost/mattermost/server/public")
	return v == "?" || versionAtLeast(v, 0, 1, 22) // unknown: check rather than skip
}

func versionAtLeast(v string, major, minor, patch int) bool {
	v = strings.TrimPrefix(v, "v")
	v, _, _ = strings.Cut(v, "-")
	var got [3]int
	for i, p := range strings.SplitN(v, ".", 3) {
		got[i], _ = strconv.Atoi(p)
	}
	want := [3]int{major, minor, patch}
	for i := range got {
		if got[i] != want[i] {
			return got[i] > want[i]
		}
	}
	return true
}

// TestServeHTTP drives the fixture's routes through a real HTTP front and the hooks RPC
// client: streaming in both directions, flushing, concurrency, aborted clients, panics,
// requests between plugins and an UploadData stream.
func TestServeHTTP(t *testing.T) {
	if bundles.allHooks == "" {
		t.Skip("no allhooks bundle")
	}
	h := newHost(t)
	for _, pid := range []string{allHooksID, peerID} {
		h.install(bundles.allHooks, pid)
		rec := h.recorder(pid)
		rec.mu.Lock()
		rec.pluginHTTP = h.interPlugin
		rec.mu.Unlock()
		h.activate(pid)
	}
	front := httptest.NewServer(h.front())
	t.Cleanup(front.Close)
	base := front.URL + "/plugins/" + allHooksID
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	pid := h.pluginPID(allHooksID)

	stats := func(t *testing.T) map[string]int64 {
		t.Helper()
		var out map[string]int64
		getJSON(t, client, base+"/stats", &out)
		return out
	}
	healthy := func(t *testing.T) {
		t.Helper()
		if err := h.env.PerformHealthCheck(allHooksID); err != nil {
			t.Fatalf("health check: %v", err)
		}
		var out map[string]any
		getJSON(t, client, base+"/headers?after=1", &out)
		if now := h.pluginPID(allHooksID); now != pid {
			t.Fatalf("the plugin process changed from %d to %d", pid, now)
		}
	}

	t.Run("GET with query and multi-value headers", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, base+"/headers?a=1&a=2&b=x%20y", nil)
		req.Header.Add("X-Multi-In", "first")
		req.Header.Add("X-Multi-In", "second")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var got struct {
			Method  string              `json:"method"`
			Path    string              `json:"path"`
			Query   map[string][]string `json:"query"`
			Headers map[string][]string `json:"headers"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 200 || got.Method != "GET" || got.Path != "/headers" ||
			strings.Join(got.Query["a"], ",") != "1,2" || strings.Join(got.Query["b"], ",") != "x y" ||
			strings.Join(got.Headers["X-Multi-In"], ",") != "first,second" {
			t.Errorf("GET /headers: %d %+v", resp.StatusCode, got)
		}
		if v := resp.Header.Values("X-Multi"); strings.Join(v, ",") != "one,two" {
			t.Errorf("response X-Multi = %v, want [one two]", v)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("Content-Type %q", ct)
		}
	})

	const hundredMiB = 100 << 20
	t.Run("upload 100 MiB byte-exact", func(t *testing.T) {
		want, _ := report.DigestReader(report.PatternReader(hundredMiB))
		start := time.Now()
		req, _ := http.NewRequest(http.MethodPost, base+"/upload", report.PatternReader(hundredMiB))
		req.ContentLength = hundredMiB
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var got report.Digest
		if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 200 || got != want {
			t.Errorf("upload: %d %+v, want %+v", resp.StatusCode, got, want)
		}
		t.Logf("100 MiB up in %v", time.Since(start).Round(time.Millisecond))
	})

	t.Run("download 100 MiB byte-exact", func(t *testing.T) {
		want, _ := report.DigestReader(report.PatternReader(hundredMiB))
		start := time.Now()
		resp, err := client.Get(base + "/download?bytes=" + strconv.Itoa(hundredMiB))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		got, err := report.DigestReader(resp.Body)
		if err != nil || resp.StatusCode != 200 || got != want {
			t.Errorf("download: %d %+v %v, want %+v", resp.StatusCode, got, err, want)
		}
		t.Logf("100 MiB down in %v", time.Since(start).Round(time.Millisecond))
	})

	t.Run("SSE first event before the handler ends", func(t *testing.T) {
		if !hostHasFlush() {
			t.Skipf("server/public %s has no Plugin.Flush on the response writer (added in v0.1.22): a plugin cannot flush", moduleVersion("github.com/mattermost/mattermost/server/public"))
		}
		resp, err := client.Get(base + "/sse?id=s1")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if ct := resp.Header.Get("Content-Type"); resp.StatusCode != 200 || ct != "text/event-stream" {
			t.Fatalf("GET /sse: %d %q", resp.StatusCode, ct)
		}
		r := bufio.NewReader(resp.Body)
		first := readEvent(t, r)
		// The handler is still waiting for the release: the first event arrived before it
		// ended.
		release, err := client.Get(base + "/sse-release?id=s1")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(release.Body)
		release.Body.Close()
		second := readEvent(t, r)
		if first != "data: first" || release.StatusCode != 200 || string(body) != "released" || second != "data: second" {
			t.Errorf("events %q then %q; release %d %q", first, second, release.StatusCode, body)
		}
	})

	t.Run("200 concurrent requests", func(t *testing.T) {
		const n = 200
		var wg sync.WaitGroup
		errs := make(chan string, n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/headers?i=%d", base, i), nil)
				req.Header.Set("X-Req", strconv.Itoa(i))
				resp, err := client.Do(req)
				if err != nil {
					errs <- err.Error()
					return
				}
				defer resp.Body.Close()
				var got struct {
					Query   map[string][]string `json:"query"`
					Headers map[string][]string `json:"headers"`
				}
				if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || resp.StatusCode != 200 ||
					strings.Join(got.Query["i"], "") != strconv.Itoa(i) || strings.Join(got.Headers["X-Req"], "") != strconv.Itoa(i) {
					errs <- fmt.Sprintf("request %d: %d %+v %v", i, resp.StatusCode, got, err)
				}
			}(i)
		}
		wg.Wait()
		close(errs)
		for e := range errs {
			t.Error(e)
		}
	})

	t.Run("client aborts mid-download", func(t *testing.T) {
		before := stats(t)["aborted_streams"]
		ctx, cancel := context.WithCancel(context.Background())
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/download?bytes="+strconv.Itoa(1<<30), nil)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.CopyN(io.Discard, resp.Body, 4<<20); err != nil {
			t.Fatal(err)
		}
		cancel()
		resp.Body.Close()
		// The handler's next write fails once the server notices the closed connection.
		waitFor(t, "the handler to see the aborted download (aborted_streams)", func() bool {
			return stats(t)["aborted_streams"] > before
		})
		healthy(t)
	})

	t.Run("client aborts mid-upload", func(t *testing.T) {
		before := stats(t)["short_uploads"]
		conn, err := net.Dial("tcp", front.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(conn, "POST /plugins/%s/upload HTTP/1.1\r\nHost: stock\r\nContent-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n", allHooksID, 64<<20)
		if _, err := io.CopyN(conn, report.PatternReader(64<<20), 1<<20); err != nil {
			t.Fatal(err)
		}
		conn.Close()
		waitFor(t, "the handler to see the truncated upload (short_uploads)", func() bool {
			return stats(t)["short_uploads"] > before
		})
		healthy(t)
	})

	t.Run("handler panic answers 500", func(t *testing.T) {
		resp, err := client.Get(base + "/panic")
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusInternalServerError {
			t.Errorf("GET /panic: %d, want 500", resp.StatusCode)
		}
		healthy(t)
	})

	t.Run("PluginHTTP between two plugins", func(t *testing.T) {
		var echo struct {
			Status int                 `json:"status"`
			Header map[string][]string `json:"header"`
			Body   string              `json:"body"`
		}
		getJSON(t, client, base+"/inter-plugin?to="+peerID+"&path=/echo-target", &echo)
		if echo.Status != http.StatusCreated || strings.Join(echo.Header["X-Echo-Method"], ",") != "POST" ||
			echo.Body != "POST /echo-target\nping from allhooks" {
			t.Errorf("inter-plugin echo: %+v", echo)
		}
		var headers struct {
			Status int    `json:"status"`
			Body   string `json:"body"`
		}
		getJSON(t, client, base+"/inter-plugin?to="+peerID+"&path=/headers", &headers)
		var seen struct {
			Method  string              `json:"method"`
			Headers map[string][]string `json:"headers"`
		}
		if err := json.Unmarshal([]byte(headers.Body), &seen); err != nil {
			t.Fatalf("peer answered %q: %v", headers.Body, err)
		}
		if headers.Status != 200 || seen.Method != "POST" || strings.Join(seen.Headers["Mattermost-Plugin-Id"], ",") != allHooksID ||
			strings.Join(seen.Headers["X-Inter"], ",") != "a,b" {
			t.Errorf("the peer saw %+v (status %d)", seen, headers.Status)
		}
		if n := len(h.recorder(allHooksID).callsOf("PluginHTTP")); n != 2 {
			t.Errorf("PluginHTTP calls recorded: %d, want 2", n)
		}
	})

	t.Run("UploadData 50 MiB", func(t *testing.T) {
		const size = 50 << 20
		want, _ := report.DigestReader(report.PatternReader(size))
		var got struct {
			FileInfo *model.FileInfo `json:"file_info"`
			Error    string          `json:"error"`
		}
		getJSON(t, client, fmt.Sprintf("%s/upload-data?bytes=%d", base, size), &got)
		calls := h.recorder(allHooksID).callsOf("UploadData")
		if len(calls) != 1 {
			t.Fatalf("UploadData calls recorded: %d, want 1", len(calls))
		}
		if d, ok := calls[0].Args[1].(map[string]any); !ok || d["sha256"] != want.SHA256 || fmt.Sprint(d["len"]) != strconv.Itoa(size) {
			t.Errorf("the recorder read %v from the plugin's stream, want %+v", calls[0].Args[1], want)
		}
		session, _ := calls[0].Args[0].(map[string]any)
		if session["filename"] != "pattern.bin" || fmt.Sprint(session["file_size"]) != strconv.Itoa(size) {
			t.Errorf("upload session arrived as %v", session)
		}
		if got.Error != "" || got.FileInfo == nil || got.FileInfo.Id != fill.String("UploadData/ret0", "Id") {
			t.Errorf("the plugin got %+v from UploadData", got)
		}
	})
}

// readEvent reads one server-sent event (up to the blank line) without the trailing newlines.
func readEvent(t *testing.T, r *bufio.Reader) string {
	t.Helper()
	var lines []string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("reading an event: %v (so far %q)", err, lines)
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			return strings.Join(lines, "\n")
		}
		lines = append(lines, line)
	}
}

func getJSON(t *testing.T, client *http.Client, url string, out any) {
	t.Helper()
	resp, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, body)
	}
	if err := json.Unmarshal(body, out); err != nil {
		t.Fatalf("GET %s: %v in %q", url, err, body)
	}
}

// waitFor polls cond for up to 30 s (a deadlock breaker, not a timing requirement).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("gave up waiting for %s", what)
}
