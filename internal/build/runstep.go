package build

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/wren-containers/wren/internal/errdefs"
	"github.com/wren-containers/wren/internal/run"
)

// runStep runs a RUN in a container of wren's runtime on the stage's image and
// commits what it changed as the step's layer. A command that fails ends the
// build with docker's message and exit code 1; its container is removed either way.
func (b *builder) runStep(ctx context.Context, st *stage, c *instructions.RunCommand) error {
	line := startLine(c.Location())
	args, script, err := b.runArgv(st, c)
	if err != nil {
		return err
	}
	env, hist := st.scope.runArgs(st.cfg.Config.Env)
	createdBy := strings.Join(args, " ")
	if len(hist) > 0 {
		createdBy = fmt.Sprintf("|%d %s %s", len(hist), strings.Join(hist, " "), createdBy)
	}
	network := b.opts.Network
	if mode := string(instructions.GetNetwork(c)); mode != "" && mode != "default" {
		network = mode
	}
	mounts := instructions.GetMounts(c)
	bound, err := b.boundContent(ctx, st, mounts)
	if err != nil {
		return err
	}
	key := b.stepKey(st, createdBy, "network="+network, mountsKey(mounts), bound)
	if id, ok := b.lookupCache(key); ok {
		return b.useCache(st, id)
	}
	if err := b.refresh(ctx, st); err != nil {
		return err
	}
	if err := b.ensureImage(st); err != nil {
		return err
	}
	rm, err := b.runMounts(ctx, st, mounts)
	if err != nil {
		return err
	}
	defer rm.release()
	if script != nil {
		spec, err := b.scriptMount(script)
		if err != nil {
			return err
		}
		rm.specs = append(rm.specs, spec)
	}
	opts := run.Options{
		Image:          st.imageID,
		Cmd:            args,
		Entrypoint:     []string{},
		Env:            env,
		WorkDir:        st.cfg.Config.WorkingDir,
		User:           st.cfg.Config.User,
		Network:        network,
		LogDriver:      "none",
		NoImageVolumes: true,
		MountSpecs:     rm.specs,
		Tmpfs:          rm.tmpfs,
		Pull:           "never",
		BuildPID:       os.Getpid(),
	}
	ctr, err := b.eng.Create(ctx, opts, run.CreateConfig{})
	if err != nil {
		return err
	}
	b.out.runningIn(ctr.ID)
	b.running.Store(ctr.ID)
	if b.interrupted.Load() {
		return errdefs.Invalid("build interrupted")
	}
	removed := false
	remove := func() {
		if !removed {
			removed = true
			_ = b.eng.RemoveByRef(ctr.ID, run.RemoveOptions{Force: true, Volumes: true})
		}
	}
	defer remove()
	code, err := b.eng.RunForeground(ctx, ctr, run.Streams{Out: b.runOut, Err: b.runOut})
	b.running.Store("")
	if b.interrupted.Load() {
		return errdefs.Invalid("build interrupted")
	}
	if err != nil || code != 0 {
		if err != nil {
			var ec *errdefs.ExitCode
			if !errors.As(err, &ec) {
				return err
			}
			code = ec.Code
		}
		return &errdefs.ExitCode{Code: 1, Msg: fmt.Sprintf("%s:%d: The command '%s' returned a non-zero code: %d", b.bc.name, line, strings.Join(args, " "), code)}
	}
	sc, err := b.st.Storage().Container(ctr.ID)
	if err != nil {
		return fmt.Errorf("RUN: container layer: %w", err)
	}
	exclude := append(append([]string(nil), run.EtcMountPoints...), rm.targets...)
	if err := b.commit(st, key, createdBy, sc.LayerID, exclude); err != nil {
		return err
	}
	remove()
	b.out.removing(ctr.ID)
	return nil
}

// runArgv is the argv of a RUN: exec form as written; shell form through the
// shell; heredocs as BuildKit runs them (one heredoc with a #! line is a script
// file run directly, one without is the shell's command, several go to the shell
// whole). script is the file to mount for the #! case.
func (b *builder) runArgv(st *stage, c *instructions.RunCommand) (args []string, script *instructions.ShellInlineFile, err error) {
	cmdline := c.ShellDependantCmdLine
	if len(cmdline.Files) == 0 {
		return b.commandLine(st, cmdline), nil, nil
	}
	if len(cmdline.CmdLine) != 1 || !cmdline.PrependShell {
		return nil, nil, fmt.Errorf("parsing produced an invalid run command: %v", cmdline.CmdLine)
	}
	if hd := parser.MustParseHeredoc(cmdline.CmdLine[0]); hd != nil {
		f := cmdline.Files[0]
		data := f.Data
		if f.Chomp {
			data = parser.ChompHeredocContent(data)
		}
		if strings.HasPrefix(data, "#!") {
			f.Data = data
			return []string{path.Join(scriptDir, f.Name)}, &f, nil
		}
		return append(b.shell(st), data), nil, nil
	}
	full := cmdline.CmdLine[0]
	for _, f := range cmdline.Files {
		full += "\n" + f.Data + f.Name
	}
	return append(b.shell(st), full), nil, nil
}

// scriptDir is where a RUN heredoc with a #! line appears in the container, as in BuildKit.
const scriptDir = "/dev/pipes"

// scriptMount writes a heredoc script to a file and binds it read-only.
func (b *builder) scriptMount(f *instructions.ShellInlineFile) (string, error) {
	dir, err := os.MkdirTemp(b.tmpDir, "heredoc-")
	if err != nil {
		return "", err
	}
	b.cleanups = append(b.cleanups, func() { _ = os.RemoveAll(dir) })
	p := filepath.Join(dir, "script")
	if err := os.WriteFile(p, []byte(f.Data), 0o755); err != nil {
		return "", err
	}
	return bindSpec(p, path.Join(scriptDir, f.Name), true), nil
}

// ensureImage gives a scratch stage an (empty) image to run a container on.
func (b *builder) ensureImage(st *stage) error {
	if st.imageID != "" {
		return nil
	}
	return b.commitNoHistory(st)
}
