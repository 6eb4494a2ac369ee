package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gridpulse/gridpulse/auth"
)

func TestUsersKeyPrintsAnEntryThatLetsTheKeyIn(t *testing.T) {
	key, a := printedKey(t, "hotline-12345", false)
	if k, err := a.Integrator(key); err != nil || k.Principal.Name != "hotline-12345" {
		t.Errorf("the printed key is not let in: %v", err)
	}
	if err := usersKey(io.Discard, "Not A Name", false); err == nil {
		t.Error("a bad name was taken")
	}
}

func TestUsersKeyPrintsAScraperEntry(t *testing.T) {
	key, a := printedKey(t, "prometheus", true)
	if name, err := a.Scraper(key); err != nil || name != "prometheus" {
		t.Errorf("the printed key is not let in as a scraper: %q, %v", name, err)
	}
	if _, err := a.Integrator(key); err == nil {
		t.Error("a scraper's key posts events")
	}
}

// printedKey runs users key and loads the entry it printed as a users
// file (beside an integrator for a scraper's, since a file must let
// someone in), returning the key and the authority of that file.
func printedKey(t *testing.T, name string, scraper bool) (string, *auth.Authority) {
	t.Helper()
	var out bytes.Buffer
	if err := usersKey(&out, name, scraper); err != nil {
		t.Fatal(err)
	}
	key := regexp.MustCompile(`it is not kept\): (\S+)`).FindStringSubmatch(out.String())
	if key == nil {
		t.Fatalf("no key in %q", out.String())
	}
	entry := out.String()[strings.Index(out.String(), "\n\n")+2:]
	if scraper {
		entry = "integrators:\n  - name: hotline\n    key_sha256: " + auth.HashKey("hotline-key") + "\n" + entry
	}
	path := filepath.Join(t.TempDir(), "users.yaml")
	if err := os.WriteFile(path, []byte(entry), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := auth.LoadConfig(path)
	if err != nil {
		t.Fatalf("the printed entry does not load: %v\n%s", err, entry)
	}
	a, err := auth.New(cfg, bytes.Repeat([]byte("k"), 32))
	if err != nil {
		t.Fatal(err)
	}
	return key[1], a
}

func TestUsersCheck(t *testing.T) {
	data := tinyData(t)
	good := "users:\n  - {name: s, role: street, area: \"%s\", password_hash: \"$2a$04$e0Tf3mjbZsUH3vY2tObjUOrbkJMEpyl2OAKOwGRN8pRDcC.v6Pnyq\"}\n"
	tests := []struct {
		name, area, role string
		wantErr          string
	}{
		{"a street", "510116001", "street", ""},
		{"no such street", "510116099", "street", "not a"},
		{"a community as street", "510116001001", "street", "not a"},
	}
	for _, tt := range tests {
		body := strings.Replace(strings.Replace(good, "%s", tt.area, 1), "role: street", "role: "+tt.role, 1)
		path := filepath.Join(t.TempDir(), "u.yaml")
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		err := usersCheck(&bytes.Buffer{}, []string{path, "--data", data})
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("%s: %v, want %q", tt.name, err, tt.wantErr)
		}
	}
}
