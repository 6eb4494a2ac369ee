package auth

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/bcrypt"
)

// passwordCost is the bcrypt work factor of new hashes: about a quarter
// of a second on one core, above OWASP's minimum of 10.
const passwordCost = 12

// HashPassword returns the bcrypt hash the users file keeps.
func HashPassword(password string) (string, error) {
	if len(password) < 8 {
		return "", errors.New("password: want at least 8 characters")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), passwordCost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// checkHash refuses what is not a bcrypt hash, so that a plain password
// pasted into the file fails at start instead of at every login.
func checkHash(h string) error {
	if !strings.HasPrefix(h, "$2") {
		return errors.New("want a bcrypt hash ($2a$/$2b$…), as `gridpulse users hash` prints")
	}
	if _, err := bcrypt.Cost([]byte(h)); err != nil {
		return fmt.Errorf("not a bcrypt hash: %w", err)
	}
	return nil
}
