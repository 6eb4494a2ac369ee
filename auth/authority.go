package auth

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"
	"golang.org/x/time/rate"
)

// Errors the authority answers with. Callers turn them into 401 and 429
// without saying which of name or password was wrong.
var (
	ErrBadCredentials  = errors.New("wrong user name or password")
	ErrTooManyAttempts = errors.New("too many sign-in attempts for this user; wait a minute")
	ErrBadToken        = errors.New("token is missing, expired or not valid")
	ErrUnknownKey      = errors.New("integrator key is not known")
	ErrUnknownScraper  = errors.New("scraper key is not known")
)

// Login attempts: a burst of five, then one every twelve seconds per user
// name, which stops guessing without locking out a user who mistypes.
const (
	loginBurst    = 5
	loginEvery    = 12 * time.Second
	maxLoginNames = 10_000
)

// Authority signs people in, checks their tokens and integrators' keys.
// It is safe for concurrent use.
type Authority struct {
	signer signer
	demo   bool

	mu          sync.Mutex
	users       map[string]User
	integrators map[string]*KeyHolder // by hex SHA-256 of the key
	scrapers    map[string]string     // names, by hex SHA-256 of the key
	attempts    map[string]*rate.Limiter

	// dummyHash is compared against when the user is unknown, so that a
	// wrong name takes as long as a wrong password.
	dummyHash []byte
}

// KeyHolder is an integrator signed in by its key, with its rate limit.
type KeyHolder struct {
	Principal Principal
	Limiter   *rate.Limiter
}

// New makes an authority from a checked users file and the signing key.
func New(cfg Config, key []byte) (*Authority, error) {
	if len(key) < keyBytes {
		return nil, fmt.Errorf("token key: %d bytes, want at least %d", len(key), keyBytes)
	}
	if cfg.TokenTTL == 0 {
		cfg.TokenTTL = DefaultTokenTTL
	}
	dummy, err := bcrypt.GenerateFromPassword([]byte("no such user"), passwordCost)
	if err != nil {
		return nil, fmt.Errorf("make authority: %w", err)
	}
	a := &Authority{
		signer:      signer{key: key, ttl: cfg.TokenTTL, now: time.Now},
		users:       map[string]User{},
		integrators: map[string]*KeyHolder{},
		scrapers:    map[string]string{},
		attempts:    map[string]*rate.Limiter{},
		dummyHash:   dummy,
	}
	for _, u := range cfg.Users {
		a.users[u.Name] = u
	}
	for _, k := range cfg.Integrators {
		a.integrators[k.KeySHA256] = holder(k)
	}
	for _, k := range cfg.Scrapers {
		a.scrapers[k.KeySHA256] = k.Name
	}
	return a, nil
}

func holder(k Integrator) *KeyHolder {
	return &KeyHolder{
		Principal: Principal{Name: k.Name, Role: RoleIntegrator, Area: k.Area},
		Limiter:   rate.NewLimiter(rate.Limit(k.Rate), k.Burst),
	}
}

// AddIntegrator lets key post events as k, e.g. the simulator running
// inside the server.
func (a *Authority) AddIntegrator(k Integrator, key string) {
	k.KeySHA256 = HashKey(key)
	if k.Rate == 0 {
		k.Rate = DefaultIntegratorRate
	}
	if k.Burst == 0 {
		k.Burst = DefaultIntegratorBurst
	}
	a.mu.Lock()
	a.integrators[k.KeySHA256] = holder(k)
	a.mu.Unlock()
}

// HashKey is the hex SHA-256 under which an integrator key is kept.
func HashKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// Login checks a user's password and issues a token.
func (a *Authority) Login(name, password string) (Token, Principal, error) {
	if !a.attempt(name) {
		return Token{}, Principal{}, ErrTooManyAttempts
	}
	a.mu.Lock()
	u, ok := a.users[name]
	a.mu.Unlock()
	hash := a.dummyHash
	if ok {
		hash = []byte(u.PasswordHash)
	}
	if err := bcrypt.CompareHashAndPassword(hash, []byte(password)); err != nil || !ok {
		return Token{}, Principal{}, ErrBadCredentials
	}
	p := Principal{Name: u.Name, Role: u.Role, Area: u.Area}
	t, err := a.signer.issue(p)
	return t, p, err
}

// attempt spends one of name's sign-in attempts.
func (a *Authority) attempt(name string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	l, ok := a.attempts[name]
	if !ok {
		if len(a.attempts) >= maxLoginNames {
			// Names are attacker-chosen: forget them all rather than grow.
			a.attempts = map[string]*rate.Limiter{}
		}
		l = rate.NewLimiter(rate.Every(loginEvery), loginBurst)
		a.attempts[name] = l
	}
	return l.Allow()
}

// Verify checks a token and that its bearer is still a user with the same
// role and area.
func (a *Authority) Verify(token string) (Principal, time.Time, error) {
	p, exp, err := a.signer.verify(token)
	if err != nil {
		return Principal{}, time.Time{}, fmt.Errorf("%w: %v", ErrBadToken, err)
	}
	a.mu.Lock()
	u, ok := a.users[p.Name]
	a.mu.Unlock()
	if !ok || u.Role != p.Role || u.Area != p.Area {
		return Principal{}, time.Time{}, fmt.Errorf("%w: user %s has changed", ErrBadToken, p.Name)
	}
	return p, exp, nil
}

// Renew issues a fresh token to the bearer of a valid one.
func (a *Authority) Renew(token string) (Token, Principal, error) {
	p, _, err := a.Verify(token)
	if err != nil {
		return Token{}, Principal{}, err
	}
	t, err := a.signer.issue(p)
	return t, p, err
}

// Integrator is the integrator whose key this is.
func (a *Authority) Integrator(key string) (*KeyHolder, error) {
	if key == "" {
		return nil, ErrUnknownKey
	}
	a.mu.Lock()
	k, ok := a.integrators[HashKey(key)]
	a.mu.Unlock()
	if !ok {
		return nil, ErrUnknownKey
	}
	return k, nil
}

// Scraper is the name of the scraper whose key this is.
func (a *Authority) Scraper(key string) (string, error) {
	if key == "" {
		return "", ErrUnknownScraper
	}
	a.mu.Lock()
	name, ok := a.scrapers[HashKey(key)]
	a.mu.Unlock()
	if !ok {
		return "", ErrUnknownScraper
	}
	return name, nil
}

// Users are the configured users, for checking their areas at start.
func (a *Authority) Users() []User {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]User, 0, len(a.users))
	for _, u := range a.users {
		out = append(out, u)
	}
	return out
}

// AddUser lets one more user sign in with password, e.g. the simulator
// running inside the server as a dispatcher. The password is meant to be
// random and long, so the fastest bcrypt cost is enough.
func (a *Authority) AddUser(u User, password string) error {
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if err != nil {
		return fmt.Errorf("add user %s: %w", u.Name, err)
	}
	u.PasswordHash = string(hash)
	a.mu.Lock()
	a.users[u.Name] = u
	a.mu.Unlock()
	return nil
}
