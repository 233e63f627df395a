package stockconformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/plugin"

	"github.com/mattermost-community/mattermost-plugin-rust/tests/stock-conformance/internal/report"
)

// TestAPIProbe runs the API probe plugin's GET /probe through the real hooks RPC client and
// checks its report against what the recording plugin.API saw: every method of plugin.API
// reached, arguments intact, results decoded, errors with every field.
func TestAPIProbe(t *testing.T) {
	if bundles.apiProbe == "" {
		t.Skip("no apiprobe bundle")
	}
	h := newHost(t)
	h.install(bundles.apiProbe, probeID)
	h.activate(probeID)
	rec := h.recorder(probeID)
	rec.mu.Lock()
	rec.config = map[string]any{"ProbeSetting": "from the recorder", "Nested": map[string]any{"n": 3, "on": true}}
	rec.mu.Unlock()

	before := len(rec.allCalls())
	rep, raw := runProbe(t, h)
	calls := rec.allCalls()[before:]
	t.Logf("probe: %s; report %d bytes, %d recorded calls", rep.Probe, len(raw), len(calls))

	res := checkReport(rep, calls)
	apiMethods := apiMethodNames()
	fmt.Printf("API methods reached over net/rpc: %d/%d (%d matched; server/public %s)\n",
		res.reached, len(apiMethods), res.matched, moduleVersion("github.com/mattermost/mattermost/server/public"))
	fmt.Printf("API error shapes checked: %d (%d *model.AppError, %d plain error)\n", res.errorShapes, res.appErrors, res.plainErrors)
	if len(res.skew) > 0 {
		fields := map[string]bool{}
		for _, s := range res.skew {
			fields[s] = true
		}
		fmt.Printf("argument fields this server/public version's model does not have (skipped): %d\n", len(fields))
		names := sortedKeys(fields)
		if len(names) > 25 {
			names = append(names[:25], fmt.Sprintf("… %d more", len(fields)-25))
		}
		t.Logf("fields skipped for version skew: %v", names)
	}
	if len(res.unknown) > 0 {
		fmt.Printf("report entries for methods this server/public version does not have: %d (not checked)\n", len(res.unknown))
	}
	if len(res.problems) > 0 {
		names := make([]string, 0, len(res.problems))
		for n := range res.problems {
			names = append(names, n)
		}
		sort.Strings(names)
		var b strings.Builder
		for _, n := range names {
			fmt.Fprintf(&b, "\n  %s:", n)
			for i, p := range res.problems[n] {
				if i == 6 {
					fmt.Fprintf(&b, "\n    … %d more", len(res.problems[n])-6)
					break
				}
				fmt.Fprintf(&b, "\n    %s", p)
			}
		}
		t.Errorf("%d of %d API methods failed:%s", len(names), len(apiMethods), b.String())
	}
	if res.reached != len(apiMethods) || res.matched != len(apiMethods) {
		t.Errorf("reached %d, matched %d, want %d", res.reached, res.matched, len(apiMethods))
	}

	// The check itself must catch a mismatch: a doctored copy of the same report fails for
	// exactly the methods that were doctored, and for the right reason.
	t.Run("doctored report fails", func(t *testing.T) {
		doctored := map[string]string{}
		var bad report.Report
		if err := decodeReport(raw, &bad); err != nil {
			t.Fatal(err)
		}
		doctor := func(method, what string, f func(calls []report.Call) bool) {
			if calls, ok := bad.Methods[method]; ok && f(calls) {
				doctored[method] = what
			} else {
				t.Errorf("could not doctor %s (%s)", method, what)
			}
		}
		doctor("GetUser", "an argument value changed", func(c []report.Call) bool { return mutateString(c[0].Args) })
		doctor("GetChannel", "a result value changed", func(c []report.Call) bool { return mutateString(c[0].Result) })
		doctor("GetTeam", "the result dropped", func(c []report.Call) bool {
			c[0].Result = []any{nil}
			return true
		})
		doctor("KVSet", "the error dropped", func(c []report.Call) bool {
			if len(c) < 2 || c[1].Error == nil {
				return false
			}
			c[1].Error = nil
			return true
		})
		doctor("CreatePost", "the AppError status changed", func(c []report.Call) bool {
			if len(c) < 2 || c[1].Error == nil {
				return false
			}
			c[1].Error.StatusCode = 599
			return true
		})
		doctor("GetServerVersion", "the call is missing", func(c []report.Call) bool {
			delete(bad.Methods, "GetServerVersion")
			return true
		})
		got := checkReport(&bad, calls)
		for method, what := range doctored {
			if len(got.problems[method]) == 0 {
				t.Errorf("%s (%s) was not caught", method, what)
			} else {
				t.Logf("caught %s (%s): %s", method, what, got.problems[method][0])
			}
		}
		for method := range got.problems {
			if _, ok := doctored[method]; !ok {
				t.Errorf("%s failed although it was not doctored: %v", method, got.problems[method])
			}
		}
		if got.matched != len(apiMethods)-len(doctored) {
			t.Errorf("matched %d, want %d", got.matched, len(apiMethods)-len(doctored))
		}
	})
}

// runProbe calls GET /probe on the probe plugin inside a probe window.
func runProbe(t *testing.T, h *host) (*report.Report, []byte) {
	t.Helper()
	end := h.recorder(probeID).probeWindow()
	w := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodGet, "/probe", nil)
	h.hooks(probeID).ServeHTTP(&plugin.Context{RequestId: "probe-request", SessionId: "probe-session"}, w, r)
	end()
	if w.Code != http.StatusOK {
		t.Fatalf("GET /probe: %d %s", w.Code, tail(w.Body.String(), 2000))
	}
	raw := w.Body.Bytes()
	if path := os.Getenv("STOCK_PROBE_REPORT"); path != "" {
		// Kept for inspection, as the probe wrote it.
		if err := os.WriteFile(path, raw, 0o644); err != nil {
			t.Logf("STOCK_PROBE_REPORT: %v", err)
		}
	}
	var rep report.Report
	if err := decodeReport(raw, &rep); err != nil {
		t.Fatalf("report: %v\n%s", err, tail(string(raw), 2000))
	}
	if rep.Format != report.Format {
		t.Fatalf("report format %q, want %q", rep.Format, report.Format)
	}
	return &rep, raw
}

func decodeReport(raw []byte, rep *report.Report) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	return dec.Decode(rep)
}

// apiMethodNames lists the methods of plugin.API of this server/public version.
func apiMethodNames() []string {
	t := reflect.TypeFor[plugin.API]()
	names := make([]string, t.NumMethod())
	for i := range names {
		names[i] = t.Method(i).Name
	}
	return names
}

type checkResult struct {
	reached, matched                    int
	errorShapes, appErrors, plainErrors int
	problems                            map[string][]string
	unknown                             []string
	// skew lists argument fields the probe sent that this version's model types lack.
	skew []string
}

// checkReport compares a probe report with the recorded calls of its probe window.
func checkReport(rep *report.Report, calls []*recordedCall) checkResult {
	res := checkResult{problems: map[string][]string{}}
	byMethod := map[string][]*recordedCall{}
	for _, c := range calls {
		byMethod[c.Method] = append(byMethod[c.Method], c)
	}
	apiType := reflect.TypeFor[plugin.API]()
	known := map[string]bool{}
	for i := 0; i < apiType.NumMethod(); i++ {
		m := apiType.Method(i)
		known[m.Name] = true
		recorded := byMethod[m.Name]
		if len(recorded) > 0 {
			res.reached++
		}
		problems := checkMethod(m.Name, m.Type, rep.Methods[m.Name], recorded, &res)
		if len(problems) > 0 {
			res.problems[m.Name] = problems
		} else {
			res.matched++
		}
	}
	for name := range rep.Methods {
		if !known[name] {
			res.unknown = append(res.unknown, name)
		}
	}
	sort.Strings(res.unknown)
	return res
}

func checkMethod(name string, ft reflect.Type, reported []report.Call, recorded []*recordedCall, res *checkResult) []string {
	shapes := []string{report.ShapeOK}
	if report.ErrorResult(ft) {
		shapes = append(shapes, report.ShapeError)
	}
	var problems []string
	if len(recorded) == 0 {
		return []string{"not reached: the recording API saw no call"}
	}
	for i, shape := range shapes {
		if i >= len(recorded) {
			problems = append(problems, fmt.Sprintf("call %d (%s shape): not reached", i+1, shape))
			continue
		}
		if i >= len(reported) {
			problems = append(problems, fmt.Sprintf("call %d (%s shape): missing from the report", i+1, shape))
			continue
		}
		rc, pc := recorded[i], reported[i]
		if rc.Shape != shape || pc.Shape != shape {
			problems = append(problems, fmt.Sprintf("call %d: shape %q reported, %q answered, want %q", i+1, pc.Shape, rc.Shape, shape))
			continue
		}
		prefix := fmt.Sprintf("call %d (%s): ", i+1, shape)
		// Arguments: every non-zero value the probe sent arrived.
		if name != "LoadPluginConfiguration" {
			if ft.NumIn() > 0 && report.IsZero(pc.Args) {
				problems = append(problems, prefix+"the report's arguments are all zero")
			}
			if len(pc.Args) != len(rc.Args) {
				problems = append(problems, prefix+fmt.Sprintf("%d arguments reported, %d received", len(pc.Args), len(rc.Args)))
			} else {
				for j := range pc.Args {
					argType := ft.In(j)
					if argType == readerType || argType == requestType {
						argType = nil // reported in the protocol's own form (Digest, HTTPRequest)
					}
					for _, d := range report.ContainedIn(pc.Args[j], rc.Args[j], argType, fmt.Sprintf("args[%d]", j), &res.skew) {
						problems = append(problems, prefix+d)
					}
				}
			}
		}
		// Results: the probe decoded only values the recorder returned, and not nothing.
		for _, d := range report.Contained(anyList(pc.Result), anyList(rc.Returned), "result") {
			problems = append(problems, prefix+d)
		}
		if shape == report.ShapeOK && !report.IsZero(anyList(rc.Returned)) && report.IsZero(anyList(pc.Result)) {
			problems = append(problems, prefix+"the probe decoded an all-zero result where the recorder returned values")
		}
		// Errors.
		switch shape {
		case report.ShapeOK:
			if pc.Error != nil {
				problems = append(problems, prefix+fmt.Sprintf("unexpected error %+v", *pc.Error))
			}
		case report.ShapeError:
			res.errorShapes++
			if rc.Err.Kind == report.KindAppError {
				res.appErrors++
			} else {
				res.plainErrors++
			}
			if name == "LoadPluginConfiguration" {
				// The stock Go client logs this error and returns nil; a client that
				// surfaces it must carry the server's text.
				if pc.Error != nil && !strings.Contains(pc.Error.Message, rc.Err.Message) {
					problems = append(problems, prefix+fmt.Sprintf("error %q does not carry %q", pc.Error.Message, rc.Err.Message))
				}
				continue
			}
			problems = append(problems, compareErrors(prefix, rc.Err, pc.Error)...)
		}
	}
	return problems
}

// compareErrors checks that the probe saw the recorder's error with every field.
func compareErrors(prefix string, want, got *report.Error) []string {
	if got == nil {
		return []string{prefix + fmt.Sprintf("no error reported, the recorder answered %s %q", want.Kind, want.Message)}
	}
	var problems []string
	if got.Kind != want.Kind {
		problems = append(problems, prefix+fmt.Sprintf("error kind %q, want %q", got.Kind, want.Kind))
	}
	check := func(field string, g, w any) {
		if g != w {
			problems = append(problems, prefix+fmt.Sprintf("error %s = %v, want %v", field, g, w))
		}
	}
	check("message", got.Message, want.Message)
	if want.Kind == report.KindAppError {
		check("id", got.Id, want.Id)
		check("detailed_error", got.DetailedError, want.DetailedError)
		check("request_id", got.RequestId, want.RequestId)
		check("status_code", got.StatusCode, want.StatusCode)
		check("where", got.Where, want.Where)
		check("skip_translation", got.SkipTranslation, want.SkipTranslation)
		// IsOAuth exists only up to some server/public versions (not at v0.4.4): a probe
		// built for v0.4.4 cannot see it, so it is not checked.
	} else {
		check("code", got.Code, want.Code)
	}
	return problems
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func anyList(l []any) any {
	if l == nil {
		return []any{}
	}
	return l
}

// mutateString changes the first non-empty string leaf of a JSON value; false if none.
func mutateString(v any) bool {
	switch x := v.(type) {
	case []any:
		for i := range x {
			if s, ok := x[i].(string); ok && s != "" {
				x[i] = s + "-doctored"
				return true
			}
			if mutateString(x[i]) {
				return true
			}
		}
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if s, ok := x[k].(string); ok && s != "" {
				x[k] = s + "-doctored"
				return true
			}
			if mutateString(x[k]) {
				return true
			}
		}
	}
	return false
}
