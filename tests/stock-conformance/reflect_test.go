package stockconformance

import (
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/plugin"
)

// Hooks and model types added after the oldest supported server/public version are used by
// reflection, so that this package compiles against every version: a hook is called by name
// and its argument values are built from the parameter types of the version in use.

// hookMethod returns the method of plugin.Hooks called name; ok is false when this version
// has no such hook.
func hookMethod(name string) (reflect.Method, bool) {
	return reflect.TypeFor[plugin.Hooks]().MethodByName(name)
}

// callHook calls hook name on hk. Arguments are converted to the parameter types: a
// reflect.Value is used as is, nil becomes the zero value.
func callHook(t testing.TB, hk plugin.Hooks, name string, args ...any) []reflect.Value {
	t.Helper()
	m := reflect.ValueOf(hk).MethodByName(name)
	if !m.IsValid() {
		t.Fatalf("the hooks client has no %s", name)
	}
	mt := m.Type()
	if len(args) != mt.NumIn() {
		t.Fatalf("%s takes %d arguments, got %d", name, mt.NumIn(), len(args))
	}
	in := make([]reflect.Value, len(args))
	for i, a := range args {
		pt := mt.In(i)
		switch v := a.(type) {
		case reflect.Value:
			in[i] = v
		case nil:
			in[i] = reflect.Zero(pt)
		default:
			rv := reflect.ValueOf(a)
			if rv.Type() != pt && rv.Type().ConvertibleTo(pt) {
				rv = rv.Convert(pt)
			}
			in[i] = rv
		}
	}
	return m.Call(in)
}

// newParam builds a value of the i-th parameter type of hook name (a pointer to a new struct
// when the parameter is a pointer) with the given fields set.
func newParam(t testing.TB, name string, i int, fields map[string]any) reflect.Value {
	t.Helper()
	m, ok := hookMethod(name)
	if !ok {
		t.Fatalf("no hook %s", name)
	}
	return newOf(t, m.Type.In(i), fields)
}

// newOf builds a value of type pt (pointer or struct) with fields set.
func newOf(t testing.TB, pt reflect.Type, fields map[string]any) reflect.Value {
	t.Helper()
	var v reflect.Value
	if pt.Kind() == reflect.Pointer {
		v = reflect.New(pt.Elem())
	} else {
		v = reflect.New(pt)
	}
	setFields(t, v, fields)
	if pt.Kind() == reflect.Pointer {
		return v
	}
	return v.Elem()
}

// setFields sets fields of the struct v points to; values are converted to the field types,
// a map[string]any value fills a nested struct (or a pointer to one).
func setFields(t testing.TB, v reflect.Value, fields map[string]any) {
	t.Helper()
	for v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	for name, val := range fields {
		f := v.FieldByName(name)
		if !f.IsValid() {
			t.Fatalf("%s has no field %s", v.Type(), name)
		}
		if nested, ok := val.(map[string]any); ok && (f.Kind() == reflect.Struct || (f.Kind() == reflect.Pointer && f.Type().Elem().Kind() == reflect.Struct)) {
			f.Set(newOf(t, f.Type(), nested))
			continue
		}
		rv := reflect.ValueOf(val)
		if rv.Type() != f.Type() {
			if !rv.Type().ConvertibleTo(f.Type()) {
				t.Fatalf("%s.%s is %s, cannot take %T", v.Type(), name, f.Type(), val)
			}
			rv = rv.Convert(f.Type())
		}
		f.Set(rv)
	}
}

// field reads a field (through pointers, promoted fields included; a dotted path walks
// nested structs). An invalid Value means a nil pointer on the way or no such field.
func field(v reflect.Value, path string) reflect.Value {
	for _, name := range strings.Split(path, ".") {
		for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
			if v.IsNil() {
				return reflect.Value{}
			}
			v = v.Elem()
		}
		if v.Kind() != reflect.Struct {
			return reflect.Value{}
		}
		v = v.FieldByName(name)
		if !v.IsValid() {
			return v
		}
	}
	return v
}

// str is a string field ("<nil>" when absent).
func str(v reflect.Value, path string) string {
	f := field(v, path)
	if !f.IsValid() {
		return "<nil>"
	}
	if f.Kind() == reflect.String {
		return f.String()
	}
	if f.CanInt() {
		return strconv.FormatInt(f.Int(), 10)
	}
	if f.Kind() == reflect.Bool {
		return strconv.FormatBool(f.Bool())
	}
	return f.Type().String()
}

// isNil reports whether a pointer/interface result is nil.
func isNil(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Slice, reflect.Map:
		return v.IsNil()
	}
	return false
}

// runMultiHook runs fn through Environment.RunMultiPluginHook, the path the server uses for
// most hooks, and reports whether fn ran for the hooks client target. (The callback's
// signature differs between versions: it is built by reflection.)
func runMultiHook(env *plugin.Environment, hookID int, target plugin.Hooks, fn func(plugin.Hooks)) bool {
	run := reflect.ValueOf(env).MethodByName("RunMultiPluginHook")
	cbType := run.Type().In(0)
	ran := false
	cb := reflect.MakeFunc(cbType, func(in []reflect.Value) []reflect.Value {
		hk := in[0].Interface().(plugin.Hooks)
		if hk == target {
			fn(hk)
			ran = true
		}
		return []reflect.Value{reflect.ValueOf(true)}
	})
	run.Call([]reflect.Value{cb, reflect.ValueOf(hookID)})
	return ran
}
