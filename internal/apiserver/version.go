package apiserver

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/wren-containers/wren/internal/errdefs"
	"github.com/wren-containers/wren/internal/version"
)

// The API versions served: a request to /vX.Y/… names its version, a request
// without one gets MaxAPIVersion.
const (
	MaxAPIVersion = version.APIVersion
	MinAPIVersion = version.MinAPIVersion
)

type versionKey struct{}

// apiVersion is the request's negotiated API version.
func apiVersion(ctx context.Context) string {
	if v, ok := ctx.Value(versionKey{}).(string); ok {
		return v
	}
	return MaxAPIVersion
}

// checkVersion refuses a version outside MinAPIVersion…MaxAPIVersion with
// Docker's texts, which clients show as they are.
func checkVersion(v string) error {
	if versionLess(v, MinAPIVersion) {
		return errdefs.Invalid("client version %s is too old. Minimum supported API version is %s, please upgrade your client to a newer version", v, MinAPIVersion)
	}
	if versionLess(MaxAPIVersion, v) {
		return errdefs.Invalid("client version %s is too new. Maximum supported API version is %s", v, MaxAPIVersion)
	}
	return nil
}

// versionLess compares dotted API versions field by field as numbers, so that
// 1.9 < 1.24; a missing or unreadable field counts as 0, as Docker counts it.
func versionLess(a, b string) bool { return compareVersions(a, b) < 0 }

func compareVersions(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < max(len(as), len(bs)); i++ {
		var x, y int
		if i < len(as) {
			x, _ = strconv.Atoi(as[i])
		}
		if i < len(bs) {
			y, _ = strconv.Atoi(bs[i])
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

// serverHeader is the Server header of every answer, as the daemon's names itself.
func serverHeader() string { return fmt.Sprintf("wren/%s (linux)", version.Version) }
