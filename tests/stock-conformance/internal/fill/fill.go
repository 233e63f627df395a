// Package fill builds deterministic, recognisable non-zero values of arbitrary Go types by
// reflection. The harness's recording plugin.API answers with them, and the Go API probe
// plugin sends them as arguments: every exported field of every struct is set, maps and
// slices are non-empty, and `any` values hold the dynamic kinds a stock server puts in
// Props (int, int64, float64, string, bool, nested maps and slices).
//
// Values derive from a seed (for example "GetUser/ret0") and the field path, so the same
// seed always gives the same value and a value names where it came from.
package fill

import (
	"encoding/json"
	"hash/fnv"
	"reflect"
	"strconv"
	"time"
)

// MaxDepth bounds the nesting of composite values (structs, pointers, slices, maps). Deeper
// composites stay zero. A recursive type (a command response's extra responses) nests once.
const MaxDepth = 5

var (
	timeType       = reflect.TypeFor[time.Time]()
	rawMessageType = reflect.TypeFor[json.RawMessage]()
	anyType        = reflect.TypeFor[any]()
	byteSliceType  = reflect.TypeFor[[]byte]()
)

// Value returns a filled value of type t for the given seed.
func Value(seed string, t reflect.Type) reflect.Value {
	f := filler{seed: seed}
	return f.value(t, "", 0, nil)
}

// Number is the deterministic positive number for a seed and path, in [1000, 90999].
func Number(seed, path string) int64 {
	h := fnv.New32a()
	h.Write([]byte(seed))
	h.Write([]byte{0})
	h.Write([]byte(path))
	return int64(h.Sum32()%90000) + 1000
}

// String is the deterministic string for a seed and path: "<seed>.<path>".
func String(seed, path string) string {
	if path == "" {
		return seed
	}
	return seed + "." + path
}

// Dynamic is the Props-like dynamic value used for `any` fields and map[string]any maps:
// every kind a stock server carries in an interface value, nested.
func Dynamic(seed, path string) map[string]any {
	n := Number(seed, path)
	return map[string]any{
		"str":   String(seed, path),
		"int":   int(n),
		"int64": n * 1000003,
		"float": float64(n) + 0.25,
		"bool":  true,
		"nested": map[string]any{
			"list":  []any{String(seed, path+".list"), int(n + 1), 1.5, false},
			"inner": map[string]any{"depth": 2, "label": "deep"},
		},
	}
}

// validValues holds fields whose model type refuses arbitrary values when it is marshalled to
// JSON (a custom MarshalJSON that validates an enum): they get a valid value instead.
// Keyed by "<type as reflect prints it>.<field>".
var validValues = map[string]string{
	"model.GroupSyncable.Type": "Team",
}

type filler struct {
	seed string
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func (f *filler) value(t reflect.Type, path string, depth int, stack []reflect.Type) reflect.Value {
	v := reflect.New(t).Elem()
	f.set(v, path, depth, stack)
	return v
}

func (f *filler) set(v reflect.Value, path string, depth int, stack []reflect.Type) {
	t := v.Type()
	n := Number(f.seed, path)
	switch {
	case t == timeType:
		v.Set(reflect.ValueOf(time.Unix(1_700_000_000+n, 0).UTC()))
		return
	case t == rawMessageType:
		raw, _ := json.Marshal(map[string]any{"probe": String(f.seed, path), "n": n})
		v.SetBytes(raw)
		return
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		v.Set(reflect.ValueOf([]byte(String(f.seed, path))).Convert(t))
		return
	}
	switch t.Kind() {
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int32, reflect.Int64:
		v.SetInt(n)
	case reflect.Int8:
		v.SetInt(n%100 + 1)
	case reflect.Int16:
		v.SetInt(n%30000 + 1)
	case reflect.Uint, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		v.SetUint(uint64(n))
	case reflect.Uint8:
		v.SetUint(uint64(n%200 + 1))
	case reflect.Uint16:
		v.SetUint(uint64(n%60000 + 1))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(n) + 0.5)
	case reflect.Complex64, reflect.Complex128:
		v.SetComplex(complex(float64(n), 1))
	case reflect.String:
		v.SetString(String(f.seed, path))
	case reflect.Interface:
		if t == anyType {
			v.Set(reflect.ValueOf(Dynamic(f.seed, path)))
		}
		// Other interfaces (error, io.Reader, ...) have no concrete type a peer could
		// decode: they stay nil.
	case reflect.Pointer:
		if depth >= MaxDepth || recursive(stack, t.Elem(), 2) {
			return
		}
		p := reflect.New(t.Elem())
		f.set(p.Elem(), path, depth+1, stack)
		v.Set(p)
	case reflect.Struct:
		if depth > MaxDepth || recursive(stack, t, 2) {
			return
		}
		stack = append(stack, t)
		for i := 0; i < t.NumField(); i++ {
			sf := t.Field(i)
			if !sf.IsExported() {
				continue
			}
			if valid, ok := validValues[t.String()+"."+sf.Name]; ok && sf.Type.Kind() == reflect.String {
				v.Field(i).SetString(valid)
				continue
			}
			f.set(v.Field(i), join(path, sf.Name), depth+1, stack)
		}
	case reflect.Slice:
		if depth >= MaxDepth || recursive(stack, t.Elem(), 2) {
			return
		}
		count := 1
		if isScalar(t.Elem()) {
			count = 2
		}
		s := reflect.MakeSlice(t, count, count)
		for i := 0; i < count; i++ {
			f.set(s.Index(i), join(path, strconv.Itoa(i)), depth+1, stack)
			nonNil(s.Index(i))
		}
		v.Set(s)
	case reflect.Array:
		for i := 0; i < v.Len(); i++ {
			f.set(v.Index(i), join(path, strconv.Itoa(i)), depth+1, stack)
		}
	case reflect.Map:
		if depth >= MaxDepth || recursive(stack, t.Elem(), 2) {
			return
		}
		m := reflect.MakeMap(t)
		if t.Key().Kind() == reflect.String && t.Elem() == anyType {
			for k, val := range Dynamic(f.seed, path) {
				m.SetMapIndex(reflect.ValueOf(k).Convert(t.Key()), reflect.ValueOf(val))
			}
			v.Set(m)
			return
		}
		count := 1
		if isScalar(t.Elem()) {
			count = 2
		}
		for i := 0; i < count; i++ {
			key := reflect.New(t.Key()).Elem()
			f.set(key, join(path, "key"+strconv.Itoa(i)), depth+1, stack)
			val := reflect.New(t.Elem()).Elem()
			f.set(val, join(path, "val"+strconv.Itoa(i)), depth+1, stack)
			nonNil(val)
			m.SetMapIndex(key, val)
		}
		v.Set(m)
	}
	// Func, Chan and UnsafePointer stay zero: gob ignores them and JSON cannot carry them.
}

// nonNil replaces a nil pointer element by a pointer to a zero value: gob cannot encode nil
// elements of slices and maps ("encodeArray: nil element").
func nonNil(v reflect.Value) {
	if v.Kind() == reflect.Pointer && v.IsNil() {
		v.Set(reflect.New(v.Type().Elem()))
	}
}

func isScalar(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64, reflect.String:
		return true
	}
	return false
}

// recursive reports whether t already occurs at least limit times on the stack of enclosing
// struct types.
func recursive(stack []reflect.Type, t reflect.Type, limit int) bool {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map || t.Kind() == reflect.Array {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return false
	}
	seen := 0
	for _, s := range stack {
		if s == t {
			seen++
		}
	}
	return seen >= limit
}
