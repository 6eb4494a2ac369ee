package server

import (
	"fmt"
	"net/http"

	"github.com/gridpulse/gridpulse/auth"
)

// scopedArea is the area a request is answered for: asked (the value of
// the query field named field), which must lie inside the principal's
// area, or the principal's own area when it asks for none ("" on an open
// server: everything). Asking for an area outside it — a neighbouring
// street, or the whole district from a street's token — is 403 naming the
// field.
func scopedArea(p auth.Principal, field, asked string) (string, error) {
	if asked == "" {
		return p.Area, nil
	}
	if p.Area != "" && !p.Sees(asked) {
		return "", &Error{Status: http.StatusForbidden, Code: CodeForbidden, Field: field,
			Message: fmt.Sprintf("area %s is outside your area %s", asked, p.Area)}
	}
	return asked, nil
}
