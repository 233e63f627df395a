package stockconformance

import (
	"bytes"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"reflect"
	"strings"
	"sync"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"
	"github.com/mattermost/mattermost/server/public/plugin/plugintest"
	"github.com/stretchr/testify/mock"

	"github.com/mattermost-community/mattermost-plugin-rust/tests/stock-conformance/internal/fill"
	"github.com/mattermost-community/mattermost-plugin-rust/tests/stock-conformance/internal/report"
)

// The recording plugin.API: plugintest.API (testify) with one expectation per method of the
// plugin.API interface of the server/public version in use, set up by reflection. Every call
// is recorded (arguments in their Mattermost-JSON form) and answered with values from the
// deterministic filler (ok shape) or with an error (error shape).
//
// Shapes: outside a probe window every call gets the ok shape. Inside one (probeWindow), the
// n-th call of a method gets the error shape when n is even and the method's last result is
// an error: the probe calls each method once, then a second time for the error shape.

var (
	readerType   = reflect.TypeFor[io.Reader]()
	requestType  = reflect.TypeFor[*http.Request]()
	responseType = reflect.TypeFor[*http.Response]()
	appErrorType = reflect.TypeFor[*model.AppError]()
	errorType    = reflect.TypeFor[error]()
)

// maxVariadic is the largest number of variadic arguments (Log* key/value items) the
// recorder accepts; testify matches calls by argument count.
const maxVariadic = 40

type recordedCall struct {
	Method   string
	Seq      int
	Shape    string
	Args     []any // Mattermost-JSON form
	Returned []any // Mattermost-JSON form of the non-error results
	Err      *report.Error
	In       []reflect.Value // the arguments as the API implementation received them
}

type recorder struct {
	pluginID string
	api      *plugintest.API

	mu     sync.Mutex
	calls  []*recordedCall
	seq    map[string]int
	probe  bool
	config any

	// pluginHTTP, when set, serves PluginHTTP (inter-plugin requests) as the server does.
	pluginHTTP func(source string, r *http.Request) *http.Response
}

func newRecorder(pluginID string) *recorder {
	r := &recorder{pluginID: pluginID, api: &plugintest.API{}, seq: map[string]int{},
		config: map[string]any{}}
	apiType := reflect.TypeFor[plugin.API]()
	for i := 0; i < apiType.NumMethod(); i++ {
		m := apiType.Method(i)
		name, ft := m.Name, m.Type
		handler := reflect.MakeFunc(ft, func(in []reflect.Value) []reflect.Value {
			return r.handle(name, ft, in)
		})
		arities := []int{ft.NumIn()}
		if ft.IsVariadic() {
			arities = arities[:0]
			for extra := 0; extra <= maxVariadic; extra++ {
				arities = append(arities, ft.NumIn()-1+extra)
			}
		}
		for _, n := range arities {
			anys := make([]any, n)
			for j := range anys {
				anys[j] = mock.Anything
			}
			call := r.api.On(name, anys...)
			if ft.NumOut() > 0 {
				// plugintest calls a returned function of the method's own type with the
				// arguments: that is where the recorder answers.
				call.Return(handler.Interface())
			} else {
				call.Run(func(args mock.Arguments) {
					r.handle(name, ft, flatToIn(ft, args))
				})
			}
		}
	}
	return r
}

// flatToIn turns testify's flattened arguments back into the method's parameters (the
// variadic tail as one slice).
func flatToIn(ft reflect.Type, args mock.Arguments) []reflect.Value {
	n := ft.NumIn()
	in := make([]reflect.Value, 0, n)
	fixed := n
	if ft.IsVariadic() {
		fixed = n - 1
	}
	for i := 0; i < fixed; i++ {
		in = append(in, valueOf(args[i], ft.In(i)))
	}
	if ft.IsVariadic() {
		st := ft.In(n - 1)
		s := reflect.MakeSlice(st, 0, len(args)-fixed)
		for _, a := range args[fixed:] {
			s = reflect.Append(s, valueOf(a, st.Elem()))
		}
		in = append(in, s)
	}
	return in
}

func valueOf(x any, t reflect.Type) reflect.Value {
	if x == nil {
		return reflect.Zero(t)
	}
	v := reflect.ValueOf(x)
	if v.Type() != t && v.Type().ConvertibleTo(t) && t.Kind() != reflect.Interface {
		v = v.Convert(t)
	}
	return v
}

// probeWindow starts a probe window: call counting restarts and even calls of methods with
// an error result get the error shape. The returned function ends the window.
func (r *recorder) probeWindow() func() {
	r.mu.Lock()
	r.probe = true
	r.seq = map[string]int{}
	r.mu.Unlock()
	return func() {
		r.mu.Lock()
		r.probe = false
		r.mu.Unlock()
	}
}

func (r *recorder) handle(name string, ft reflect.Type, in []reflect.Value) []reflect.Value {
	r.mu.Lock()
	r.seq[name]++
	seq := r.seq[name]
	shape := report.ShapeOK
	if r.probe && seq%2 == 0 && report.ErrorResult(ft) {
		shape = report.ShapeError
	}
	config := r.config
	route := r.pluginHTTP
	r.mu.Unlock()

	call := &recordedCall{Method: name, Seq: seq, Shape: shape, In: in}
	for i, v := range in {
		call.Args = append(call.Args, r.encodeArg(name, ft, i, v))
	}

	outs := make([]reflect.Value, ft.NumOut())
	for j := 0; j < ft.NumOut(); j++ {
		t := ft.Out(j)
		last := j == ft.NumOut()-1
		switch {
		case last && report.IsErrorType(t):
			var e error
			if shape == report.ShapeError {
				e = errorFor(name, t)
				call.Err = report.FromError(e)
			}
			if e == nil {
				outs[j] = reflect.Zero(t)
			} else {
				outs[j] = reflect.ValueOf(e)
			}
			continue
		case t == responseType:
			resp := r.pluginHTTPResponse(route, in[0].Interface().(*http.Request))
			form, err := report.ResponseForm(resp)
			if err != nil {
				form.Body = report.Digest{SHA256: "unreadable: " + err.Error()}
			}
			call.Returned = append(call.Returned, report.Normalize(form))
			outs[j] = reflect.ValueOf(resp)
			continue
		case shape == report.ShapeError:
			outs[j] = reflect.Zero(t)
		default:
			outs[j] = fill.Value(fmt.Sprintf("%s/ret%d", name, j), t)
		}
		enc, err := report.Encode(outs[j].Interface())
		if err != nil {
			enc = "unencodable: " + err.Error()
		}
		call.Returned = append(call.Returned, enc)
	}
	if name == "LoadPluginConfiguration" && shape == report.ShapeOK && len(in) == 1 {
		// The server decodes the plugin's settings into dest; the RPC server then sends
		// them as JSON.
		if p, ok := in[0].Interface().(*any); ok && p != nil {
			*p = config
			call.Returned = append(call.Returned, report.Normalize(config))
		}
	}

	r.mu.Lock()
	r.calls = append(r.calls, call)
	r.mu.Unlock()
	return outs
}

// encodeArg is the Mattermost-JSON form of an argument; streams are read to the end.
func (r *recorder) encodeArg(name string, ft reflect.Type, i int, v reflect.Value) any {
	t := ft.In(i)
	switch {
	case t == readerType:
		if v.IsNil() {
			return nil
		}
		d, err := report.DigestReader(io.Reader(v.Interface().(io.Reader)))
		if err != nil {
			return "unreadable: " + err.Error()
		}
		return report.Normalize(d)
	case t == requestType:
		if v.IsNil() {
			return nil
		}
		form, err := report.RequestForm(v.Interface().(*http.Request))
		if err != nil {
			return "unreadable: " + err.Error()
		}
		return report.Normalize(form)
	case name == "LoadPluginConfiguration":
		return nil // an output parameter, nothing crosses
	}
	if !v.IsValid() {
		return nil
	}
	enc, err := report.Encode(v.Interface())
	if err != nil {
		return "unencodable: " + err.Error()
	}
	return enc
}

// pluginHTTPResponse answers PluginHTTP: routed to another plugin when the host routes
// inter-plugin requests, else a recognisable canned response.
func (r *recorder) pluginHTTPResponse(route func(string, *http.Request) *http.Response, req *http.Request) *http.Response {
	if route != nil {
		return route(r.pluginID, req)
	}
	return &http.Response{
		StatusCode: http.StatusAccepted,
		Header:     http.Header{"X-Recorder": {"PluginHTTP", r.pluginID}},
		Body:       io.NopCloser(bytes.NewBufferString("PluginHTTP answer for " + req.URL.String())),
	}
}

// errorFor is the error of a method's error shape: a *model.AppError with every field set
// where the method returns one; where it returns `error`, an *model.AppError when the FNV-1a
// hash of the method name is even and a plain error (sent as *plugin.ErrorString) when odd.
func errorFor(name string, t reflect.Type) error {
	app := &model.AppError{
		Id:            "probe." + strings.ToLower(name) + ".app_error",
		Message:       name + " failed on request.",
		DetailedError: "detailed: " + name + " was asked for its error shape",
		RequestId:     "req" + strings.ToLower(name),
		StatusCode:    report.ErrorStatus(name),
		Where:         "Recorder." + name,
	}
	av := reflect.ValueOf(app).Elem()
	for _, f := range []string{"SkipTranslation", "IsOAuth"} {
		if fv := av.FieldByName(f); fv.IsValid() {
			fv.SetBool(true)
		}
	}
	if t == appErrorType {
		return app
	}
	h := fnv.New32a()
	h.Write([]byte(name))
	if t == errorType && h.Sum32()%2 == 0 {
		return app
	}
	return errors.New(name + " failed on request (plain error)")
}

// callsOf returns the recorded calls of a method.
func (r *recorder) callsOf(name string) []*recordedCall {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []*recordedCall
	for _, c := range r.calls {
		if c.Method == name {
			out = append(out, c)
		}
	}
	return out
}

// allCalls returns every recorded call.
func (r *recorder) allCalls() []*recordedCall {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*recordedCall(nil), r.calls...)
}

// kvSets lists the KVSet calls as "key=value".
func (r *recorder) kvSets() []string {
	var out []string
	for _, c := range r.callsOf("KVSet") {
		out = append(out, fmt.Sprintf("%s=%s", c.In[0].String(), c.In[1].Bytes()))
	}
	return out
}
