package driver

import (
	"errors"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"
)

type testConfig struct {
	RM       int `default:"3"`
	Buggy    bool
	Name     string `default:"ledger"`
	Timeout  time.Duration
	Rate     float64
	Small    uint8
	Accounts []string
	Addr     netip.Addr
	hidden   int //lint:ignore U1000 an unexported field is not a constant
	Embedded
}

type Embedded struct {
	Depth int `default:"2"`
}

type badDefault struct {
	N int `default:"three"`
}

func TestConfigure(t *testing.T) {
	tests := []struct {
		name   string
		typ    reflect.Type
		sets   []string
		want   string // the constants, as Name=Value lines
		errMsg string // a substring of the error; empty for none
		usage  bool   // the error is a usage error
		reason string
	}{
		{
			name: "defaults", typ: reflect.TypeFor[testConfig](),
			want:   "RM=3 Buggy=false Name=ledger Timeout=0s Rate=0 Small=0 Accounts=[] Addr=invalid IP Depth=2",
			reason: "default tags apply, other fields keep their zero value, promoted fields count",
		},
		{
			name: "every kind", typ: reflect.TypeFor[testConfig](),
			sets: []string{"RM=4", "Buggy=true", "Name=bank one", "Timeout=1m30s", "Rate=0.5", "Small=0x10",
				"Accounts=a, b,c", "Addr=10.0.0.1", "Depth=5"},
			want:   "RM=4 Buggy=true Name=\"bank one\" Timeout=1m30s Rate=0.5 Small=16 Accounts=[a b c] Addr=10.0.0.1 Depth=5",
			reason: "ints (any base), bools, strings, durations, floats, slices and TextUnmarshalers parse",
		},
		{
			name: "last wins", typ: reflect.TypeFor[testConfig](),
			sets:   []string{"RM=4", "RM=5"},
			want:   "RM=5 Buggy=false Name=ledger Timeout=0s Rate=0 Small=0 Accounts=[] Addr=invalid IP Depth=2",
			reason: "a repeated -set overrides the earlier one, like a repeated flag",
		},
		{
			name: "empty value", typ: reflect.TypeFor[testConfig](),
			sets:   []string{"Name="},
			want:   "RM=3 Buggy=false Name=\"\" Timeout=0s Rate=0 Small=0 Accounts=[] Addr=invalid IP Depth=2",
			reason: "Name= sets the empty string",
		},
		{
			name: "misspelled", typ: reflect.TypeFor[testConfig](), sets: []string{"Bugy=true"},
			errMsg: `-set Bugy: driver.testConfig has no field Bugy (did you mean "Buggy"?)`, usage: true,
			reason: "an unknown name suggests the closest field",
		},
		{
			name: "wrong case", typ: reflect.TypeFor[testConfig](), sets: []string{"rm=4"},
			errMsg: `(did you mean "RM"?)`, usage: true,
			reason: "names are case-sensitive, but the suggestion ignores case",
		},
		{
			name: "unknown", typ: reflect.TypeFor[testConfig](), sets: []string{"Replicas=4"},
			errMsg: "has no field Replicas; constants: RM, Buggy, Name, Timeout, Rate, Small, Accounts, Addr, Depth", usage: true,
			reason: "without a close name, the constants are listed",
		},
		{
			name: "unexported", typ: reflect.TypeFor[testConfig](), sets: []string{"hidden=1"},
			errMsg: "has no field hidden", usage: true,
			reason: "unexported fields are not constants",
		},
		{
			name: "bad int", typ: reflect.TypeFor[testConfig](), sets: []string{"RM=three"},
			errMsg: "-set RM=three: want an integer (invalid syntax)", usage: true,
			reason: "a value that does not parse is a usage error",
		},
		{
			name: "overflow", typ: reflect.TypeFor[testConfig](), sets: []string{"Small=300"},
			errMsg: "-set Small=300: want a non-negative integer (value out of range)", usage: true,
			reason: "values are checked against the field's size",
		},
		{
			name: "bad bool", typ: reflect.TypeFor[testConfig](), sets: []string{"Buggy=yes"},
			errMsg: "want true or false", usage: true,
			reason: "bools parse like strconv.ParseBool",
		},
		{
			name: "bad duration", typ: reflect.TypeFor[testConfig](), sets: []string{"Timeout=5"},
			errMsg: "want a duration", usage: true,
			reason: "durations need a unit",
		},
		{
			name: "no equals", typ: reflect.TypeFor[testConfig](), sets: []string{"RM"},
			errMsg: `-set "RM": want Name=Value`, usage: true,
			reason: "an assignment needs =",
		},
		{
			name: "bad default", typ: reflect.TypeFor[badDefault](),
			errMsg: `driver.badDefault.N: bad default tag "three"`, usage: false,
			reason: "a default tag that does not parse is the model's fault, not the user's",
		},
		{
			name: "no config", typ: nil, sets: []string{"RM=3"},
			errMsg: "-set RM: the model takes no constants", usage: true,
			reason: "a model function without a config parameter takes no -set",
		},
		{
			name: "no config, no sets", typ: nil,
			reason: "a model function without a config parameter and no -set is fine",
		},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		if tt.reason == "" || seen[tt.name] {
			t.Fatalf("test %q: missing reason or duplicate name", tt.name)
		}
		seen[tt.name] = true
		t.Run(tt.name, func(t *testing.T) {
			_, consts, err := configure(tt.typ, tt.sets)
			if tt.errMsg != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errMsg) {
					t.Fatalf("configure() error = %v, want one containing %q", err, tt.errMsg)
				}
				var ue *usageError
				if got := errors.As(err, &ue); got != tt.usage {
					t.Errorf("usage error = %v, want %v", got, tt.usage)
				}
				return
			}
			if err != nil {
				t.Fatalf("configure() error = %v", err)
			}
			var parts []string
			for _, c := range consts {
				parts = append(parts, c.Name+"="+formatValue(c.Value))
			}
			if got := strings.Join(parts, " "); got != tt.want {
				t.Errorf("constants:\ngot  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func formatValue(v any) string {
	if d, ok := v.(time.Duration); ok {
		return d.String()
	}
	return strings.TrimSpace(show(reflect.ValueOf(v)))
}

func TestConfigure_value(t *testing.T) {
	v, _, err := configure(reflect.TypeFor[testConfig](), []string{"RM=4", "Accounts=x,y"})
	if err != nil {
		t.Fatal(err)
	}
	got := v.Interface().(testConfig)
	want := testConfig{RM: 4, Name: "ledger", Accounts: []string{"x", "y"}, Embedded: Embedded{Depth: 2}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("configure() = %+v, want %+v", got, want)
	}
}

func TestDefaults(t *testing.T) {
	type cfg struct {
		RM    int    `default:"3"`
		Buggy bool   `default:"true"`
		Name  string `default:"tm"`
		Free  int
	}
	got, err := Defaults[cfg]()
	if err != nil {
		t.Fatal(err)
	}
	if want := (cfg{RM: 3, Buggy: true, Name: "tm"}); got != want {
		t.Errorf("Defaults = %+v, want %+v (every tag parsed as -set would, untagged fields zero)", got, want)
	}
	type bad struct {
		N int `default:"many"`
	}
	if _, err := Defaults[bad](); err == nil || !strings.Contains(err.Error(), `bad default tag "many"`) {
		t.Errorf("Defaults of a bad tag: err = %v, want the tag named", err)
	}
}
