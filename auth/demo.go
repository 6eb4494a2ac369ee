package auth

import (
	"fmt"
	"slices"

	"golang.org/x/crypto/bcrypt"
)

// DemoKey is the integrator key of a demo server, printed in the README
// for trying ingest with curl. A server run with a users file has no such
// key.
const DemoKey = "gridpulse-demo-key"

// DemoPassword is every demo user's password; the login page shows it.
const DemoPassword = "demo"

// DemoAreas are the codes the demo users are scoped to.
type DemoAreas struct {
	District, Street, Community string
}

// DemoConfig is a users file for trying the dashboard: one user per role,
// all with the password "demo", and one integrator key. Never for a real
// deployment: anyone who reads the login page can sign in.
func DemoConfig(areas DemoAreas) (Config, error) {
	// The lowest cost: the password is public anyway, and start-up stays fast.
	hash, err := bcrypt.GenerateFromPassword([]byte(DemoPassword), bcrypt.MinCost)
	if err != nil {
		return Config{}, fmt.Errorf("demo users: %w", err)
	}
	user := func(name string, r Role, area string) User {
		return User{Name: name, Role: r, Area: area, PasswordHash: string(hash), Password: DemoPassword}
	}
	c := Config{
		Users: []User{
			user("demo-command", RoleCommand, areas.District),
			user("demo-dispatcher", RoleDispatcher, areas.District),
			user("demo-street", RoleStreet, areas.Street),
			user("demo-community", RoleCommunity, areas.Community),
		},
		// The simulator at a speed-up and the load test post far more than
		// a real source.
		Integrators: []Integrator{{Name: "demo-ingest", KeySHA256: HashKey(DemoKey), Rate: 100_000, Burst: 100_000}},
	}
	if err := c.Check(); err != nil {
		return Config{}, fmt.Errorf("demo users: %w", err)
	}
	return c, nil
}

// DemoUsers are the demo users a demo authority signs in, in role order;
// nil when the authority is not a demo.
func (a *Authority) DemoUsers() []User {
	if !a.demo {
		return nil
	}
	// Users added while running (the simulator's) are not demo accounts.
	us := slices.DeleteFunc(a.Users(), func(u User) bool { return u.Password == "" })
	slices.SortFunc(us, func(x, y User) int {
		return slices.Index(Roles, x.Role) - slices.Index(Roles, y.Role)
	})
	return us
}

// NewDemo makes a demo authority: DemoConfig's users, listed by DemoUsers
// for the login page.
func NewDemo(areas DemoAreas, key []byte) (*Authority, error) {
	cfg, err := DemoConfig(areas)
	if err != nil {
		return nil, err
	}
	a, err := New(cfg, key)
	if err != nil {
		return nil, err
	}
	a.demo = true
	return a, nil
}
