package auth

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// issuer names this system in its tokens, so that a token signed for
// another service with a shared key is refused.
const issuer = "gridpulse"

// keyBytes is the size of the signing key: HS256 wants at least 256 bits.
const keyBytes = 32

// Token is a signed bearer token and when it stops being valid.
type Token struct {
	Value   string    `json:"token"`
	Expires time.Time `json:"expires"`
}

// claims are what a token says about its bearer. The role and area are
// checked again against the users file at every request, so changing or
// removing a user takes effect at once.
type claims struct {
	Role Role   `json:"role"`
	Area string `json:"area"`
	jwt.RegisteredClaims
}

// signer issues and verifies tokens with one HMAC key.
type signer struct {
	key []byte
	ttl time.Duration
	now func() time.Time
}

func (s signer) issue(p Principal) (Token, error) {
	now := s.now()
	exp := now.Add(s.ttl)
	c := claims{Role: p.Role, Area: p.Area, RegisteredClaims: jwt.RegisteredClaims{
		Issuer:    issuer,
		Subject:   p.Name,
		IssuedAt:  jwt.NewNumericDate(now),
		NotBefore: jwt.NewNumericDate(now),
		ExpiresAt: jwt.NewNumericDate(exp),
	}}
	v, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(s.key)
	if err != nil {
		return Token{}, fmt.Errorf("sign token: %w", err)
	}
	return Token{Value: v, Expires: exp.UTC().Truncate(time.Second)}, nil
}

func (s signer) verify(token string) (Principal, time.Time, error) {
	var c claims
	_, err := jwt.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) { return s.key, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(issuer),
		jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(s.now),
	)
	if err != nil {
		return Principal{}, time.Time{}, err
	}
	return Principal{Name: c.Subject, Role: c.Role, Area: c.Area}, c.ExpiresAt.Time, nil
}

// LoadOrCreateKey reads the token signing key at path, creating a random
// one (mode 0600) the first time. Every process of one deployment must
// share it.
func LoadOrCreateKey(path string) ([]byte, error) {
	key, err := os.ReadFile(path)
	if err == nil {
		if len(key) < keyBytes {
			return nil, fmt.Errorf("token key %s: %d bytes, want at least %d", path, len(key), keyBytes)
		}
		return key, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read token key: %w", err)
	}
	key = make([]byte, keyBytes)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("make token key: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("make token key: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		// Another process made it between our read and our create.
		return LoadOrCreateKey(path)
	}
	if err != nil {
		return nil, fmt.Errorf("make token key: %w", err)
	}
	if _, err := f.Write(key); err != nil {
		f.Close()
		return nil, fmt.Errorf("write token key: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, fmt.Errorf("write token key: %w", err)
	}
	return key, f.Close()
}
