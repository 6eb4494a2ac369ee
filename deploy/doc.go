// Package deploy holds what runs Gridpulse outside `make run`: the image's
// entrypoint script, and the tests that hold the repository's
// docker-compose.yml (ClickHouse, NATS and Gridpulse) to its promises.
package deploy
