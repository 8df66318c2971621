package store

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"go.podman.io/image/v5/types"
	"go.podman.io/storage/pkg/configfile"
	"go.podman.io/storage/pkg/unshare"
)

// registriesConfEnv names one registries.conf to read instead of all others,
// and no drop-ins, in every containers tool.
const registriesConfEnv = "CONTAINERS_REGISTRIES_CONF"

// registriesConfPaths are the main file and the only drop-in directory to
// give containers-image, or "" for its own search. They make wren read
// registries.conf the way podman 5 documents it (containers-registries.conf.d(5)):
// the user's own $XDG_CONFIG_HOME/containers/registries.conf (else
// ~/.config/containers/registries.conf), when it exists, replaces the system's
// file and drop-ins, and only the user's registries.conf.d drop-ins follow it.
// containers-image 5.41 would read the system drop-ins after the user's file,
// so that the aliases of a distribution's shortnames.conf (Debian's
// containers-common) override the user's own. Without a user file, the
// library's search stands: the system's file, then the drop-ins of the user's,
// /etc's and /usr/share's registries.conf.d in the order of their file names.
// CONTAINERS_REGISTRIES_CONF, when set, wins as in every containers tool.
func registriesConfPaths() (main, dropInDir string) {
	if os.Getenv(registriesConfEnv) != "" {
		return "", ""
	}
	dir, err := configfile.UserConfigPath()
	if err != nil || dir == "" {
		return "", ""
	}
	user := filepath.Join(dir, "registries.conf")
	if st, err := os.Stat(user); err != nil || st.IsDir() {
		return "", ""
	}
	return user, user + ".d"
}

// useRegistriesConf points sys at the files registriesConfPaths picks.
func useRegistriesConf(sys *types.SystemContext) *types.SystemContext {
	sys.SystemRegistriesConfPath, sys.SystemRegistriesConfDirPath = registriesConfPaths()
	return sys
}

// RegistriesConfFiles are the registries.conf files that wren reads, in the
// order read (later ones override earlier settings): what `wren info` shows.
func RegistriesConfFiles() ([]string, error) {
	main, dir := registriesConfPaths()
	// The same search containers-image makes for registries.conf.
	conf := &configfile.File{
		Name:                            "registries",
		Extension:                       "conf",
		EnvironmentName:                 registriesConfEnv,
		CustomConfigFilePath:            main,
		CustomConfigFileDropInDirectory: dir,
		UserId:                          unshare.GetRootlessUID(),
	}
	var files []string
	for item, err := range configfile.Read(conf) {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			return files, err
		}
		files = append(files, item.Name)
	}
	return files, nil
}
