package main

import (
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/auth"
	"github.com/gridpulse/gridpulse/seed/simulate"
)

// errNoUsers is serve's answer when it is given neither users nor --demo:
// it never serves residents' complaints to whoever asks.
var errNoUsers = errors.New("no users: pass --users FILE (see docs/access.md) or --demo for a demo with one-click sign-in")

// accessControl builds the server's authority from the users file, or the
// demo users when o.demo, checking that every user's area exists.
func accessControl(o serveOptions, set *area.Set) (*auth.Authority, error) {
	keyPath := o.authKey
	if keyPath == "" {
		keyPath = filepath.Join(o.data, "auth.key")
	}
	key, err := auth.LoadOrCreateKey(keyPath)
	if err != nil {
		return nil, err
	}
	if o.demo {
		areas, err := demoAreas(set)
		if err != nil {
			return nil, err
		}
		slog.Warn("demo sign-in: anyone may sign in as any demo user with the password shown on the login page", "street", areas.Street, "community", areas.Community)
		return auth.NewDemo(areas, key)
	}
	if o.users == "" {
		return nil, errNoUsers
	}
	cfg, err := auth.LoadConfig(o.users)
	if err != nil {
		return nil, err
	}
	for _, u := range cfg.Users {
		if err := checkUserArea(u, set); err != nil {
			return nil, fmt.Errorf("users file %s: %w", o.users, err)
		}
	}
	slog.Info("access control", "users", len(cfg.Users), "integrators", len(cfg.Integrators), "token_ttl", cfg.TokenTTL)
	return auth.New(cfg, key)
}

// checkUserArea refuses a user whose area is not in the areas, or not of
// the layer their role watches over.
func checkUserArea(u auth.User, set *area.Set) error {
	want := map[auth.Role][]area.Layer{
		auth.RoleCommand:    {area.District},
		auth.RoleDispatcher: {area.District, area.Street, area.Community},
		auth.RoleStreet:     {area.Street},
		auth.RoleCommunity:  {area.Community},
	}[u.Role]
	for _, l := range want {
		if _, ok := set.Get(l, u.Area); ok {
			return nil
		}
	}
	return fmt.Errorf("user %s: area %s is not a %v of the loaded areas", u.Name, u.Area, want)
}

// demoAreas picks the demo users' areas: the first district, its first
// street and that street's first community.
func demoAreas(set *area.Set) (auth.DemoAreas, error) {
	districts := set.Layer(area.District)
	if len(districts) == 0 {
		return auth.DemoAreas{}, errors.New("demo users: the areas have no district")
	}
	d := districts[0].Code
	streets := set.Children(area.Street, d)
	if len(streets) == 0 {
		return auth.DemoAreas{}, fmt.Errorf("demo users: district %s has no street", d)
	}
	communities := set.Children(area.Community, streets[0].Code)
	if len(communities) == 0 {
		return auth.DemoAreas{}, fmt.Errorf("demo users: street %s has no community", streets[0].Code)
	}
	return auth.DemoAreas{District: d, Street: streets[0].Code, Community: communities[0].Code}, nil
}

// simulatorAccess lets the in-process simulator post events with an
// integrator key of its own and take dispatch actions as a dispatcher of
// the whole district, with random secrets that never leave the process.
func simulatorAccess(a *auth.Authority, set *area.Set, baseURL string) (key string, login *simulate.Login, err error) {
	districts := set.Layer(area.District)
	if len(districts) == 0 {
		return "", nil, errors.New("simulator: the areas have no district")
	}
	key, password := rand.Text(), rand.Text()
	a.AddIntegrator(auth.Integrator{Name: "simulator", Rate: 100_000, Burst: 100_000}, key)
	u := auth.User{Name: "simulator", Role: auth.RoleDispatcher, Area: districts[0].Code}
	if err := a.AddUser(u, password); err != nil {
		return "", nil, err
	}
	return key, &simulate.Login{BaseURL: baseURL, User: u.Name, Password: password}, nil
}
