// Package bundle builds the Go stand-in plugins and writes server plugin bundles
// (<id>/plugin.json plus the executable at the paths the manifest names, as .tar.gz).
package bundle

import (
	"archive/tar"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// StandIns are the Go stand-in plugins under plugins/, by role.
var StandIns = []string{"allhooks", "apiprobe"}

// manifest is the part of plugin.json a bundle needs.
type manifest struct {
	Id     string `json:"id"`
	Server *struct {
		Executables map[string]string `json:"executables"`
		Executable  string            `json:"executable"`
	} `json:"server"`
}

// BuildStandIns builds every stand-in with `go build` from moduleDir (its default go.mod:
// server/public v0.4.4) and writes <outDir>/<name>.tar.gz. It returns the bundle list in the
// harness's -bundles syntax.
func BuildStandIns(moduleDir, outDir string) (string, error) {
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return "", err
	}
	var spec []string
	for _, name := range StandIns {
		bin := filepath.Join(outDir, name+".bin")
		cmd := exec.Command("go", "build", "-o", bin, "./plugins/"+name)
		cmd.Dir = moduleDir
		cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=amd64")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return "", fmt.Errorf("go build ./plugins/%s: %w", name, err)
		}
		raw, err := os.ReadFile(filepath.Join(moduleDir, "plugins", name, "plugin.json"))
		if err != nil {
			return "", err
		}
		out := filepath.Join(outDir, name+".tar.gz")
		if err := Write(out, raw, bin); err != nil {
			return "", err
		}
		if err := os.Remove(bin); err != nil {
			return "", err
		}
		spec = append(spec, name+"="+out)
	}
	return strings.Join(spec, ","), nil
}

// Write writes a bundle: <id>/plugin.json and the executable bin at every path of
// server.executables and server.executable.
func Write(out string, manifestJSON []byte, bin string) error {
	var m manifest
	if err := json.Unmarshal(manifestJSON, &m); err != nil {
		return fmt.Errorf("plugin.json: %w", err)
	}
	if m.Id == "" || m.Server == nil {
		return fmt.Errorf("plugin.json: an id and a server section are needed")
	}
	exe, err := os.ReadFile(bin)
	if err != nil {
		return err
	}
	paths := map[string]bool{}
	for _, p := range m.Server.Executables {
		paths[p] = true
	}
	if m.Server.Executable != "" {
		paths[m.Server.Executable] = true
	}
	sorted := make([]string, 0, len(paths))
	for p := range paths {
		sorted = append(sorted, p)
	}
	sort.Strings(sorted)

	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer f.Close()
	gz := gzip.NewWriter(f)
	tw := tar.NewWriter(gz)
	now := time.Now()
	add := func(name string, mode int64, body []byte) error {
		if err := tw.WriteHeader(&tar.Header{Name: m.Id + "/" + name, Mode: mode, Size: int64(len(body)), ModTime: now}); err != nil {
			return err
		}
		_, err := tw.Write(body)
		return err
	}
	if err := add("plugin.json", 0o644, manifestJSON); err != nil {
		return err
	}
	for _, p := range sorted {
		if err := add(filepath.ToSlash(filepath.Clean(p)), 0o755, exe); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	if err := gz.Close(); err != nil {
		return err
	}
	return f.Close()
}
