package simulate

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// withKey is h with an integrator key as its bearer; an empty key leaves
// h as it is.
func withKey(h http.Header, key string) http.Header {
	if key == "" {
		return h
	}
	return withBearer(h, key)
}

// withBearer is a copy of h carrying token as Authorization: Bearer.
func withBearer(h http.Header, token string) http.Header {
	out := h.Clone()
	if out == nil {
		out = http.Header{}
	}
	out.Set("Authorization", "Bearer "+token)
	return out
}

// Login signs in to a server as one user and keeps a current token, for
// the dispatch actions of a long run.
type Login struct {
	BaseURL, User, Password string
	Client                  *http.Client

	mu      sync.Mutex
	token   string
	expires time.Time
}

// renewBefore is how long before its expiry a token is replaced.
const renewBefore = 10 * time.Minute

// Token is a token valid for at least a few minutes more, signing in again
// when the last one is near its end.
func (l *Login) Token(ctx context.Context) (string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.token != "" && time.Until(l.expires) > renewBefore {
		return l.token, nil
	}
	body, err := json.Marshal(map[string]string{"user": l.User, "password": l.Password})
	if err != nil {
		return "", err
	}
	client := l.Client
	if client == nil {
		client = http.DefaultClient
	}
	var status int
	var data []byte
	for {
		status, data, _, err = request(ctx, client, nil, http.MethodPost, strings.TrimRight(l.BaseURL, "/")+"/api/v1/login", body, 64<<10)
		if err != nil {
			return "", fmt.Errorf("sign in as %s: %w", l.User, err)
		}
		if status != http.StatusServiceUnavailable {
			break
		}
		// The server is still starting.
		if err := sleepCtx(ctx, time.Second); err != nil {
			return "", fmt.Errorf("sign in as %s: %w", l.User, err)
		}
	}
	if status != http.StatusOK {
		return "", fmt.Errorf("sign in as %s: %d %s", l.User, status, bytes.TrimSpace(data))
	}
	var ans struct {
		Token   string    `json:"token"`
		Expires time.Time `json:"expires"`
	}
	if err := json.Unmarshal(data, &ans); err != nil || ans.Token == "" {
		return "", fmt.Errorf("sign in as %s: unreadable answer %q", l.User, data)
	}
	l.token, l.expires = ans.Token, ans.Expires
	return l.token, nil
}
