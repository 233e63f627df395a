// Package report is the API probe protocol shared by the harness and the Go probe plugin:
// the JSON report a probe answers on `GET /probe`, the Mattermost-JSON form of argument and
// result values, and the comparison the harness runs between what a probe says it sent or
// received and what the recording plugin.API saw. README.md ("API probe protocol") is the
// normative description; a Rust probe implements the same format.
package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// Format is the value of Report.Format for this version of the protocol.
const Format = "stock-api-probe/1"

// Shapes of a call.
const (
	ShapeOK    = "ok"
	ShapeError = "error"
)

// Report is the body of the probe plugin's answer to GET /probe.
type Report struct {
	Format string `json:"format"`
	// Probe names the implementation, free text (for example "go stand-in, server/public v0.4.4").
	Probe string `json:"probe"`
	// Methods maps an API method name to its calls, in the order the probe made them.
	Methods map[string][]Call `json:"methods"`
}

// Call is one API call as the probe saw it.
type Call struct {
	Shape  string `json:"shape"`
	Args   []any  `json:"args"`
	Result []any  `json:"result"`
	Error  *Error `json:"error"`
}

// Error is an error result: an *model.AppError ("app_error", every field) or any other
// error ("error": the message, and the *plugin.ErrorString code when there is one).
type Error struct {
	Kind            string `json:"kind"`
	Id              string `json:"id,omitempty"`
	Message         string `json:"message"`
	DetailedError   string `json:"detailed_error,omitempty"`
	RequestId       string `json:"request_id,omitempty"`
	StatusCode      int    `json:"status_code,omitempty"`
	Where           string `json:"where,omitempty"`
	SkipTranslation bool   `json:"skip_translation,omitempty"`
	IsOAuth         bool   `json:"is_oauth,omitempty"`
	Code            int    `json:"code,omitempty"`
}

// Kinds of Error.
const (
	KindAppError = "app_error"
	KindError    = "error"
)

// Digest is the report form of a byte stream (an io.Reader argument, an HTTP body).
type Digest struct {
	Len    int64  `json:"len"`
	SHA256 string `json:"sha256"`
}

// DigestOf returns the digest of b.
func DigestOf(b []byte) Digest {
	sum := sha256.Sum256(b)
	return Digest{Len: int64(len(b)), SHA256: hex.EncodeToString(sum[:])}
}

// DigestReader reads r to the end and returns its digest.
func DigestReader(r io.Reader) (Digest, error) {
	h := sha256.New()
	n, err := io.Copy(h, r)
	return Digest{Len: n, SHA256: hex.EncodeToString(h.Sum(nil))}, err
}

// HTTPRequest is the report form of an *http.Request argument (PluginHTTP).
type HTTPRequest struct {
	Method string              `json:"method"`
	URL    string              `json:"url"`
	Header map[string][]string `json:"header"`
	Body   Digest              `json:"body"`
}

// HTTPResponse is the report form of an *http.Response result (PluginHTTP).
type HTTPResponse struct {
	StatusCode int                 `json:"status_code"`
	Header     map[string][]string `json:"header"`
	Body       Digest              `json:"body"`
}

// RequestForm reads the request's body and returns its report form; the body is replaced
// by a reader of the same bytes.
func RequestForm(r *http.Request) (HTTPRequest, error) {
	out := HTTPRequest{Method: r.Method, Header: r.Header}
	if r.URL != nil {
		out.URL = r.URL.String()
	}
	if r.Body != nil {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return out, err
		}
		r.Body = io.NopCloser(bytes.NewReader(b))
		out.Body = DigestOf(b)
	} else {
		out.Body = DigestOf(nil)
	}
	return out, nil
}

// ResponseForm reads the response's body and returns its report form.
func ResponseForm(r *http.Response) (HTTPResponse, error) {
	out := HTTPResponse{StatusCode: r.StatusCode, Header: r.Header}
	if r.Body != nil {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return out, err
		}
		r.Body.Close()
		r.Body = io.NopCloser(bytes.NewReader(b))
		out.Body = DigestOf(b)
	} else {
		out.Body = DigestOf(nil)
	}
	return out, nil
}

// FromError converts an error value into its report form; nil stays nil. Struct fields are
// read by name, so the function works for the AppError of every server/public version.
func FromError(err error) *Error {
	if err == nil {
		return nil
	}
	v := reflect.ValueOf(err)
	if v.Kind() == reflect.Pointer && v.IsNil() {
		return nil
	}
	t := v.Type()
	if t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct {
		e := v.Elem()
		str := func(name string) string {
			if f := e.FieldByName(name); f.IsValid() && f.Kind() == reflect.String {
				return f.String()
			}
			return ""
		}
		switch t.String() {
		case "*model.AppError":
			out := &Error{Kind: KindAppError, Id: str("Id"), Message: str("Message"),
				DetailedError: str("DetailedError"), RequestId: str("RequestId"), Where: str("Where")}
			if f := e.FieldByName("StatusCode"); f.IsValid() {
				out.StatusCode = int(f.Int())
			}
			if f := e.FieldByName("SkipTranslation"); f.IsValid() {
				out.SkipTranslation = f.Bool()
			}
			if f := e.FieldByName("IsOAuth"); f.IsValid() {
				out.IsOAuth = f.Bool()
			}
			return out
		case "*plugin.ErrorString":
			out := &Error{Kind: KindError, Message: str("Err")}
			if f := e.FieldByName("Code"); f.IsValid() {
				out.Code = int(f.Int())
			}
			return out
		}
	}
	return &Error{Kind: KindError, Message: err.Error()}
}

// Encode returns the Mattermost-JSON form of a Go value: what encoding/json writes for it
// (the model types' json tags), decoded back into generic values with json.Number numbers.
func Encode(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	if err, ok := v.(error); ok {
		if rv := reflect.ValueOf(v); rv.Kind() != reflect.Pointer || !rv.IsNil() {
			return FromError(err), nil
		}
		return nil, nil
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return Decode(raw)
}

// Decode parses JSON into generic values, numbers as json.Number.
func Decode(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var out any
	if err := dec.Decode(&out); err != nil {
		return nil, err
	}
	return out, nil
}

// Normalize turns a value built from report types (Digest, HTTPRequest, *Error, ...) into
// generic JSON values, so that it compares with decoded reports.
func Normalize(v any) any {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("unencodable: %v", err)
	}
	out, err := Decode(raw)
	if err != nil {
		return fmt.Sprintf("undecodable: %v", err)
	}
	return out
}

// IsZero reports whether a generic JSON value is zero: null, false, "", 0, or a map or list
// whose entries are all zero. Zero, missing and null are the same thing to the comparison,
// as they are to gob (which omits zero fields and collapses nil and empty).
func IsZero(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case bool:
		return !x
	case string:
		return x == ""
	case json.Number:
		f, err := x.Float64()
		return err == nil && f == 0
	case float64:
		return x == 0
	case map[string]any:
		for _, e := range x {
			if !IsZero(e) {
				return false
			}
		}
		return true
	case []any:
		for _, e := range x {
			if !IsZero(e) {
				return false
			}
		}
		return true
	}
	return false
}

// Contained lists where sub is not contained in super: every non-zero leaf of sub must be
// present in super at the same place with an equal value. Lists compare element by
// element and must have the same length (unless sub's list is zero). An empty result means
// sub ⊆ super.
func Contained(sub, super any, path string) []string {
	if IsZero(sub) {
		return nil
	}
	if path == "" {
		path = "$"
	}
	switch s := sub.(type) {
	case map[string]any:
		m, ok := super.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: %s where %s was expected", path, show(super), show(sub))}
		}
		keys := make([]string, 0, len(s))
		for k := range s {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var diffs []string
		for _, k := range keys {
			if IsZero(s[k]) {
				continue
			}
			sv, ok := lookup(m, k)
			if !ok {
				diffs = append(diffs, fmt.Sprintf("%s.%s: missing, expected %s", path, k, show(s[k])))
				continue
			}
			diffs = append(diffs, Contained(s[k], sv, path+"."+k)...)
		}
		return diffs
	case []any:
		l, ok := super.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s: %s where the list %s was expected", path, show(super), show(sub))}
		}
		if len(l) != len(s) {
			return []string{fmt.Sprintf("%s: %d elements where %d were expected (%s vs %s)", path, len(l), len(s), show(super), show(sub))}
		}
		var diffs []string
		for i := range s {
			diffs = append(diffs, Contained(s[i], l[i], path+"["+strconv.Itoa(i)+"]")...)
		}
		return diffs
	default:
		if !scalarEqual(sub, super) {
			return []string{fmt.Sprintf("%s: %s, expected %s", path, show(super), show(sub))}
		}
		return nil
	}
}

// lookup finds key k in m, or else a key equal to it under Unicode case folding, as
// encoding/json matches object keys to fields (a model whose JSON name changed case between
// server versions, "ID" and "id", still matches).
func lookup(m map[string]any, k string) (any, bool) {
	if v, ok := m[k]; ok {
		return v, true
	}
	for mk, v := range m {
		if strings.EqualFold(mk, k) {
			return v, true
		}
	}
	return nil, false
}

func scalarEqual(a, b any) bool {
	an, aok := number(a)
	bn, bok := number(b)
	if aok || bok {
		if !aok || !bok {
			return false
		}
		return numbersEqual(an, bn)
	}
	return reflect.DeepEqual(a, b)
}

func number(v any) (json.Number, bool) {
	switch x := v.(type) {
	case json.Number:
		return x, true
	case float64:
		return json.Number(strconv.FormatFloat(x, 'g', -1, 64)), true
	}
	return "", false
}

func numbersEqual(a, b json.Number) bool {
	if ai, err := strconv.ParseInt(string(a), 10, 64); err == nil {
		if bi, err := strconv.ParseInt(string(b), 10, 64); err == nil {
			return ai == bi
		}
	}
	if au, err := strconv.ParseUint(string(a), 10, 64); err == nil {
		if bu, err := strconv.ParseUint(string(b), 10, 64); err == nil {
			return au == bu
		}
	}
	af, aerr := strconv.ParseFloat(string(a), 64)
	bf, berr := strconv.ParseFloat(string(b), 64)
	if aerr != nil || berr != nil {
		return string(a) == string(b)
	}
	return af == bf || math.Abs(af-bf) <= 1e-9*math.Max(math.Abs(af), math.Abs(bf))
}

func show(v any) string {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	s := string(raw)
	if len(s) > 160 {
		s = s[:160] + "…"
	}
	return s
}

// IsErrorType reports whether t is an error result type (error or *model.AppError).
func IsErrorType(t reflect.Type) bool {
	return t.Implements(reflect.TypeFor[error]())
}

// ErrorResult reports whether the method's last result is an error.
func ErrorResult(ft reflect.Type) bool {
	return ft.NumOut() > 0 && IsErrorType(ft.Out(ft.NumOut()-1))
}

// ErrorStatus is the HTTP status code the recorder sets on the AppError of a method's
// error shape, by method group: lookups 404, removals 403, creations 409, others 400.
func ErrorStatus(method string) int {
	for _, p := range []string{"Get", "Search", "Has", "Read", "List", "Check", "Evaluate", "Query", "Is"} {
		if strings.HasPrefix(method, p) {
			return http.StatusNotFound
		}
	}
	for _, p := range []string{"Delete", "Remove", "Unregister", "Revoke", "Disable", "Uninstall", "Unlink"} {
		if strings.HasPrefix(method, p) {
			return http.StatusForbidden
		}
	}
	for _, p := range []string{"Create", "Add", "Register", "Save", "Upsert", "Insert", "Install", "Ensure"} {
		if strings.HasPrefix(method, p) {
			return http.StatusConflict
		}
	}
	return http.StatusBadRequest
}
