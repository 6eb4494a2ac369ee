// Package auth says who is asking and what they may see: users and their
// roles from a configuration file, integrator keys for senders of events,
// signed expiring tokens, and the area scope every answer is cut to.
package auth

import (
	"context"
	"fmt"
	"strings"
)

// Role is what a user does in the command centre; it decides what they may
// do, while their area decides what they may see.
type Role string

// The roles. An integrator is a system that posts events (a 12345 hotline
// bridge, a sensor platform), not a person.
const (
	RoleCommand    Role = "command"    // 区指挥中心: the whole district
	RoleStreet     Role = "street"     // 街道: one street
	RoleCommunity  Role = "community"  // 社区书记: one community
	RoleDispatcher Role = "dispatcher" // 派单员/值班员: acts on orders in its area
	RoleIntegrator Role = "integrator" // a source of events, by key
)

// Roles are the roles a user in the configuration file may have, in the
// order the login page lists them.
var Roles = []Role{RoleCommand, RoleStreet, RoleCommunity, RoleDispatcher}

// ParseRole reads a user's role.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	return "", fmt.Errorf("role %q is not one of command, street, community, dispatcher", s)
}

// Principal is who a request speaks for.
type Principal struct {
	Name string `json:"name"`
	Role Role   `json:"role"`
	// Area is the code of the area the principal may see: the district for
	// the command centre, a street or a community for the others.
	Area string `json:"area"`
}

// Sender is how the events the principal hands in name who sent them
// (event.Event.Sender): "integrator:<name>" for an integrator's key,
// "user:<name>" for anyone signed in.
func (p Principal) Sender() string {
	if p.Role == RoleIntegrator {
		return "integrator:" + p.Name
	}
	return "user:" + p.Name
}

// Sees tells whether code names an area inside the principal's scope.
// Area codes are hierarchical (a community's code begins with its
// street's), so this is a prefix test.
func (p Principal) Sees(code string) bool {
	return code != "" && strings.HasPrefix(code, p.Area)
}

// CanAct tells whether the principal may move work orders through their
// life cycle (dispatch, escalate, close). Street leaders and community
// secretaries watch; the command centre and dispatchers act.
func (p Principal) CanAct() bool {
	return p.Role == RoleCommand || p.Role == RoleDispatcher
}

// IsPerson tells whether the principal is a user rather than an
// integrator key.
func (p Principal) IsPerson() bool { return p.Role != RoleIntegrator && p.Role != "" }

type principalKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext is the principal ctx carries, if any.
func FromContext(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}
