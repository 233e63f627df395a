// apiprobe is the Go stand-in of the API probe: a stock Go plugin (plugin.ClientMain) that,
// on GET /probe, calls every method of plugin.API through the real RPC client (p.API), each
// with filled arguments, then once more for every method whose last result is an error, and
// answers the JSON report described in ../../README.md ("API probe protocol").
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"runtime/debug"
	"strings"

	"github.com/mattermost/mattermost/server/public/plugin"

	"github.com/mattermost-community/mattermost-plugin-rust/tests/stock-conformance/internal/fill"
	"github.com/mattermost-community/mattermost-plugin-rust/tests/stock-conformance/internal/report"
	"github.com/mattermost-community/mattermost-plugin-rust/tests/stock-conformance/plugins/internal/orphan"
)

// Probe is the plugin.
type Probe struct {
	plugin.MattermostPlugin
}

var (
	readerType   = reflect.TypeFor[io.Reader]()
	requestType  = reflect.TypeFor[*http.Request]()
	responseType = reflect.TypeFor[*http.Response]()
	anyType      = reflect.TypeFor[any]()
)

// streamSize is the size of every io.Reader argument the probe sends.
const streamSize = 64*1024 + 123

// probeSettings are the settings of the probe's manifest, loaded as a Go plugin loads them
// (encoding/json matches the lower-cased keys the server hands over in any case).
type probeSettings struct {
	Greeting  string
	MaxPerDay int
	Enabled   bool
}

func (p *Probe) ServeHTTP(c *plugin.Context, w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/settings" {
		var settings probeSettings
		if err := p.API.LoadPluginConfiguration(&settings); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(settings)
		return
	}
	if r.URL.Path != "/probe" {
		http.NotFound(w, r)
		return
	}
	var only map[string]bool
	if names := r.URL.Query().Get("only"); names != "" {
		only = map[string]bool{}
		for _, n := range strings.Split(names, ",") {
			only[n] = true
		}
	}
	rep := report.Report{
		Format:  report.Format,
		Probe:   "go stand-in (plugin.ClientMain), server/public " + serverPublicVersion(),
		Methods: map[string][]report.Call{},
	}
	apiType := reflect.TypeFor[plugin.API]()
	api := reflect.ValueOf(p.API)
	for _, shape := range []string{report.ShapeOK, report.ShapeError} {
		for i := 0; i < apiType.NumMethod(); i++ {
			m := apiType.Method(i)
			if only != nil && !only[m.Name] {
				continue
			}
			if shape == report.ShapeError && !report.ErrorResult(m.Type) {
				continue
			}
			call, err := p.call(api.MethodByName(m.Name), m.Name, m.Type, shape)
			if err != nil {
				// Reported, not fatal: the harness lists the method as failed.
				call.Error = &report.Error{Kind: "probe_failure", Message: err.Error()}
			}
			rep.Methods[m.Name] = append(rep.Methods[m.Name], call)
		}
	}
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	if err := enc.Encode(rep); err != nil {
		p.API.LogError("probe report", "error", err.Error())
	}
}

// call makes one call of method name and returns its report entry.
func (p *Probe) call(fn reflect.Value, name string, ft reflect.Type, shape string) (report.Call, error) {
	out := report.Call{Shape: shape, Args: []any{}, Result: []any{}}
	var in []reflect.Value
	var dest *map[string]any
	for i := 0; i < ft.NumIn(); i++ {
		t := ft.In(i)
		seed := fmt.Sprintf("%s/arg%d", name, i)
		switch {
		case ft.IsVariadic() && i == ft.NumIn()-1:
			// Log*: key/value pairs, as strings (the Go client sends every value as its
			// %+v string anyway).
			pairs := []any{"key_" + name, fill.String(seed, "value"), "count", fill.String(seed, "n")}
			for _, v := range pairs {
				in = append(in, reflect.ValueOf(v))
			}
			out.Args = append(out.Args, pairs)
		case t == readerType:
			data := make([]byte, streamSize)
			report.FillPattern(data, int64(len(name)))
			in = append(in, reflect.ValueOf(bytes.NewReader(data)))
			out.Args = append(out.Args, report.Normalize(report.DigestOf(data)))
		case t == requestType:
			body := []byte("probe body for " + name)
			req, err := http.NewRequest(http.MethodPost, "/probe.target/inter?q=1&q=2", bytes.NewReader(body))
			if err != nil {
				return out, err
			}
			req.Header.Add("X-Probe", "one")
			req.Header.Add("X-Probe", "two")
			form, err := report.RequestForm(req)
			if err != nil {
				return out, err
			}
			in = append(in, reflect.ValueOf(req))
			out.Args = append(out.Args, report.Normalize(form))
		case t == anyType && name == "LoadPluginConfiguration":
			// The destination of LoadPluginConfiguration is an output: nothing crosses.
			dest = &map[string]any{}
			in = append(in, reflect.ValueOf(dest))
			out.Args = append(out.Args, nil)
		default:
			v := fill.Value(seed, t)
			enc, err := report.Encode(v.Interface())
			if err != nil {
				enc = fmt.Sprintf("unencodable argument: %v", err)
			}
			in = append(in, v)
			out.Args = append(out.Args, enc)
		}
	}
	results := fn.Call(in)
	for i, r := range results {
		t := ft.Out(i)
		if i == len(results)-1 && report.IsErrorType(t) {
			if !r.IsNil() {
				out.Error = report.FromError(r.Interface().(error))
			}
			continue
		}
		switch {
		case t == responseType:
			if r.IsNil() {
				out.Result = append(out.Result, nil)
				continue
			}
			form, err := report.ResponseForm(r.Interface().(*http.Response))
			if err != nil {
				return out, err
			}
			out.Result = append(out.Result, report.Normalize(form))
		default:
			enc, err := report.Encode(r.Interface())
			if err != nil {
				enc = fmt.Sprintf("unencodable result: %v", err)
			}
			out.Result = append(out.Result, enc)
		}
	}
	if dest != nil {
		out.Result = append(out.Result, report.Normalize(*dest))
	}
	return out, nil
}

// serverPublicVersion is the server/public version this plugin was built with.
func serverPublicVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == "github.com/mattermost/mattermost/server/public" {
				return dep.Version
			}
		}
	}
	return "unknown"
}

func main() {
	orphan.Watch()
	plugin.ClientMain(&Probe{})
}
