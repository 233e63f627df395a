package fill

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

type node struct {
	Name     string
	Count    int64
	Ratio    float32
	On       bool
	When     time.Time
	Raw      json.RawMessage
	Data     []byte
	Tags     []string
	Props    map[string]any
	Any      any
	Children []*node
	Parent   *node
	Err      error
	hidden   string
}

func TestValue(t *testing.T) {
	v := Value("Method/ret0", reflect.TypeFor[*node]()).Interface().(*node)
	if v.Name != "Method/ret0.Name" || v.Count < 1000 || v.Ratio == 0 || !v.On || v.When.IsZero() ||
		!json.Valid(v.Raw) || len(v.Data) == 0 || len(v.Tags) != 2 || v.Props["int"] == nil || v.Any == nil {
		t.Errorf("not filled: %+v", v)
	}
	if _, ok := v.Props["int"].(int); !ok {
		t.Errorf("Props[int] is %T", v.Props["int"])
	}
	if v.Err != nil || v.hidden != "" {
		t.Errorf("interfaces other than any and unexported fields stay zero: %+v", v)
	}
	// Recursion ends; slice elements are never nil pointers (gob refuses nil elements).
	depth := 0
	for n := v; n != nil && len(n.Children) > 0; n = n.Children[0] {
		if n.Children[0] == nil {
			t.Fatal("nil slice element")
		}
		depth++
	}
	if depth == 0 || depth > MaxDepth {
		t.Errorf("children nest %d deep", depth)
	}
	if !reflect.DeepEqual(v, Value("Method/ret0", reflect.TypeFor[*node]()).Interface()) {
		t.Error("not deterministic")
	}
	if reflect.DeepEqual(v, Value("Other/ret0", reflect.TypeFor[*node]()).Interface()) {
		t.Error("the seed does not matter")
	}
}
