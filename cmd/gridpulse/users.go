package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/term"

	"github.com/gridpulse/gridpulse/area"
	"github.com/gridpulse/gridpulse/auth"
)

func init() {
	register("users", "make the entries of a users file (password hashes, integrator and scraper keys) and check one", runUsers)
}

const usersUsage = `usage:
  gridpulse users hash                 read a password (twice on a terminal) and print its bcrypt hash
  gridpulse users key NAME [--scraper] print a new integrator key (or a scraper's, which reads /metrics
                                       and nothing else) and the users-file entry for it
  gridpulse users check FILE [--data DIR]
                                       check a users file and that every user's area exists`

func runUsers(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return errors.New(usersUsage)
	}
	switch args[0] {
	case "hash":
		return usersHash(os.Stdin, os.Stdout)
	case "key":
		switch {
		case len(args) == 2:
			return usersKey(os.Stdout, args[1], false)
		case len(args) == 3 && args[2] == "--scraper":
			return usersKey(os.Stdout, args[1], true)
		}
		return errors.New(usersUsage)
	case "check":
		return usersCheck(os.Stdout, args[1:])
	}
	return fmt.Errorf("unknown users command %q\n%s", args[0], usersUsage)
}

// usersHash reads a password from a terminal without echo (asking twice),
// or one line from a pipe, and prints its hash for password_hash.
func usersHash(in *os.File, out io.Writer) error {
	var pw string
	if term.IsTerminal(int(in.Fd())) {
		read := func(prompt string) (string, error) {
			fmt.Fprint(os.Stderr, prompt)
			b, err := term.ReadPassword(int(in.Fd()))
			fmt.Fprintln(os.Stderr)
			return string(b), err
		}
		first, err := read("password: ")
		if err != nil {
			return err
		}
		again, err := read("again: ")
		if err != nil {
			return err
		}
		if first != again {
			return errors.New("the two passwords differ")
		}
		pw = first
	} else {
		line, err := bufio.NewReader(in).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("read password: %w", err)
		}
		pw = strings.TrimRight(line, "\r\n")
	}
	h, err := auth.HashPassword(pw)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(out, h)
	return err
}

// usersKey prints a new random key, to hand to the integrator (or the
// scraper), and the entry that lets it in, which keeps only the key's hash.
func usersKey(out io.Writer, name string, scraper bool) error {
	key := rand.Text() + rand.Text()
	k := auth.Integrator{Name: name, KeySHA256: auth.HashKey(key)}
	// Names follow one rule in every section of the file.
	if err := (&auth.Config{Integrators: []auth.Integrator{k}}).Check(); err != nil {
		return err
	}
	if _, err := fmt.Fprintf(out, "key (give it to %s; it is not kept): %s\n\n", name, key); err != nil {
		return err
	}
	if scraper {
		_, err := fmt.Fprintf(out, "scrapers:\n  - name: %s\n    key_sha256: %s\n", name, k.KeySHA256)
		return err
	}
	_, err := fmt.Fprintf(out, "integrators:\n  - name: %s\n    key_sha256: %s\n    rate: %d\n    burst: %d\n",
		name, k.KeySHA256, auth.DefaultIntegratorRate, auth.DefaultIntegratorBurst)
	return err
}

// usersCheck loads a users file as serve would, areas included.
func usersCheck(out io.Writer, args []string) error {
	flags := flag.NewFlagSet("users check", flag.ContinueOnError)
	data := flags.String("data", envOr("GRIDPULSE_DATA", "data"), "data directory whose areas/ the users' areas must be in")
	var file string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		file, args = args[0], args[1:]
	}
	if err := flags.Parse(args); err != nil {
		return err
	}
	if file == "" {
		return errors.New(usersUsage)
	}
	cfg, err := auth.LoadConfig(file)
	if err != nil {
		return err
	}
	set, err := area.ReadDir(filepath.Join(*data, "areas"))
	if err != nil {
		return fmt.Errorf("load areas: %w", err)
	}
	for _, u := range cfg.Users {
		if err := checkUserArea(u, set); err != nil {
			return err
		}
	}
	_, err = fmt.Fprintf(out, "%s: %d users, %d integrators, %d scrapers, tokens valid %v\n",
		file, len(cfg.Users), len(cfg.Integrators), len(cfg.Scrapers), cfg.TokenTTL)
	return err
}
