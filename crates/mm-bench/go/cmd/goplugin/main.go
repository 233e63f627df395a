// Command goplugin is the Go baseline of mm-bench's stock-protocol comparison: a Mattermost
// server plugin on server/public's plugin package (plugin.ClientMain: go-plugin net/rpc, as
// every stock server runs plugins) doing the same work as the Rust bench plugin
// (crates/mm-bench/src/bin/mm-bench-plugin.rs):
//
//   - the hello example's hooks: OnActivate reads the server version, logs it and registers
//     /hello; MessageWillBePosted replaces the word "darn" (any ASCII case) with asterisks and
//     logs that it did; ExecuteCommand /hello counts greetings in the KV store (KVGet, then
//     KVCompareAndSet, read again on a race);
//   - ServeHTTP: GET /small (1 KiB), GET /download?bytes=N (N bytes in 64 KiB chunks),
//     POST /upload (reads the body, answers its length);
//   - the bench commands: `/bench api <Method> <callers> <n>` times n plugin.API calls from
//     inside the plugin and answers benchstat.APIResult as JSON; `/bench echo <text>` answers
//     the text (a hook round trip without API calls).
//
// It is written the way a Go plugin author writes a plugin: the plugin.API as the server
// hands it over, the standard library for HTTP.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"

	"github.com/mattermost-community/mattermost-plugin-rust/crates/mm-bench/go/internal/benchstat"
)

const (
	// bannedWord is the word MessageWillBePosted filters out.
	bannedWord = "darn"
	// counterKey is the KV key of the greeting counter.
	counterKey = "greetings"
	// modifyAttempts is how often /hello reads the counter again when another writer got in
	// between (the Rust SDK's KvJson::modify tries as often).
	modifyAttempts = 16
	// chunk is the size of the download's writes.
	chunk = 64 * 1024
)

var (
	smallBody     = bytes.Repeat([]byte{'x'}, 1024)
	downloadBlock = bytes.Repeat([]byte{7}, chunk)
)

// BenchPlugin is the plugin.
type BenchPlugin struct {
	plugin.MattermostPlugin

	router *http.ServeMux
}

func newBenchPlugin() *BenchPlugin {
	p := &BenchPlugin{router: http.NewServeMux()}
	p.router.HandleFunc("GET /small", serveSmall)
	p.router.HandleFunc("GET /download", serveDownload)
	p.router.HandleFunc("POST /upload", serveUpload)
	return p
}

// OnActivate logs the server version and registers /hello.
func (p *BenchPlugin) OnActivate() error {
	version := p.API.GetServerVersion()
	p.API.LogInfo("hello is active on Mattermost "+version, "server_version", version)
	if appErr := p.API.RegisterCommand(&model.Command{
		Trigger:          "hello",
		DisplayName:      "Hello",
		Description:      "Says hello from Go",
		AutoComplete:     true,
		AutoCompleteDesc: "Say hello",
		AutoCompleteHint: "[name]",
	}); appErr != nil {
		return fmt.Errorf("registering /hello: %w", appErr)
	}
	return nil
}

// MessageWillBePosted replaces the banned word with asterisks.
func (p *BenchPlugin) MessageWillBePosted(_ *plugin.Context, post *model.Post) (*model.Post, string) {
	filtered, ok := filter(post.Message)
	if !ok {
		return nil, ""
	}
	p.API.LogInfo("filtered a banned word", "post_user", post.UserId)
	post.Message = filtered
	return post, ""
}

// filter is the message with every banned word (in any ASCII case) replaced by asterisks;
// false when it has none.
func filter(message string) (string, bool) {
	// ASCII lowering keeps every byte offset, so matches index the original message.
	lower := asciiLower(message)
	if !strings.Contains(lower, bannedWord) {
		return "", false
	}
	var out strings.Builder
	out.Grow(len(message))
	rest := 0
	for {
		at := strings.Index(lower[rest:], bannedWord)
		if at < 0 {
			break
		}
		out.WriteString(message[rest : rest+at])
		out.WriteString(strings.Repeat("*", len(bannedWord)))
		rest += at + len(bannedWord)
	}
	out.WriteString(message[rest:])
	return out.String(), true
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + ('a' - 'A')
		}
	}
	return string(b)
}

// ExecuteCommand answers /bench (the benchmark's commands) and, for any other trigger, greets
// like /hello.
func (p *BenchPlugin) ExecuteCommand(_ *plugin.Context, args *model.CommandArgs) (*model.CommandResponse, *model.AppError) {
	fields := strings.Fields(args.Command)
	if len(fields) > 0 && strings.TrimPrefix(fields[0], "/") == "bench" {
		return p.benchCommand(args, fields[1:])
	}
	name := "world"
	if len(fields) > 1 {
		name = fields[1]
	}
	count, err := p.countGreeting()
	if err != nil {
		return nil, model.NewAppError("ExecuteCommand", "plugin.hello.count", nil, err.Error(), http.StatusInternalServerError)
	}
	return &model.CommandResponse{
		ResponseType: model.CommandResponseTypeEphemeral,
		Text:         fmt.Sprintf("Hello, %s! (greeting #%d from Go)", name, count),
	}, nil
}

// countGreeting adds one to the greeting counter (JSON in the KV store), atomically, and
// returns the new count.
func (p *BenchPlugin) countGreeting() (uint64, error) {
	for range modifyAttempts {
		old, appErr := p.API.KVGet(counterKey)
		if appErr != nil {
			return 0, appErr
		}
		var count uint64
		if old != nil {
			if err := json.Unmarshal(old, &count); err != nil {
				return 0, fmt.Errorf("the greeting counter is not a number: %w", err)
			}
		}
		count++
		next, err := json.Marshal(count)
		if err != nil {
			return 0, err
		}
		stored, appErr := p.API.KVCompareAndSet(counterKey, old, next)
		if appErr != nil {
			return 0, appErr
		}
		if stored {
			return count, nil
		}
	}
	return 0, fmt.Errorf("the greeting counter changed %d times while it was being updated", modifyAttempts)
}

func (p *BenchPlugin) benchCommand(args *model.CommandArgs, words []string) (*model.CommandResponse, *model.AppError) {
	fail := func(status int, format string, a ...any) *model.AppError {
		return model.NewAppError("ExecuteCommand", "plugin.bench.command", nil, fmt.Sprintf(format, a...), status)
	}
	switch {
	case len(words) >= 1 && words[0] == "echo":
		return &model.CommandResponse{ResponseType: model.CommandResponseTypeEphemeral, Text: strings.Join(words[1:], " ")}, nil
	case len(words) == 4 && words[0] == "api":
		callers, err1 := strconv.Atoi(words[2])
		n, err2 := strconv.Atoi(words[3])
		if err1 != nil || err2 != nil || callers < 1 || n < 1 {
			return nil, fail(http.StatusBadRequest, "usage: /bench api <Method> <callers> <n>")
		}
		result, err := p.benchAPI(args, words[1], callers, n)
		if err != nil {
			return nil, fail(http.StatusInternalServerError, "/bench api %s: %v", words[1], err)
		}
		text, err := json.Marshal(result)
		if err != nil {
			return nil, fail(http.StatusInternalServerError, "%v", err)
		}
		return &model.CommandResponse{ResponseType: model.CommandResponseTypeEphemeral, Text: string(text)}, nil
	}
	return nil, fail(http.StatusBadRequest, "usage: /bench api <Method> <callers> <n> | /bench echo <text>")
}

// benchAPI makes n calls of one API method from `callers` goroutines (after one unrecorded
// call per caller) and times each.
func (p *BenchPlugin) benchAPI(args *model.CommandArgs, method string, callers, n int) (*benchstat.APIResult, error) {
	value := bytes.Repeat([]byte{'v'}, 64)
	var call func(i int) error
	switch method {
	case "GetServerVersion":
		call = func(int) error {
			if p.API.GetServerVersion() == "" {
				return errors.New("an empty server version")
			}
			return nil
		}
	case "GetUser":
		call = func(int) error {
			user, appErr := p.API.GetUser(args.UserId)
			if appErr != nil {
				return appErr
			}
			if user.Id != args.UserId {
				return fmt.Errorf("asked for user %s, got %s", args.UserId, user.Id)
			}
			return nil
		}
	case "KVSet":
		call = func(i int) error {
			if appErr := p.API.KVSet("bench-kv-"+strconv.Itoa(i%64), value); appErr != nil {
				return appErr
			}
			return nil
		}
	case "KVGet":
		if appErr := p.API.KVSet("bench-kv-get", value); appErr != nil {
			return nil, appErr
		}
		call = func(int) error {
			got, appErr := p.API.KVGet("bench-kv-get")
			if appErr != nil {
				return appErr
			}
			if len(got) != len(value) {
				return fmt.Errorf("read %d bytes, stored %d", len(got), len(value))
			}
			return nil
		}
	case "CreatePost":
		call = func(i int) error {
			_, appErr := p.API.CreatePost(&model.Post{
				UserId:    args.UserId,
				ChannelId: args.ChannelId,
				Message:   "bench post " + strconv.Itoa(i),
				Props:     model.StringInterface{"from_plugin": true},
			})
			if appErr != nil {
				return appErr
			}
			return nil
		}
	default:
		return nil, fmt.Errorf("unknown method %q (GetServerVersion, GetUser, KVSet, KVGet, CreatePost)", method)
	}

	// Warm-up: one call per caller, at the same time.
	if err := concurrently(callers, func(int) error { return call(0) }); err != nil {
		return nil, err
	}
	latencies := make([]time.Duration, n)
	var next atomic.Int64
	began := time.Now()
	err := concurrently(callers, func(int) error {
		for {
			i := int(next.Add(1)) - 1
			if i >= n {
				return nil
			}
			start := time.Now()
			if err := call(i); err != nil {
				next.Store(int64(n)) // the others stop too
				return err
			}
			latencies[i] = time.Since(start)
		}
	})
	wall := time.Since(began)
	if err != nil {
		return nil, err
	}
	s := benchstat.Summarize(latencies, wall)
	return &benchstat.APIResult{Method: method, Callers: callers, Calls: n, P50us: s.P50us, P99us: s.P99us, PerSecond: s.PerSecond}, nil
}

// concurrently runs f in `workers` goroutines and returns the first error.
func concurrently(workers int, f func(worker int) error) error {
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f(w); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// ServeHTTP serves the routes under /plugins/<id>/.
func (p *BenchPlugin) ServeHTTP(_ *plugin.Context, w http.ResponseWriter, r *http.Request) {
	p.router.ServeHTTP(w, r)
}

func serveSmall(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/octet-stream")
	_, _ = w.Write(smallBody)
}

func serveDownload(w http.ResponseWriter, r *http.Request) {
	size, err := strconv.ParseInt(r.URL.Query().Get("bytes"), 10, 64)
	if err != nil || size < 0 {
		http.Error(w, "bytes: a byte count is needed", http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	for size > 0 {
		n := min(size, int64(len(downloadBlock)))
		if _, err := w.Write(downloadBlock[:n]); err != nil {
			return
		}
		size -= n
	}
}

func serveUpload(w http.ResponseWriter, r *http.Request) {
	n, err := io.Copy(io.Discard, r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, strconv.FormatInt(n, 10))
}

func main() {
	plugin.ClientMain(newBenchPlugin())
}
