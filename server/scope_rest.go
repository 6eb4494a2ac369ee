package server

import (
	"fmt"
	"strings"

	"github.com/gridpulse/gridpulse/auth"
)

// notFoundIn is the message of a 404 for a thing asked for by its code or
// id: the same whether the thing is missing or lies outside the caller's
// area scope, so a refusal tells nothing of other areas.
func notFoundIn(scope, format string, args ...any) string {
	msg := fmt.Sprintf(format, args...)
	if scope != "" {
		msg += " in your area " + scope
	}
	return msg
}

// mayName reports whether the area with this code may be named to p: it
// lies in p's area, or is one of the areas holding it (the district of a
// street leader, the street and district of a community secretary), whose
// names frame p's own.
func mayName(p auth.Principal, code string) bool {
	return p.Sees(code) || (code != "" && strings.HasPrefix(p.Area, code))
}
