package auth

import (
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"regexp"
	"time"

	"go.yaml.in/yaml/v3"
)

// Config is the users file: the people who may sign in and the systems
// that may post events. It holds hashes only, never a password or a key.
type Config struct {
	// TokenTTL is how long a signed token stays valid; the page renews it
	// before then. Default 12 h, one shift.
	TokenTTL time.Duration `yaml:"token_ttl"`
	Users    []User        `yaml:"users"`
	// Integrators are the sources of events, one key each.
	Integrators []Integrator `yaml:"integrators"`
	// Scrapers are the monitoring systems that read /metrics, one key each.
	Scrapers []Scraper `yaml:"scrapers"`
}

// User is a person who signs in.
type User struct {
	Name string `yaml:"name"`
	Role Role   `yaml:"role"`
	// Area is the code of the area the user sees: the district, a street or
	// a community.
	Area string `yaml:"area"`
	// PasswordHash is a bcrypt hash, as `gridpulse users hash` writes it.
	PasswordHash string `yaml:"password_hash"`
	// Password is set only for demo users, whose password the login page
	// shows; it is never read from the users file.
	Password string `yaml:"-"`
}

// Integrator is a system that posts events with a key of its own.
type Integrator struct {
	Name string `yaml:"name"`
	// KeySHA256 is the hex SHA-256 of the key, as `gridpulse users key`
	// writes it. Keys are long random strings, so a fast hash is enough.
	KeySHA256 string `yaml:"key_sha256"`
	// Area is the area whose events the key may post; empty posts anywhere.
	Area string `yaml:"area"`
	// Rate is how many events a second the key may post on average, Burst
	// how many at once; a burst below one full batch would refuse it.
	Rate  float64 `yaml:"rate"`
	Burst int     `yaml:"burst"`
}

// Scraper is a monitoring system (Prometheus, say) that reads the
// server's metrics with a key of its own and may do nothing else.
type Scraper struct {
	Name string `yaml:"name"`
	// KeySHA256 is the hex SHA-256 of the key, as for integrators.
	KeySHA256 string `yaml:"key_sha256"`
}

// Defaults of the users file.
const (
	DefaultTokenTTL        = 12 * time.Hour
	DefaultIntegratorRate  = 200
	DefaultIntegratorBurst = 10_000
)

var (
	namePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)
	codePattern = regexp.MustCompile(`^[0-9]{6,19}$`)
)

// LoadConfig reads and checks a users file.
func LoadConfig(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("read users file: %w", err)
	}
	var c Config
	if err := yaml.Unmarshal(data, &c); err != nil {
		return Config{}, fmt.Errorf("users file %s: %w", path, err)
	}
	if err := c.Check(); err != nil {
		return Config{}, fmt.Errorf("users file %s: %w", path, err)
	}
	return c, nil
}

// Check fills defaults and refuses a file that would let the wrong person
// in: a missing area, an unknown role, a name twice, a malformed hash.
func (c *Config) Check() error {
	if c.TokenTTL == 0 {
		c.TokenTTL = DefaultTokenTTL
	}
	if c.TokenTTL < time.Minute || c.TokenTTL > 7*24*time.Hour {
		return fmt.Errorf("token_ttl %v is outside 1m..168h", c.TokenTTL)
	}
	names := map[string]bool{}
	for i := range c.Users {
		u := &c.Users[i]
		where := fmt.Sprintf("users[%d]", i)
		if err := claimName(names, where, u.Name); err != nil {
			return err
		}
		if _, err := ParseRole(string(u.Role)); err != nil {
			return fmt.Errorf("%s.role: %w", where, err)
		}
		if !codePattern.MatchString(u.Area) {
			return fmt.Errorf("%s.area %q: want an area code", where, u.Area)
		}
		if err := checkHash(u.PasswordHash); err != nil {
			return fmt.Errorf("%s.password_hash: %w", where, err)
		}
	}
	for i := range c.Integrators {
		k := &c.Integrators[i]
		where := fmt.Sprintf("integrators[%d]", i)
		if err := claimName(names, where, k.Name); err != nil {
			return err
		}
		if err := checkKeyHash(k.KeySHA256); err != nil {
			return fmt.Errorf("%s.key_sha256: %w", where, err)
		}
		if k.Area != "" && !codePattern.MatchString(k.Area) {
			return fmt.Errorf("%s.area %q: want an area code", where, k.Area)
		}
		if k.Rate == 0 {
			k.Rate = DefaultIntegratorRate
		}
		if k.Burst == 0 {
			k.Burst = DefaultIntegratorBurst
		}
		if k.Rate < 0 || k.Burst < 1 {
			return fmt.Errorf("%s: rate and burst must be positive", where)
		}
	}
	for i, k := range c.Scrapers {
		where := fmt.Sprintf("scrapers[%d]", i)
		if err := claimName(names, where, k.Name); err != nil {
			return err
		}
		if err := checkKeyHash(k.KeySHA256); err != nil {
			return fmt.Errorf("%s.key_sha256: %w", where, err)
		}
	}
	if len(c.Users) == 0 && len(c.Integrators) == 0 {
		return errors.New("no users and no integrators")
	}
	return nil
}

func checkKeyHash(h string) error {
	if b, err := hex.DecodeString(h); err != nil || len(b) != 32 {
		return errors.New("want 64 hex digits")
	}
	return nil
}

// claimName checks a user's or integrator's name and that no one else in
// the file has it: the logs and the audit name them.
func claimName(names map[string]bool, where, name string) error {
	if !namePattern.MatchString(name) {
		return fmt.Errorf("%s.name %q: want 1-64 of a-z, 0-9, '.', '_', '-'", where, name)
	}
	if names[name] {
		return fmt.Errorf("%s.name %q appears twice", where, name)
	}
	names[name] = true
	return nil
}
