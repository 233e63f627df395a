package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"

	"github.com/mattermost-community/mattermost-plugin-rust/tests/stock-conformance/internal/report"
)

const chunkSize = 64 * 1024

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// ServeHTTP serves the fixture's routes (paths relative to /plugins/<id>).
func (p *AllHooks) ServeHTTP(c *plugin.Context, w http.ResponseWriter, r *http.Request) {
	// A handler panic answers 500 and the plugin keeps serving. A Go plugin has to recover
	// itself: go-plugin's net/rpc server does not, and the process would die.
	defer func() {
		if rec := recover(); rec != nil {
			http.Error(w, fmt.Sprintf("handler panicked: %v", rec), http.StatusInternalServerError)
		}
	}()
	switch r.URL.Path {
	case "/panic":
		panic("the fixture panics in ServeHTTP")
	case "/headers":
		w.Header().Add("X-Multi", "one")
		w.Header().Add("X-Multi", "two")
		writeJSON(w, http.StatusOK, map[string]any{
			"method":  r.Method,
			"path":    r.URL.Path,
			"query":   r.URL.Query(),
			"headers": r.Header,
		})
	case "/upload":
		p.serveUpload(w, r)
	case "/download":
		p.serveDownload(w, r)
	case "/sse":
		p.serveSSE(w, r)
	case "/sse-release":
		p.mu.Lock()
		ch, ok := p.sse[r.URL.Query().Get("id")]
		delete(p.sse, r.URL.Query().Get("id"))
		p.mu.Unlock()
		if !ok {
			http.Error(w, "no such stream", http.StatusNotFound)
			return
		}
		close(ch)
		_, _ = io.WriteString(w, "released")
	case "/stats":
		writeJSON(w, http.StatusOK, p.stats())
	case "/inter-plugin":
		p.serveInterPlugin(w, r)
	case "/upload-data":
		p.serveUploadData(w, r)
	default:
		p.serveEcho(w, r)
	}
}

// serveEcho answers 201 with X-Echo-Method, the line "<METHOD> <URL>\n" (flushed), then the
// request body.
func (p *AllHooks) serveEcho(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Echo-Method", r.Method)
	w.WriteHeader(http.StatusCreated)
	_, _ = fmt.Fprintf(w, "%s %s\n", r.Method, r.URL.String())
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	_, _ = io.CopyBuffer(w, r.Body, make([]byte, chunkSize))
}

// serveUpload reads the whole body and answers its length and SHA-256. A body shorter than
// its Content-Length (the client went away) counts in short_uploads.
func (p *AllHooks) serveUpload(w http.ResponseWriter, r *http.Request) {
	digest, err := report.DigestReader(r.Body)
	if declared, perr := strconv.ParseInt(r.Header.Get("Content-Length"), 10, 64); perr == nil && digest.Len < declared {
		p.shortUploads.Add(1)
	} else if err != nil {
		p.shortUploads.Add(1)
	}
	writeJSON(w, http.StatusOK, digest)
}

// serveDownload writes ?bytes=N bytes of the test pattern in 64 KiB chunks. A failed write
// (the client went away) ends the handler and counts in aborted_streams.
func (p *AllHooks) serveDownload(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.ParseInt(r.URL.Query().Get("bytes"), 10, 64)
	if err != nil || n < 0 {
		http.Error(w, "bytes=N needed", http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.FormatInt(n, 10))
	w.WriteHeader(http.StatusOK)
	buf := make([]byte, chunkSize)
	for off := int64(0); off < n; {
		chunk := buf
		if rest := n - off; rest < int64(len(chunk)) {
			chunk = chunk[:rest]
		}
		report.FillPattern(chunk, off)
		if _, err := w.Write(chunk); err != nil {
			p.abortedStreams.Add(1)
			return
		}
		off += int64(len(chunk))
	}
}

// serveSSE sends "data: first", flushes, and waits until /sse-release?id=<id> releases it
// (at most 30 s), then sends "data: second" (or "data: timeout") and ends.
func (p *AllHooks) serveSSE(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("id")
	release := make(chan struct{})
	p.mu.Lock()
	p.sse[id] = release
	p.mu.Unlock()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, "data: first\n\n")
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	select {
	case <-release:
		_, _ = io.WriteString(w, "data: second\n\n")
	case <-time.After(30 * time.Second):
		p.mu.Lock()
		delete(p.sse, id)
		p.mu.Unlock()
		_, _ = io.WriteString(w, "data: timeout\n\n")
	}
}

// serveInterPlugin calls another plugin through the API's PluginHTTP: POST /<to><path> with
// the body "ping from allhooks" and two X-Inter values, and answers what came back.
func (p *AllHooks) serveInterPlugin(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	req, err := http.NewRequest(http.MethodPost, "/"+q.Get("to")+q.Get("path"), bytes.NewBufferString("ping from allhooks"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	req.Header.Add("X-Inter", "a")
	req.Header.Add("X-Inter", "b")
	resp := p.API.PluginHTTP(req)
	if resp == nil {
		http.Error(w, "PluginHTTP returned no response", http.StatusBadGateway)
		return
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": resp.StatusCode, "header": resp.Header, "body": string(body)})
}

// serveUploadData streams ?bytes=N bytes of the test pattern through the API's UploadData.
func (p *AllHooks) serveUploadData(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.ParseInt(r.URL.Query().Get("bytes"), 10, 64)
	if err != nil || n < 0 {
		http.Error(w, "bytes=N needed", http.StatusBadRequest)
		return
	}
	session := &model.UploadSession{
		Id:        "uploadsessionfixture000001",
		Type:      model.UploadTypeAttachment,
		UserId:    "uuuuuuuuuuuuuuuuuuuuuuuuuu",
		ChannelId: "cccccccccccccccccccccccccc",
		Filename:  "pattern.bin",
		FileSize:  n,
	}
	info, err := p.API.UploadData(session, report.PatternReader(n))
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]any{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"file_info": info})
}

// ServeMetrics answers Prometheus text with the request path.
func (p *AllHooks) ServeMetrics(c *plugin.Context, w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4")
	w.WriteHeader(http.StatusOK)
	_, _ = fmt.Fprintf(w, "allhooks_up 1\nallhooks_metrics_requests{path=%q} 1\n", r.URL.Path)
}
