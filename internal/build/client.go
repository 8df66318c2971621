package build

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/wren-containers/wren/internal/errdefs"
)

// This file is the work docker's client does on the caller's machine before a
// build reaches the builder: it reads the caller's working directory, files
// and environment, which a builder serving requests must never consult.

// SetContext fills the context from docker build's CONTEXT argument, with -f
// already in o.Dockerfile: "-" is a tar (or a bare Dockerfile) on stdin, an
// http(s) URL is fetched by the builder, anything else is a directory of the
// caller's, checked here. A directory's Dockerfile is found as docker's
// client finds it (-f relative to the working directory, else to the
// context) and read into o.DockerfileText. stdin is not read here: entering
// the user namespace may start the process again, and stdin must be unread then.
func (o *Options) SetContext(arg string, stdin io.Reader) error {
	switch {
	case arg == "-":
		if o.Dockerfile == "-" {
			return errdefs.Invalid("invalid argument: can't use stdin for both build context and dockerfile")
		}
		o.ContextTar = stdin
		return nil
	case strings.HasPrefix(arg, "http://") || strings.HasPrefix(arg, "https://"):
		o.ContextURL = arg
		if o.Dockerfile == "-" {
			o.DockerfileText = stdin
		}
		return nil
	}
	dir, err := filepath.Abs(arg)
	if err != nil {
		return err
	}
	if err := checkContextDir(dir, arg); err != nil {
		return err
	}
	o.ContextDir = dir
	if o.Dockerfile == "-" {
		o.DockerfileText = stdin
		return nil
	}
	path := o.Dockerfile
	switch {
	case path == "":
		path = defaultDockerfile(dir)
	case !filepath.IsAbs(path):
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			if _, err := os.Stat(filepath.Join(dir, path)); err == nil {
				path = filepath.Join(dir, path)
			}
		}
	}
	data, err := readDockerfileFile(path, o.Dockerfile)
	if err != nil {
		return err
	}
	if path, err = filepath.Abs(path); err != nil {
		return err
	}
	o.Dockerfile, o.DockerfileText = path, bytes.NewReader(data)
	return nil
}

// SetBuildArgs reads --build-arg k=v flags into o.BuildArgs; a bare k takes
// its value from lookupEnv (the caller's environment) and is dropped when
// unset, as docker's client does. SOURCE_DATE_EPOCH comes from the build args
// (as BuildKit takes it) or else from lookupEnv.
func (o *Options) SetBuildArgs(flags []string, lookupEnv func(string) (string, bool)) error {
	args := map[string]string{}
	for _, kv := range flags {
		k, v, ok := strings.Cut(kv, "=")
		if k == "" {
			return errdefs.Invalid("invalid build-arg %q: the name is empty", kv)
		}
		if !ok {
			if v, ok = lookupEnv(k); !ok {
				continue
			}
		}
		args[k] = v
	}
	v, ok := args["SOURCE_DATE_EPOCH"]
	if !ok {
		v, ok = lookupEnv("SOURCE_DATE_EPOCH")
	}
	o.BuildArgs, o.SourceDateEpoch = args, nil
	if !ok || v == "" {
		return nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return errdefs.Invalid("invalid SOURCE_DATE_EPOCH %q: want seconds since 1970", v)
	}
	o.SourceDateEpoch = &n
	return nil
}
