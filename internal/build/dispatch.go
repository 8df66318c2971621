package build

import (
	"context"
	"errors"
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"github.com/wren-containers/wren/internal/errdefs"
	"github.com/wren-containers/wren/internal/spec"
	"github.com/wren-containers/wren/internal/store"
)

// defaultShell runs shell forms unless SHELL says otherwise.
var defaultShell = []string{"/bin/sh", "-c"}

// nop is how docker's history shows an instruction that ran nothing.
const nop = "/bin/sh -c #(nop) "

// dispatch runs one instruction of a stage: its words expanded with the
// stage's ARGs and ENV first, then its effect on the image.
func (b *builder) dispatch(ctx context.Context, st *stage, cmd instructions.Command) error {
	line := startLine(cmd.Location())
	if err := b.expand(st, cmd); err != nil {
		return lineError(b.bc.name, line, err)
	}
	err := b.apply(ctx, st, cmd)
	if err != nil {
		var failed *errdefs.ExitCode
		if errors.As(err, &failed) {
			return err
		}
		return lineError(b.bc.name, line, err)
	}
	return nil
}

// expand substitutes $VAR in the words Docker expands for each instruction.
func (b *builder) expand(st *stage, cmd instructions.Command) error {
	env := st.scope.expansionEnv(st.cfg.Config.Env)
	expander := func(word string) (string, error) {
		out, _, err := b.lex.ProcessWord(word, env)
		return out, err
	}
	if e, ok := cmd.(instructions.SupportsSingleWordExpansion); ok {
		if err := e.Expand(expander); err != nil {
			return err
		}
	}
	if e, ok := cmd.(instructions.SupportsSingleWordExpansionRaw); ok {
		if err := e.ExpandRaw(expander); err != nil {
			return err
		}
	}
	return nil
}

func (b *builder) apply(ctx context.Context, st *stage, cmd instructions.Command) error {
	cfg := &st.cfg.Config
	switch c := cmd.(type) {
	case *instructions.RunCommand:
		return b.runStep(ctx, st, c)
	case *instructions.CopyCommand:
		return b.copyStep(ctx, st, copyRequest{
			sources: c.SourcesAndDest, from: c.From, chown: c.Chown, chmod: c.Chmod,
			link: c.Link, exclude: c.ExcludePatterns, parents: c.Parents, verb: "COPY",
		})
	case *instructions.AddCommand:
		return b.copyStep(ctx, st, copyRequest{
			sources: c.SourcesAndDest, chown: c.Chown, chmod: c.Chmod, link: c.Link,
			exclude: c.ExcludePatterns, add: true, unpack: c.Unpack, checksum: c.Checksum, verb: "ADD",
		})
	case *instructions.EnvCommand:
		var words []string
		for _, kv := range c.Env {
			words = append(words, kv.Key+"="+kv.Value)
		}
		return b.metaStep(ctx, st, "ENV "+strings.Join(words, " "), func(cfg *dockerspec.DockerOCIImageConfig) {
			for _, kv := range c.Env {
				cfg.Env = store.SetEnv(cfg.Env, kv.Key, kv.Value)
			}
		})
	case *instructions.LabelCommand:
		var words []string
		for _, kv := range c.Labels {
			words = append(words, kv.Key+"="+kv.Value)
		}
		return b.metaStep(ctx, st, "LABEL "+strings.Join(words, " "), func(cfg *dockerspec.DockerOCIImageConfig) {
			if cfg.Labels == nil {
				cfg.Labels = map[string]string{}
			}
			for _, kv := range c.Labels {
				cfg.Labels[kv.Key] = kv.Value
			}
		})
	case *instructions.MaintainerCommand:
		return b.metaStep(ctx, st, "MAINTAINER "+c.Maintainer, func(*dockerspec.DockerOCIImageConfig) {
			st.cfg.Author = c.Maintainer
		})
	case *instructions.CmdCommand:
		args := b.commandLine(st, c.ShellDependantCmdLine)
		st.cmdSet = true
		return b.metaStep(ctx, st, "CMD "+quoteArgs(args), func(cfg *dockerspec.DockerOCIImageConfig) {
			cfg.Cmd = args
		})
	case *instructions.EntrypointCommand:
		args := b.commandLine(st, c.ShellDependantCmdLine)
		return b.metaStep(ctx, st, "ENTRYPOINT "+quoteArgs(args), func(cfg *dockerspec.DockerOCIImageConfig) {
			cfg.Entrypoint = args
			// Docker drops an inherited CMD when ENTRYPOINT changes.
			if !st.cmdSet {
				cfg.Cmd = nil
			}
		})
	case *instructions.ExposeCommand:
		// buildkit's instruction leaves EXPOSE's words to the builder.
		var words []string
		env := st.scope.expansionEnv(st.cfg.Config.Env)
		for _, p := range c.Ports {
			w, err := b.lex.ProcessWords(p, env)
			if err != nil {
				return err
			}
			words = append(words, w...)
		}
		ports, err := exposedPorts(words)
		if err != nil {
			return err
		}
		return b.metaStep(ctx, st, "EXPOSE "+strings.Join(ports, " "), func(cfg *dockerspec.DockerOCIImageConfig) {
			if cfg.ExposedPorts == nil {
				cfg.ExposedPorts = map[string]struct{}{}
			}
			for _, p := range ports {
				cfg.ExposedPorts[p] = struct{}{}
			}
		})
	case *instructions.UserCommand:
		return b.metaStep(ctx, st, "USER "+c.User, func(cfg *dockerspec.DockerOCIImageConfig) { cfg.User = c.User })
	case *instructions.WorkdirCommand:
		dir := c.Path
		if !path.IsAbs(dir) {
			dir = path.Join("/", cfg.WorkingDir, dir)
		}
		dir = path.Clean(dir)
		setDir := func(cfg *dockerspec.DockerOCIImageConfig) { cfg.WorkingDir = dir }
		if user := cfg.User; user != "" && user != "root" && user != "0" && user != "0:0" && dir != "/" {
			// As BuildKit: a directory made under USER belongs to that user.
			return b.workdirStep(ctx, st, dir, setDir)
		}
		// As root the directory is made by the next RUN (the runtime creates
		// its working directory) or COPY, within that step's layer.
		return b.metaStepText(ctx, st, nop+"WORKDIR "+dir, setDir)
	case *instructions.VolumeCommand:
		for _, v := range c.Volumes {
			if strings.TrimSpace(v) == "" {
				return fmt.Errorf("VOLUME specified can not be an empty string")
			}
		}
		return b.metaStep(ctx, st, "VOLUME ["+strings.Join(c.Volumes, " ")+"]", func(cfg *dockerspec.DockerOCIImageConfig) {
			if cfg.Volumes == nil {
				cfg.Volumes = map[string]struct{}{}
			}
			for _, v := range c.Volumes {
				cfg.Volumes[v] = struct{}{}
			}
		})
	case *instructions.StopSignalCommand:
		if err := checkSignal(c.Signal); err != nil {
			return err
		}
		return b.metaStep(ctx, st, "STOPSIGNAL "+c.Signal, func(cfg *dockerspec.DockerOCIImageConfig) { cfg.StopSignal = c.Signal })
	case *instructions.HealthCheckCommand:
		h := *c.Health
		return b.metaStep(ctx, st, "HEALTHCHECK "+healthText(&h), func(cfg *dockerspec.DockerOCIImageConfig) { cfg.Healthcheck = &h })
	case *instructions.ShellCommand:
		sh := append([]string(nil), c.Shell...)
		return b.metaStep(ctx, st, "SHELL ["+strings.Join(sh, " ")+"]", func(cfg *dockerspec.DockerOCIImageConfig) { cfg.Shell = sh })
	case *instructions.OnbuildCommand:
		expr := strings.TrimSpace(c.Expression)
		return b.metaStep(ctx, st, "ONBUILD "+expr, func(cfg *dockerspec.DockerOCIImageConfig) { cfg.OnBuild = append(cfg.OnBuild, expr) })
	case *instructions.ArgCommand:
		var names []string
		for _, kv := range c.Args {
			st.scope.declare(kv.Key, kv.Value)
			text := kv.Key
			if kv.Value != nil {
				text += "=" + *kv.Value
			}
			names = append(names, text)
		}
		return b.metaStep(ctx, st, "ARG "+strings.Join(names, " "), func(*dockerspec.DockerOCIImageConfig) {})
	}
	return fmt.Errorf("%s is not supported", strings.ToUpper(cmd.Name()))
}

// metaStep is an instruction that changes only the config: a new image on the
// same layers, as docker's classic builder makes, or the cached one.
func (b *builder) metaStep(ctx context.Context, st *stage, text string, change func(*dockerspec.DockerOCIImageConfig)) error {
	return b.metaStepText(ctx, st, nop+" "+text, change)
}

func (b *builder) metaStepText(ctx context.Context, st *stage, createdBy string, change func(*dockerspec.DockerOCIImageConfig)) error {
	key := b.stepKey(st, createdBy)
	if id, ok := b.lookupCache(key); ok {
		change(&st.cfg.Config)
		return b.useCache(st, id)
	}
	if err := b.refresh(ctx, st); err != nil {
		return err
	}
	change(&st.cfg.Config)
	return b.commit(st, key, createdBy, "", nil)
}

// workdirStep makes WORKDIR's directory in a layer of its own, owned by the
// stage's USER (what is missing of it; what exists keeps its owner).
func (b *builder) workdirStep(ctx context.Context, st *stage, dir string, change func(*dockerspec.DockerOCIImageConfig)) error {
	createdBy := nop + "WORKDIR " + dir
	key := b.stepKey(st, createdBy, "user="+st.cfg.Config.User)
	if id, ok := b.lookupCache(key); ok {
		change(&st.cfg.Config)
		return b.useCache(st, id)
	}
	if err := b.refresh(ctx, st); err != nil {
		return err
	}
	change(&st.cfg.Config)
	return b.fileStep(st, key, createdBy, func(rootfs string) error {
		u, err := spec.ResolveUser(rootfs, st.cfg.Config.User)
		if err != nil {
			return err
		}
		return mkdirOwned(rootfs, dir, copyAttrs{uid: u.Uid, gid: u.Gid, chown: true})
	})
}

// commandLine is a CMD/ENTRYPOINT/RUN's argv: the exec form as written, the
// shell form through SHELL (default /bin/sh -c).
func (b *builder) commandLine(st *stage, c instructions.ShellDependantCmdLine) []string {
	if !c.PrependShell {
		return append([]string(nil), c.CmdLine...)
	}
	return append(b.shell(st), strings.Join(c.CmdLine, " "))
}

func (b *builder) shell(st *stage) []string {
	if len(st.cfg.Config.Shell) > 0 {
		return append([]string(nil), st.cfg.Config.Shell...)
	}
	return append([]string(nil), defaultShell...)
}

// onBuild runs the ONBUILD triggers the base image carries, then drops them:
// they fire once, in the image built FROM it.
func (b *builder) onBuild(ctx context.Context, st *stage) error {
	triggers := st.cfg.Config.OnBuild
	if len(triggers) == 0 {
		return nil
	}
	st.cfg.Config.OnBuild = nil
	word := "triggers"
	if len(triggers) == 1 {
		word = "trigger"
	}
	b.out.line("# Executing %d build %s", len(triggers), word)
	for _, t := range triggers {
		res, err := parser.Parse(strings.NewReader(t))
		if err != nil || len(res.AST.Children) != 1 {
			return fmt.Errorf("ONBUILD trigger %q: %v", t, err)
		}
		cmd, err := instructions.ParseCommand(res.AST.Children[0])
		if err != nil {
			return fmt.Errorf("ONBUILD trigger %q: %v", t, err)
		}
		if err := b.dispatch(ctx, st, cmd); err != nil {
			return err
		}
		b.out.image(st.imageID)
	}
	return nil
}

// quoteArgs is docker's history form of an argv: ["a" "b"].
func quoteArgs(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = strconv.Quote(a)
	}
	return "[" + strings.Join(q, " ") + "]"
}

// exposedPorts normalizes EXPOSE's words: 80 → 80/tcp, 8000-8002/udp → three ports.
func exposedPorts(words []string) ([]string, error) {
	var out []string
	for _, w := range words {
		port, proto, ok := strings.Cut(w, "/")
		if !ok {
			proto = "tcp"
		}
		proto = strings.ToLower(proto)
		if proto != "tcp" && proto != "udp" && proto != "sctp" {
			return nil, fmt.Errorf("invalid proto: %s", proto)
		}
		lo, hi, isRange := strings.Cut(port, "-")
		start, err := strconv.Atoi(lo)
		end := start
		if err == nil && isRange {
			end, err = strconv.Atoi(hi)
		}
		if err != nil || start < 1 || end > 65535 || end < start {
			return nil, fmt.Errorf("invalid containerPort: %s", port)
		}
		for p := start; p <= end; p++ {
			out = append(out, strconv.Itoa(p)+"/"+proto)
		}
	}
	sort.Strings(out)
	return out, nil
}

// healthText is the history's form of a HEALTHCHECK.
func healthText(h *dockerspec.HealthcheckConfig) string {
	if len(h.Test) > 0 && h.Test[0] == "NONE" {
		return "NONE"
	}
	return fmt.Sprintf("&{%s %q %q %q %q %d}", quoteArgs(h.Test), h.Interval, h.Timeout, h.StartPeriod, h.StartInterval, h.Retries)
}

// checkSignal accepts what docker's STOPSIGNAL does: a number or a SIG name.
func checkSignal(sig string) error {
	if _, err := strconv.Atoi(sig); err == nil {
		return nil
	}
	name := strings.TrimPrefix(strings.ToUpper(sig), "SIG")
	if name == "" || strings.ContainsAny(name, " /") {
		return fmt.Errorf("invalid signal: %s", sig)
	}
	return nil
}
