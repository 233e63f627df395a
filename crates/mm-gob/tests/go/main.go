// Command interop checks mm-gob against Go's encoding/gob (standard library only).
//
//	interop check < stream   decodes the values of values() from stdin and compares them
//	interop emit  > stream   encodes the values of values() to stdout
//
// Both use one gob stream for all values, so type definitions are sent once and reused.
package main

import (
	"bufio"
	"encoding/gob"
	"fmt"
	"io"
	"os"
	"reflect"
)

type Inner struct {
	X    int32
	Tags []string
	Blob []byte
}

type AppError struct {
	Id         string
	StatusCode int
}

func (e *AppError) Error() string { return e.Id }

type Post struct {
	Id       string
	CreateAt int64
	Message  string
	Props    map[string]interface{}
	Count    *int64
	Inner    *Inner
	Inners   []*Inner
	Flags    map[string]bool
	Ratio    float64
	Small    float32
	U        uint16
	Err      error
	Nothing  interface{}
}

func init() {
	// What Mattermost's plugin package registers.
	gob.Register([]interface{}{})
	gob.Register(map[string]interface{}{})
	gob.RegisterName("*model.AppError", &AppError{})
}

// values are the values both sides encode and expect, in stream order.
func values() []interface{} {
	seven := int64(7)
	post1 := Post{
		Id:       "p1",
		CreateAt: 1700000002000,
		Message:  "héllo",
		Props: map[string]interface{}{
			"int":     2,
			"int64":   int64(-7),
			"float64": 1.5,
			"string":  "s",
			"bool":    true,
			"bytes":   []byte{1, 2},
			"list":    []interface{}{"a", 1.5, map[string]interface{}{"deep": 3}},
			"map":     map[string]interface{}{"k": []interface{}{"x", nil}},
			"nil":     nil,
		},
		Count:  &seven,
		Inner:  &Inner{X: -5, Tags: []string{"a", "b"}, Blob: []byte{0, 1, 255}},
		Inners: []*Inner{{X: 1}, {X: 2, Tags: []string{"t"}}},
		Flags:  map[string]bool{"on": true, "off": false},
		Ratio:  0.1,
		Small:  0.25,
		U:      65535,
		Err:    &AppError{Id: "demo.fail", StatusCode: 418},
	}
	post2 := Post{Id: "p2", Props: map[string]interface{}{"n": 3}}
	return []interface{}{
		post1,
		post2,
		map[string]interface{}{"top": "level", "n": float64(2)},
		[]interface{}{1, "two", []interface{}{true}},
		"just a string",
		-65,
		[]byte("raw"),
		struct{}{},
		map[string][]string{"Content-Type": {"text/plain"}},
		[]int64{1, -2, 3},
		uint32(1),
	}
}

func check() error {
	dec := gob.NewDecoder(bufio.NewReader(os.Stdin))
	for i, want := range values() {
		got := reflect.New(reflect.TypeOf(want))
		if err := dec.Decode(got.Interface()); err != nil {
			return fmt.Errorf("value %d (%T): %w", i, want, err)
		}
		if !reflect.DeepEqual(got.Elem().Interface(), want) {
			return fmt.Errorf("value %d (%T):\n got  %#v\n want %#v", i, want, got.Elem().Interface(), want)
		}
	}
	var extra interface{}
	if err := dec.Decode(&extra); err != io.EOF {
		return fmt.Errorf("expected the end of the stream, got %v", err)
	}
	return nil
}

func emit() error {
	w := bufio.NewWriter(os.Stdout)
	enc := gob.NewEncoder(w)
	for i, v := range values() {
		if err := enc.Encode(v); err != nil {
			return fmt.Errorf("value %d: %w", i, err)
		}
	}
	return w.Flush()
}

func main() {
	var err error
	switch mode := os.Args[len(os.Args)-1]; mode {
	case "check":
		err = check()
	case "emit":
		err = emit()
	default:
		err = fmt.Errorf("usage: interop check|emit (got %q)", mode)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "interop:", err)
		os.Exit(1)
	}
}
