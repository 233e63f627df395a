package report

import (
	"reflect"
	"strings"
	"testing"
)

func decode(t *testing.T, s string) any {
	t.Helper()
	v, err := Decode([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestContained(t *testing.T) {
	for _, c := range []struct {
		sub, super string
		want       string // "" = contained, else a substring of the first difference
	}{
		{`{"a":1}`, `{"a":1,"b":2}`, ""},
		{`{"a":1,"z":0,"n":null,"e":"","l":[],"m":{}}`, `{"a":1}`, ""}, // zero = missing = null
		{`{"a":1}`, `{"a":2}`, "$.a: 2, expected 1"},
		{`{"a":1}`, `{"b":1}`, "$.a: missing"},
		{`{"ID":"x"}`, `{"id":"x"}`, ""}, // keys match as encoding/json matches them
		{`[1,2]`, `[1,2]`, ""},
		{`[1,2]`, `[1,2,3]`, "3 elements where 2"},
		{`[0,{"a":0}]`, `[]`, ""}, // an all-zero list is zero
		{`{"n":1.0}`, `{"n":1}`, ""},
		{`{"n":9007199254740993}`, `{"n":9007199254740992}`, "expected 9007199254740993"}, // int64 precision
		{`{"s":"1"}`, `{"s":1}`, "expected \"1\""},
		{`{"deep":{"x":[{"k":"v"}]}}`, `{"deep":{"x":[{"k":"w"}]}}`, "$.deep.x[0].k"},
	} {
		diffs := Contained(decode(t, c.sub), decode(t, c.super), "")
		switch {
		case c.want == "" && len(diffs) > 0:
			t.Errorf("%s ⊆ %s: unexpected %v", c.sub, c.super, diffs)
		case c.want != "" && (len(diffs) == 0 || !strings.Contains(diffs[0], c.want)):
			t.Errorf("%s ⊆ %s: got %v, want %q", c.sub, c.super, diffs, c.want)
		}
	}
}

type inner struct {
	Name string `json:"name"`
}

type outer struct {
	inner
	Id    string           `json:"id"`
	Items []inner          `json:"items"`
	Props map[string]inner `json:"props"`
	Skip  string           `json:"-"`
	Plain int
}

func TestContainedIn(t *testing.T) {
	typ := reflect.TypeFor[*outer]()
	var skipped []string
	sub := decode(t, `{"id":"a","name":"n","added_later":"x","items":[{"name":"i","extra":1}],"props":{"k":{"name":"v","new":true}},"Plain":3}`)
	super := decode(t, `{"id":"a","name":"n","items":[{"name":"i"}],"props":{"k":{"name":"v"}},"Plain":3}`)
	if diffs := ContainedIn(sub, super, typ, "", &skipped); len(diffs) > 0 {
		t.Fatalf("unexpected %v", diffs)
	}
	want := []string{"$.added_later", "$.items[0].extra", "$.props.k.new"}
	if !reflect.DeepEqual(skipped, want) {
		t.Errorf("skipped %v, want %v", skipped, want)
	}
	// A field the type has but the value lacks is a mismatch, not skew.
	skipped = nil
	diffs := ContainedIn(decode(t, `{"id":"a","name":"n"}`), decode(t, `{"id":"a"}`), typ, "", &skipped)
	if len(diffs) != 1 || !strings.Contains(diffs[0], "$.name: missing") || len(skipped) != 0 {
		t.Errorf("got %v (skipped %v)", diffs, skipped)
	}
}

func TestPattern(t *testing.T) {
	b := make([]byte, 600)
	FillPattern(b, 0)
	if b[0] != 0 || b[250] != 250 || b[251] != 1 || b[502] != 2 {
		t.Errorf("pattern %v %v %v %v", b[0], b[250], b[251], b[502])
	}
	d, _ := DigestReader(PatternReader(600))
	if d != DigestOf(b) {
		t.Errorf("PatternReader differs from FillPattern")
	}
}
