package auth

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/crypto/bcrypt"
)

var testKey = []byte("0123456789abcdef0123456789abcdef")

func fastHash(t *testing.T, pw string) string {
	t.Helper()
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	return string(h)
}

func testAuthority(t *testing.T) *Authority {
	t.Helper()
	cfg := Config{Users: []User{
		{Name: "wang", Role: RoleStreet, Area: "510116001", PasswordHash: fastHash(t, "street-pass")},
		{Name: "li", Role: RoleCommand, Area: "510116", PasswordHash: fastHash(t, "command-pass")},
	}, Integrators: []Integrator{{Name: "hotline", KeySHA256: HashKey("hotline-key"), Rate: 10, Burst: 20}},
		Scrapers: []Scraper{{Name: "prometheus", KeySHA256: HashKey("prometheus-key")}}}
	if err := cfg.Check(); err != nil {
		t.Fatal(err)
	}
	a, err := New(cfg, testKey)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestSees(t *testing.T) {
	street := Principal{Role: RoleStreet, Area: "510116001"}
	tests := []struct {
		code string
		want bool
	}{
		{"510116001", true},
		{"510116001002", true},     // a community of the street
		{"5101160010020003", true}, // a compound
		{"510116002", false},       // the next street
		{"510116002001", false},
		{"510116", false}, // the district above
		{"", false},
	}
	for _, tt := range tests {
		if got := street.Sees(tt.code); got != tt.want {
			t.Errorf("street 510116001 sees %q = %v, want %v", tt.code, got, tt.want)
		}
	}
}

func TestSender(t *testing.T) {
	tests := []struct {
		p    Principal
		want string
	}{
		{Principal{Name: "hotline", Role: RoleIntegrator}, "integrator:hotline"},
		{Principal{Name: "wang", Role: RoleDispatcher}, "user:wang"},
		{Principal{Name: "li", Role: RoleStreet}, "user:li"},
	}
	for _, tt := range tests {
		if got := tt.p.Sender(); got != tt.want {
			t.Errorf("%s as %s sends as %q, want %q", tt.p.Name, tt.p.Role, got, tt.want)
		}
	}
}

func TestLoginAndVerify(t *testing.T) {
	a := testAuthority(t)
	tok, p, err := a.Login("wang", "street-pass")
	if err != nil {
		t.Fatal(err)
	}
	if p != (Principal{Name: "wang", Role: RoleStreet, Area: "510116001"}) {
		t.Errorf("principal %+v", p)
	}
	got, exp, err := a.Verify(tok.Value)
	if err != nil || got != p {
		t.Fatalf("verify: %+v, %v", got, err)
	}
	if d := time.Until(exp); d < DefaultTokenTTL-time.Minute || d > DefaultTokenTTL {
		t.Errorf("expires in %v, want about %v", d, DefaultTokenTTL)
	}
	for _, tt := range []struct{ name, user, pw string }{
		{"wrong password", "wang", "nope"},
		{"unknown user", "nobody", "street-pass"},
		{"empty password", "li", ""},
	} {
		if _, _, err := a.Login(tt.user, tt.pw); !errors.Is(err, ErrBadCredentials) {
			t.Errorf("%s: err %v, want ErrBadCredentials", tt.name, err)
		}
	}
}

func TestVerifyRefuses(t *testing.T) {
	a := testAuthority(t)
	good, _, err := a.Login("li", "command-pass")
	if err != nil {
		t.Fatal(err)
	}
	sign := func(method jwt.SigningMethod, key any, c claims) string {
		s, err := jwt.NewWithClaims(method, c).SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	now := time.Now()
	valid := func(sub string, r Role, area string) claims {
		return claims{Role: r, Area: area, RegisteredClaims: jwt.RegisteredClaims{Issuer: issuer, Subject: sub,
			IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(time.Hour))}}
	}
	expired := valid("li", RoleCommand, "510116")
	expired.ExpiresAt = jwt.NewNumericDate(now.Add(-time.Minute))
	otherIssuer := valid("li", RoleCommand, "510116")
	otherIssuer.Issuer = "elsewhere"
	noExpiry := valid("li", RoleCommand, "510116")
	noExpiry.ExpiresAt = nil
	tests := []struct{ name, token string }{
		{"empty", ""},
		{"garbage", "not.a.token"},
		{"tampered", good.Value[:len(good.Value)-2] + "xx"},
		{"other key", sign(jwt.SigningMethodHS256, []byte("another key of thirty-two bytes!"), valid("li", RoleCommand, "510116"))},
		{"alg none", sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, valid("li", RoleCommand, "510116"))},
		{"expired", sign(jwt.SigningMethodHS256, testKey, expired)},
		{"no expiry", sign(jwt.SigningMethodHS256, testKey, noExpiry)},
		{"other issuer", sign(jwt.SigningMethodHS256, testKey, otherIssuer)},
		// A street leader's token rewritten to the whole district.
		{"widened area", sign(jwt.SigningMethodHS256, testKey, valid("wang", RoleStreet, "510116"))},
		{"raised role", sign(jwt.SigningMethodHS256, testKey, valid("wang", RoleCommand, "510116001"))},
		{"removed user", sign(jwt.SigningMethodHS256, testKey, valid("zhao", RoleCommand, "510116"))},
	}
	for _, tt := range tests {
		if _, _, err := a.Verify(tt.token); !errors.Is(err, ErrBadToken) {
			t.Errorf("%s: err %v, want ErrBadToken", tt.name, err)
		}
	}
	if _, _, err := a.Verify(good.Value); err != nil {
		t.Errorf("the good token: %v", err)
	}
}

func TestLoginAttemptsAreLimitedPerUser(t *testing.T) {
	a := testAuthority(t)
	for i := range loginBurst {
		if _, _, err := a.Login("wang", "guess"); !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("attempt %d: %v", i+1, err)
		}
	}
	if _, _, err := a.Login("wang", "street-pass"); !errors.Is(err, ErrTooManyAttempts) {
		t.Errorf("after %d wrong guesses the right password: %v, want ErrTooManyAttempts", loginBurst, err)
	}
	if _, _, err := a.Login("li", "command-pass"); err != nil {
		t.Errorf("another user is not held up: %v", err)
	}
}

func TestIntegratorKeys(t *testing.T) {
	a := testAuthority(t)
	k, err := a.Integrator("hotline-key")
	if err != nil {
		t.Fatal(err)
	}
	if k.Principal.Role != RoleIntegrator || k.Principal.Name != "hotline" || k.Limiter.Burst() != 20 {
		t.Errorf("holder %+v burst %d", k.Principal, k.Limiter.Burst())
	}
	for _, key := range []string{"", "hotline-kez", "HOTLINE-KEY"} {
		if _, err := a.Integrator(key); !errors.Is(err, ErrUnknownKey) {
			t.Errorf("key %q: %v, want ErrUnknownKey", key, err)
		}
	}
	// A key is not a token and a token is not a key.
	if _, _, err := a.Verify("hotline-key"); !errors.Is(err, ErrBadToken) {
		t.Errorf("a key as token: %v", err)
	}
}

func TestScraperKeys(t *testing.T) {
	a := testAuthority(t)
	if name, err := a.Scraper("prometheus-key"); err != nil || name != "prometheus" {
		t.Errorf("scraper key: %q, %v", name, err)
	}
	// Each key opens only its own door.
	for _, key := range []string{"", "prometheus-kez", "hotline-key"} {
		if _, err := a.Scraper(key); !errors.Is(err, ErrUnknownScraper) {
			t.Errorf("key %q as a scraper's: %v, want ErrUnknownScraper", key, err)
		}
	}
	if _, err := a.Integrator("prometheus-key"); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("a scraper key as an integrator's: %v", err)
	}
	if _, _, err := a.Verify("prometheus-key"); !errors.Is(err, ErrBadToken) {
		t.Errorf("a scraper key as token: %v", err)
	}
}

func TestConfigCheck(t *testing.T) {
	hash := fastHash(t, "password")
	user := func(mod func(*User)) Config {
		u := User{Name: "wang", Role: RoleStreet, Area: "510116001", PasswordHash: hash}
		mod(&u)
		return Config{Users: []User{u}}
	}
	tests := []struct {
		name string
		cfg  Config
		want string // in the error; "" for none
	}{
		{"good", user(func(*User) {}), ""},
		{"bad name", user(func(u *User) { u.Name = "Wang Wei" }), "users[0].name"},
		{"bad role", user(func(u *User) { u.Role = "admin" }), "users[0].role"},
		{"no area", user(func(u *User) { u.Area = "" }), "users[0].area"},
		{"plain password", user(func(u *User) { u.PasswordHash = "secret123" }), "users[0].password_hash"},
		{"twice", Config{Users: []User{
			{Name: "a", Role: RoleCommand, Area: "510116", PasswordHash: hash},
			{Name: "a", Role: RoleCommand, Area: "510116", PasswordHash: hash}}}, "appears twice"},
		{"short key hash", Config{Integrators: []Integrator{{Name: "k", KeySHA256: "abcd"}}}, "integrators[0].key_sha256"},
		{"negative rate", Config{Integrators: []Integrator{{Name: "k", KeySHA256: HashKey("x"), Rate: -1}}}, "rate"},
		{"scraper", Config{Users: user(func(*User) {}).Users, Scrapers: []Scraper{{Name: "prometheus", KeySHA256: HashKey("x")}}}, ""},
		{"scraper key hash", Config{Users: user(func(*User) {}).Users, Scrapers: []Scraper{{Name: "prometheus", KeySHA256: "x"}}}, "scrapers[0].key_sha256"},
		{"scraper named like a user", Config{Users: user(func(*User) {}).Users, Scrapers: []Scraper{{Name: "wang", KeySHA256: HashKey("x")}}}, "appears twice"},
		{"empty", Config{}, "no users"},
		{"token ttl too long", Config{TokenTTL: 30 * 24 * time.Hour, Users: user(func(*User) {}).Users}, "token_ttl"},
	}
	for _, tt := range tests {
		err := tt.cfg.Check()
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: err %v, want one naming %q", tt.name, err, tt.want)
		}
	}
}

func TestLoadConfigFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "users.yaml")
	body := "token_ttl: 8h\nusers:\n  - name: wang\n    role: street\n    area: \"510116001\"\n    password_hash: \"" + fastHash(t, "password") + "\"\n" +
		"integrators:\n  - name: hotline\n    key_sha256: " + HashKey("k") + "\n"
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.TokenTTL != 8*time.Hour || len(cfg.Users) != 1 || cfg.Integrators[0].Rate != DefaultIntegratorRate {
		t.Errorf("loaded %+v", cfg)
	}
	if err := os.WriteFile(path, []byte("users: [\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadConfig(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("broken YAML: %v", err)
	}
}

func TestKeyFileIsMadeOnceAndPrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "auth.key")
	k1, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	k2, err := LoadOrCreateKey(path)
	if err != nil || string(k1) != string(k2) || len(k1) != keyBytes {
		t.Fatalf("second load: %v, same %v", err, string(k1) == string(k2))
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, %v", st.Mode(), err)
	}
	if err := os.WriteFile(path, []byte("short"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateKey(path); err == nil {
		t.Error("a short key was taken")
	}
}

func TestDemoAuthority(t *testing.T) {
	a, err := NewDemo(DemoAreas{District: "510116", Street: "510116001", Community: "510116001001"}, testKey)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.AddUser(User{Name: "simulator", Role: RoleDispatcher, Area: "510116"}, "random-secret"); err != nil {
		t.Fatal(err)
	}
	us := a.DemoUsers()
	if len(us) != 4 || us[0].Role != RoleCommand || us[3].Role != RoleDispatcher {
		t.Fatalf("demo users %+v", us)
	}
	for _, u := range us {
		if _, p, err := a.Login(u.Name, DemoPassword); err != nil || p.Area != u.Area {
			t.Errorf("%s: %v %+v", u.Name, err, p)
		}
	}
	if _, err := a.Integrator(DemoKey); err != nil {
		t.Errorf("demo key: %v", err)
	}
	if plain := testAuthority(t); plain.DemoUsers() != nil {
		t.Error("a users-file authority lists demo users")
	}
}
