// Command netrpc-gen reads the stock Mattermost plugin surface from
// github.com/mattermost/mattermost/server/public (the version pinned in go.mod) and writes it
// as JSON: every method of plugin.API and plugin.Hooks, the exact Z_<Method>Args and
// Z_<Method>Returns structs the server's net/rpc glue sends, and every Go type reachable from
// them with the field names, types and JSON names gob and encoding/json use.
//
// crates/mm-codegen joins this file with the gRPC descriptors to generate the net/rpc mapping
// (PROTO_BLESS=1 cargo test -p mm-proto --test generated); regenerate it for a new server
// version with
//
//	go run . -out ../../crates/mm-proto/stock/surface.json
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"go/types"
	"os"
	"reflect"
	"sort"
	"strings"

	"golang.org/x/tools/go/packages"

	// Keeps the pinned server/public version in go.mod: the generator reads its source.
	_ "github.com/mattermost/mattermost/server/public/plugin"
)

const pluginPkg = "github.com/mattermost/mattermost/server/public/plugin"

// Surface is the whole output document.
type Surface struct {
	Module  string           `json:"module"`
	Version string           `json:"version"`
	API     []Method         `json:"api"`
	Hooks   []Method         `json:"hooks"`
	Types   map[string]*Type `json:"types"`
}

// Method is one method of plugin.API or plugin.Hooks with the structs that carry it.
type Method struct {
	Name    string  `json:"name"`
	Params  []Param `json:"params"`
	Results []Param `json:"results"`
	// Args and Returns name the Z_ structs of the RPC server method (Plugin.<Name>), or are
	// empty when the server method takes or answers a bare type.
	Args    string `json:"args"`
	Returns string `json:"returns"`
	// Served is false for an interface method the RPC server has no method for.
	Served bool `json:"served"`
	// Extra is true for an RPC method that is not a method of the Go interface
	// (PluginHTTPStream, which the plugin side of PluginHTTP calls first).
	Extra bool `json:"extra,omitempty"`
}

// Param is a parameter or result of an interface method.
type Param struct {
	Name string `json:"name,omitempty"`
	Type string `json:"type"`
}

// Type describes one named (or otherwise referenced) Go type the way gob sees it.
type Type struct {
	// Kind: bool, int, uint, float, complex, string, bytes, slice, array, map, struct,
	// interface, pointer, opaque (GobEncoder/BinaryMarshaler), unsupported (chan, func).
	Kind   string  `json:"kind"`
	Elem   string  `json:"elem,omitempty"`
	Key    string  `json:"key,omitempty"`
	Len    int64   `json:"len,omitempty"`
	Bits   int     `json:"bits,omitempty"`
	Fields []Field `json:"fields,omitempty"`
	// Opaque says how an opaque type marshals: GobEncode or MarshalBinary.
	Opaque string `json:"opaque,omitempty"`
}

// Field is one exported struct field.
type Field struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	JSON     string `json:"json,omitempty"`
	Embedded bool   `json:"embedded,omitempty"`
}

type walker struct {
	types map[string]*Type
}

func qualifier(p *types.Package) string { return p.Name() }

func typeName(t types.Type) string { return types.TypeString(t, qualifier) }

func hasMethod(t types.Type, name string) bool {
	for _, tt := range []types.Type{t, types.NewPointer(t)} {
		ms := types.NewMethodSet(tt)
		for i := 0; i < ms.Len(); i++ {
			if ms.At(i).Obj().Name() == name {
				return true
			}
		}
	}
	return false
}

// visit records t (and everything it refers to) and returns its name.
func (w *walker) visit(t types.Type) string {
	name := typeName(t)
	if _, done := w.types[name]; done {
		return name
	}
	desc := &Type{}
	w.types[name] = desc
	if _, isNamed := t.(*types.Named); isNamed {
		switch {
		case hasMethod(t, "GobEncode"):
			desc.Kind, desc.Opaque = "opaque", "GobEncode"
			return name
		case hasMethod(t, "MarshalBinary"):
			desc.Kind, desc.Opaque = "opaque", "MarshalBinary"
			return name
		}
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		switch {
		case u.Kind() == types.Bool:
			desc.Kind = "bool"
		case u.Info()&types.IsString != 0:
			desc.Kind = "string"
		case u.Info()&types.IsUnsigned != 0:
			desc.Kind = "uint"
			desc.Bits = bits(u.Kind())
		case u.Info()&types.IsInteger != 0:
			desc.Kind = "int"
			desc.Bits = bits(u.Kind())
		case u.Info()&types.IsFloat != 0:
			desc.Kind = "float"
			desc.Bits = bits(u.Kind())
		case u.Info()&types.IsComplex != 0:
			desc.Kind = "complex"
		default:
			desc.Kind = "unsupported"
		}
	case *types.Pointer:
		desc.Kind = "pointer"
		desc.Elem = w.visit(u.Elem())
	case *types.Slice:
		if b, ok := u.Elem().(*types.Basic); ok && b.Kind() == types.Uint8 {
			desc.Kind = "bytes"
		} else {
			desc.Kind = "slice"
			desc.Elem = w.visit(u.Elem())
		}
	case *types.Array:
		desc.Kind = "array"
		desc.Len = u.Len()
		desc.Elem = w.visit(u.Elem())
	case *types.Map:
		desc.Kind = "map"
		desc.Key = w.visit(u.Key())
		desc.Elem = w.visit(u.Elem())
	case *types.Interface:
		desc.Kind = "interface"
	case *types.Struct:
		desc.Kind = "struct"
		desc.Fields = []Field{}
		for i := 0; i < u.NumFields(); i++ {
			f := u.Field(i)
			if !f.Exported() {
				continue
			}
			switch f.Type().Underlying().(type) {
			case *types.Chan, *types.Signature:
				continue // gob ignores channel and function fields
			}
			field := Field{Name: f.Name(), Type: w.visit(f.Type()), Embedded: f.Embedded()}
			tag := reflect.StructTag(u.Tag(i)).Get("json")
			if tag != "" {
				field.JSON = tag
			}
			desc.Fields = append(desc.Fields, field)
		}
	default:
		desc.Kind = "unsupported"
	}
	return name
}

// deref is the type an RPC method argument points at (net/rpc passes pointers).
func deref(t types.Type) types.Type {
	if p, ok := t.(*types.Pointer); ok {
		return p.Elem()
	}
	return t
}

func bits(k types.BasicKind) int {
	switch k {
	case types.Int8, types.Uint8:
		return 8
	case types.Int16, types.Uint16:
		return 16
	case types.Int32, types.Uint32, types.Float32:
		return 32
	default:
		return 64
	}
}

func main() {
	out := flag.String("out", "surface.json", "where to write the JSON")
	flag.Parse()

	cfg := &packages.Config{Mode: packages.NeedTypes | packages.NeedTypesInfo | packages.NeedSyntax | packages.NeedName | packages.NeedModule}
	pkgs, err := packages.Load(cfg, pluginPkg)
	if err != nil || len(pkgs) != 1 || len(pkgs[0].Errors) > 0 {
		fmt.Fprintf(os.Stderr, "netrpc-gen: loading %s: %v\n", pluginPkg, err)
		if len(pkgs) > 0 {
			for _, e := range pkgs[0].Errors {
				fmt.Fprintln(os.Stderr, e)
			}
		}
		os.Exit(1)
	}
	pkg := pkgs[0]
	scope := pkg.Types.Scope()
	w := &walker{types: map[string]*Type{}}
	s := Surface{Module: pkg.Module.Path, Version: pkg.Module.Version, Types: w.types}

	serverMethods := func(recv string) map[string]*types.Signature {
		named := scope.Lookup(recv).Type().(*types.Named)
		ms := types.NewMethodSet(types.NewPointer(named))
		got := map[string]*types.Signature{}
		for i := 0; i < ms.Len(); i++ {
			fn := ms.At(i).Obj().(*types.Func)
			got[fn.Name()] = fn.Type().(*types.Signature)
		}
		return got
	}
	collect := func(iface, recv string) []Method {
		it := scope.Lookup(iface).Type().Underlying().(*types.Interface)
		served := serverMethods(recv)
		var methods []Method
		for i := 0; i < it.NumMethods(); i++ {
			fn := it.Method(i)
			sig := fn.Type().(*types.Signature)
			m := Method{Name: fn.Name(), Params: []Param{}, Results: []Param{}}
			for j := 0; j < sig.Params().Len(); j++ {
				p := sig.Params().At(j)
				m.Params = append(m.Params, Param{Name: p.Name(), Type: w.visit(p.Type())})
			}
			for j := 0; j < sig.Results().Len(); j++ {
				p := sig.Results().At(j)
				m.Results = append(m.Results, Param{Name: p.Name(), Type: w.visit(p.Type())})
			}
			if ssig, ok := served[fn.Name()]; ok && ssig.Params().Len() == 2 {
				m.Served = true
				m.Args = w.visit(deref(ssig.Params().At(0).Type()))
				m.Returns = w.visit(deref(ssig.Params().At(1).Type()))
			}
			methods = append(methods, m)
		}
		sort.Slice(methods, func(a, b int) bool { return methods[a].Name < methods[b].Name })
		return methods
	}
	s.API = collect("API", "apiRPCServer")
	s.Hooks = collect("Hooks", "hooksRPCServer")
	// The server-side RPC methods that are not interface methods (PluginHTTPStream).
	served := serverMethods("apiRPCServer")
	known := map[string]bool{}
	for _, m := range s.API {
		known[m.Name] = true
	}
	var extra []string
	for name := range served {
		if !known[name] {
			extra = append(extra, name)
		}
	}
	sort.Strings(extra)
	for _, name := range extra {
		sig := served[name]
		if sig.Params().Len() != 2 {
			continue
		}
		s.API = append(s.API, Method{Name: name, Served: true, Extra: true, Params: []Param{}, Results: []Param{},
			Args:    w.visit(deref(sig.Params().At(0).Type())),
			Returns: w.visit(deref(sig.Params().At(1).Type()))})
	}
	fmt.Fprintf(os.Stderr, "netrpc-gen: the API server also serves %s\n", strings.Join(extra, " "))

	data, err := json.MarshalIndent(s, "", " ")
	if err != nil {
		panic(err)
	}
	if err := os.WriteFile(*out, append(data, '\n'), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "netrpc-gen: %s %s: %d API methods, %d hooks, %d types -> %s\n", s.Module, s.Version, len(s.API), len(s.Hooks), len(s.Types), *out)
}
