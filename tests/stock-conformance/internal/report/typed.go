package report

import (
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// ContainedIn is Contained guided by the Go type super was encoded from: a key of sub that
// no field of that type has (a field the sender's newer or older model has and this
// server/public version's model has not) is not a mismatch; it is appended to skipped.
// Below a type with its own JSON encoding the comparison is untyped.
func ContainedIn(sub, super any, t reflect.Type, path string, skipped *[]string) []string {
	if IsZero(sub) {
		return nil
	}
	if path == "" {
		path = "$"
	}
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t != nil && customJSON(t) {
		t = nil
	}
	if t == nil {
		return Contained(sub, super, path)
	}
	switch s := sub.(type) {
	case map[string]any:
		m, ok := super.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: %s where %s was expected", path, show(super), show(sub))}
		}
		var fields map[string]reflect.Type
		switch t.Kind() {
		case reflect.Struct:
			fields = jsonFields(t)
		case reflect.Map:
		default:
			return Contained(sub, super, path)
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
			var ft reflect.Type
			if fields != nil {
				f, known := fields[k]
				if !known {
					f, known = foldedField(fields, k)
				}
				if !known {
					*skipped = append(*skipped, path+"."+k)
					continue
				}
				ft = f
			} else {
				ft = t.Elem()
			}
			sv, ok := lookup(m, k)
			if !ok {
				diffs = append(diffs, fmt.Sprintf("%s.%s: missing, expected %s", path, k, show(s[k])))
				continue
			}
			diffs = append(diffs, ContainedIn(s[k], sv, ft, path+"."+k, skipped)...)
		}
		return diffs
	case []any:
		l, ok := super.([]any)
		if !ok || (t.Kind() != reflect.Slice && t.Kind() != reflect.Array) {
			return Contained(sub, super, path)
		}
		if len(l) != len(s) {
			return []string{fmt.Sprintf("%s: %d elements where %d were expected (%s vs %s)", path, len(l), len(s), show(super), show(sub))}
		}
		var diffs []string
		for i := range s {
			diffs = append(diffs, ContainedIn(s[i], l[i], t.Elem(), path+"["+strconv.Itoa(i)+"]", skipped)...)
		}
		return diffs
	}
	return Contained(sub, super, path)
}

func foldedField(fields map[string]reflect.Type, k string) (reflect.Type, bool) {
	for name, t := range fields {
		if strings.EqualFold(name, k) {
			return t, true
		}
	}
	return nil, false
}

// customJSON reports whether t (or *t) encodes itself to JSON.
func customJSON(t reflect.Type) bool {
	marshaler := reflect.TypeFor[json.Marshaler]()
	text := reflect.TypeFor[encoding.TextMarshaler]()
	for _, c := range []reflect.Type{t, reflect.PointerTo(t)} {
		if c.Implements(marshaler) || c.Implements(text) {
			return true
		}
	}
	return false
}

// jsonFields maps the JSON names of a struct's fields to their types, as encoding/json
// names them (tags, "-", embedded structs flattened).
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		ft := f.Type
		if f.Anonymous && name == "" {
			et := ft
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				for k, v := range jsonFields(et) {
					if _, ok := out[k]; !ok {
						out[k] = v
					}
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = ft
	}
	return out
}
