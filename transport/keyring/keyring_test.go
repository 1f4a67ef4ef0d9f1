package keyring

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func key(b byte, n int) []byte { return bytes.Repeat([]byte{b}, n) }

func TestDecode(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		err  error
	}{
		{"16 bytes", Encode(key(1, 16)), nil},
		{"24 bytes", Encode(key(1, 24)), nil},
		{"32 bytes", Encode(key(1, 32)), nil},
		{"15 bytes", Encode(key(1, 15)), ErrKeySize},
		{"0 bytes", "", ErrKeySize},
		{"not base64", "not base64!", ErrKeyEncoding},
		{"url alphabet", strings.ReplaceAll(Encode(bytes.Repeat([]byte{0xfb}, 32)), "+", "-"), ErrKeyEncoding},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode(tc.in)
			if !errors.Is(err, tc.err) || (tc.err == nil) != (err == nil) {
				t.Errorf("Decode(%q) = %v, want %v", tc.in, err, tc.err)
			}
		})
	}
}

func TestGenerate(t *testing.T) {
	a, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Generate()
	k, err := Decode(a)
	if err != nil || len(k) != 32 || a == b {
		t.Errorf("Generate: %q %q %v", a, b, err)
	}
}

func TestOperations(t *testing.T) {
	k1, k2, k3 := Encode(key(1, 32)), Encode(key(2, 16)), Encode(key(3, 24))
	kr, err := New([][]byte{key(1, 32)})
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name string
		op   func() error
		err  error
		want []string
	}{
		{"install", func() error { return kr.Install(k2) }, nil, []string{k1, k2}},
		{"install again is a no-op", func() error { return kr.Install(k2) }, nil, []string{k1, k2}},
		{"install bad key", func() error { return kr.Install("AAAA") }, ErrKeySize, []string{k1, k2}},
		{"use requires installed", func() error { return kr.Use(k3) }, ErrNotInstalled, []string{k1, k2}},
		{"use", func() error { return kr.Use(k2) }, nil, []string{k2, k1}},
		{"cannot remove primary", func() error { return kr.Remove(k2) }, ErrRemovePrimary, []string{k2, k1}},
		{"install third", func() error { return kr.Install(k3) }, nil, []string{k2, k1, k3}},
		{"use moves to front, keeps order", func() error { return kr.Use(k3) }, nil, []string{k3, k2, k1}},
		{"remove", func() error { return kr.Remove(k2) }, nil, []string{k3, k1}},
		{"remove absent is a no-op", func() error { return kr.Remove(k2) }, nil, []string{k3, k1}},
	}
	for _, s := range steps {
		err := s.op()
		if !errors.Is(err, s.err) || (s.err == nil) != (err == nil) {
			t.Fatalf("%s: err %v, want %v", s.name, err, s.err)
		}
		if got := kr.List(); !slices.Equal(got, s.want) {
			t.Fatalf("%s: keys %q, want %q", s.name, got, s.want)
		}
	}
	if !bytes.Equal(kr.Primary(), key(3, 24)) || len(kr.Keys()) != 2 {
		t.Errorf("primary %x keys %d", kr.Primary(), len(kr.Keys()))
	}
	kr.Keys()[0][0] = 9 // a copy: the keyring is unchanged
	if kr.Primary()[0] != 3 {
		t.Error("Keys returned the keyring's own slices")
	}
}

func TestNew(t *testing.T) {
	if _, err := New(nil); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty: %v", err)
	}
	if _, err := New([][]byte{key(1, 7)}); !errors.Is(err, ErrKeySize) {
		t.Errorf("bad size: %v", err)
	}
	kr, err := New([][]byte{key(1, 16), key(1, 16), key(2, 16)})
	if err != nil || len(kr.List()) != 2 {
		t.Errorf("duplicates kept: %v %v", kr.List(), err)
	}
}

func TestLoad(t *testing.T) {
	k1, k2 := Encode(key(1, 32)), Encode(key(2, 32))

	t.Run("nothing", func(t *testing.T) {
		kr, how, err := Load(t.TempDir(), "")
		if kr != nil || how != None || err != nil {
			t.Errorf("%v %v %v", kr, how, err)
		}
	})
	t.Run("dev mode keeps encrypt in memory", func(t *testing.T) {
		kr, how, err := Load("", k1)
		if err != nil || how != FromEncrypt || !slices.Equal(kr.List(), []string{k1}) {
			t.Errorf("%v %v %v", kr, how, err)
		}
	})
	t.Run("bad encrypt", func(t *testing.T) {
		if _, _, err := Load(t.TempDir(), "AAAA"); !errors.Is(err, ErrKeySize) {
			t.Errorf("%v", err)
		}
	})
	t.Run("encrypt seeds the file, the file wins after", func(t *testing.T) {
		dir := t.TempDir()
		kr, how, err := Load(dir, k1)
		if err != nil || how != FromEncrypt {
			t.Fatalf("%v %v", how, err)
		}
		if err := kr.Install(k2); err != nil {
			t.Fatal(err)
		}
		if err := kr.Use(k2); err != nil {
			t.Fatal(err)
		}
		// Restart with the same encrypt: the file, with k2 primary, wins.
		kr, how, err = Load(dir, k1)
		if err != nil || how != FromFile || !slices.Equal(kr.List(), []string{k2, k1}) {
			t.Fatalf("reload: %v %v %v", kr.List(), how, err)
		}
		if err := kr.Remove(k1); err != nil {
			t.Fatal(err)
		}
		kr, how, err = Load(dir, k1)
		if err != nil || how != FromFileEncryptIgnored || !slices.Equal(kr.List(), []string{k2}) {
			t.Fatalf("encrypt not in file: %v %v %v", kr.List(), how, err)
		}
		kr, how, err = Load(dir, "")
		if err != nil || how != FromFile || kr == nil {
			t.Fatalf("no encrypt: %v %v", how, err)
		}
	})
	t.Run("corrupt file is an error", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.MkdirAll(filepath.Join(dir, "serf"), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(Path(dir), []byte(`["AAAA"]`), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, _, err := Load(dir, k1); !errors.Is(err, ErrFile) {
			t.Errorf("%v", err)
		}
	})
}

func TestFileFormat(t *testing.T) {
	dir := t.TempDir()
	path := Path(dir)
	keys := [][]byte{key(1, 32), key(2, 16)}
	if err := WriteFile(path, keys); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := "[\n  \"" + Encode(keys[0]) + "\",\n  \"" + Encode(keys[1]) + "\"\n]\n"
	if string(data) != want {
		t.Errorf("file %q, want %q", data, want)
	}
	info, _ := os.Stat(path)
	if info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", info.Mode())
	}
	// Consul's initial file is compact JSON; it reads the same.
	got, err := Parse([]byte(`["` + Encode(keys[0]) + `"]`))
	if err != nil || !equal(got, keys[:1]) {
		t.Errorf("compact: %v %v", got, err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}

func TestParseErrors(t *testing.T) {
	k := Encode(key(1, 16))
	for _, tc := range []struct {
		in  string
		err error
	}{
		{``, ErrFile},
		{`{}`, ErrFile},
		{`[]`, ErrEmpty},
		{`[1]`, ErrFile},
		{`["` + k + `", "` + k + `"]`, ErrFile},
		{`["` + k + `"] []`, ErrFile},
		{`["AAAA"]`, ErrKeySize},
	} {
		if _, err := Parse([]byte(tc.in)); !errors.Is(err, tc.err) {
			t.Errorf("Parse(%q) = %v, want %v", tc.in, err, tc.err)
		}
	}
}

func TestFailedWriteLeavesKeyringUnchanged(t *testing.T) {
	dir := t.TempDir()
	kr, _, err := Load(dir, Encode(key(1, 16)))
	if err != nil {
		t.Fatal(err)
	}
	// A directory where the file should be makes the rename fail.
	if err := os.Remove(Path(dir)); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(Path(dir), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(Path(dir), "x"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := kr.Install(Encode(key(2, 16))); err == nil {
		t.Fatal("install succeeded without persisting")
	}
	if len(kr.List()) != 1 {
		t.Errorf("keys changed: %v", kr.List())
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`["` + Encode(key(1, 16)) + `"]`))
	f.Add(Marshal([][]byte{key(1, 32), key(2, 24)}))
	f.Add([]byte(`[]`))
	f.Add([]byte(`["AAAA", 1, null]`))
	f.Add([]byte(`{"keys": []}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		keys, err := Parse(data)
		if err != nil {
			return
		}
		if len(keys) == 0 {
			t.Fatal("no error and no keys")
		}
		for _, k := range keys {
			if Validate(k) != nil {
				t.Fatalf("invalid key %x accepted", k)
			}
		}
		again, err := Parse(Marshal(keys))
		if err != nil || !equal(again, keys) {
			t.Fatalf("round trip: %v %v", again, err)
		}
		if _, err := New(keys); err != nil {
			t.Fatalf("parsed keys rejected by New: %v", err)
		}
	})
}

func TestPersist(t *testing.T) {
	kr, err := New([][]byte{key(1, 16)})
	if err != nil {
		t.Fatal(err)
	}
	path := Path(t.TempDir())
	if err := kr.Persist(path); err != nil {
		t.Fatal(err)
	}
	if err := kr.Install(Encode(key(2, 16))); err != nil {
		t.Fatal(err)
	}
	keys, err := ReadFile(path)
	if err != nil || !equal(keys, [][]byte{key(1, 16), key(2, 16)}) {
		t.Errorf("file holds %x, %v", keys, err)
	}
}
