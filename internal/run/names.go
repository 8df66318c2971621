package run

import (
	"crypto/rand"
	"encoding/hex"
	"math/big"
	"regexp"

	"github.com/wren-containers/wren/internal/errdefs"
)

// validName is Docker's rule for container names.
var validName = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]+$`)

// CheckName refuses names Docker would refuse.
func CheckName(name string) error {
	if !validName.MatchString(name) {
		return errdefs.Invalid("invalid container name (%s), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", name)
	}
	return nil
}

// NewID returns a random 64-hex container ID that does not look like a number,
// so a 12-hex prefix is never taken for one.
func NewID() string {
	for {
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		id := hex.EncodeToString(b)
		for _, ch := range id[:12] {
			if ch > '9' {
				return id
			}
		}
	}
}

var (
	nameAdjectives = []string{
		"admiring", "agitated", "amazing", "bold", "brave", "busy", "calm", "clever",
		"cool", "dazzling", "eager", "ecstatic", "elegant", "epic", "festive", "focused",
		"gallant", "gifted", "happy", "hopeful", "jolly", "keen", "kind", "laughing",
		"lucid", "modest", "nifty", "nostalgic", "optimistic", "peaceful", "quirky",
		"relaxed", "serene", "sharp", "stoic", "sweet", "tender", "upbeat", "vibrant",
		"wizardly", "youthful", "zealous",
	}
	nameSurnames = []string{
		"agnesi", "babbage", "bohr", "curie", "darwin", "dijkstra", "einstein", "euler",
		"faraday", "fermi", "feynman", "franklin", "galileo", "gauss", "goodall", "hamilton",
		"hopper", "hypatia", "johnson", "kepler", "knuth", "lamarr", "lovelace", "maxwell",
		"meitner", "mendel", "newton", "noether", "pascal", "pasteur", "planck", "ritchie",
		"shannon", "thompson", "tesla", "torvalds", "turing", "wozniak", "yalow",
	}
)

// RandomName returns a Docker-style adjective_surname name.
func RandomName() string {
	return pick(nameAdjectives) + "_" + pick(nameSurnames)
}

func pick(list []string) string {
	n, _ := rand.Int(rand.Reader, big.NewInt(int64(len(list))))
	return list[n.Int64()]
}
