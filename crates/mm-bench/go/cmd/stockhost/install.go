package main

import (
	"archive/tar"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"
)

// install unpacks a bundle (.tar.gz: plugin.json at the top or in one top-level folder, as a
// server accepts it) into pluginDir/<id>, with the manifest's id replaced by id (so one
// bundle can be installed twice), and returns the path of its server executable.
func install(pluginDir, bundle, id string) (string, error) {
	staging, err := os.MkdirTemp(pluginDir, ".unpack-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(staging)
	if err := untar(bundle, staging); err != nil {
		return "", fmt.Errorf("unpacking %s: %w", bundle, err)
	}
	root, err := manifestFolder(staging)
	if err != nil {
		return "", fmt.Errorf("%s: %w", bundle, err)
	}
	dest := filepath.Join(pluginDir, id)
	if err := os.RemoveAll(dest); err != nil {
		return "", err
	}
	if err := os.Rename(root, dest); err != nil {
		return "", err
	}
	manifestPath := filepath.Join(dest, "plugin.json")
	raw, err := os.ReadFile(manifestPath)
	if err != nil {
		return "", err
	}
	var fields map[string]any
	if err := json.Unmarshal(raw, &fields); err != nil {
		return "", fmt.Errorf("%s: plugin.json: %w", bundle, err)
	}
	fields["id"] = id
	if raw, err = json.MarshalIndent(fields, "", "  "); err != nil {
		return "", err
	}
	if err := os.WriteFile(manifestPath, raw, 0o644); err != nil {
		return "", err
	}
	var manifest model.Manifest
	if err := json.Unmarshal(raw, &manifest); err != nil {
		return "", fmt.Errorf("%s: plugin.json: %w", bundle, err)
	}
	exe := manifest.GetExecutableForRuntime(runtime.GOOS, runtime.GOARCH)
	if exe == "" {
		return "", fmt.Errorf("%s: plugin.json names no server executable for %s-%s", bundle, runtime.GOOS, runtime.GOARCH)
	}
	path := filepath.Join(dest, filepath.Clean(exe))
	if _, err := os.Stat(path); err != nil {
		return "", fmt.Errorf("%s: the server executable: %w", bundle, err)
	}
	return path, nil
}

// manifestFolder is dir when it holds plugin.json, else its one subfolder that does.
func manifestFolder(dir string) (string, error) {
	if _, err := os.Stat(filepath.Join(dir, "plugin.json")); err == nil {
		return dir, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	var found []string
	for _, e := range entries {
		if _, err := os.Stat(filepath.Join(dir, e.Name(), "plugin.json")); e.IsDir() && err == nil {
			found = append(found, filepath.Join(dir, e.Name()))
		}
	}
	if len(found) != 1 {
		return "", fmt.Errorf("plugin.json must be at the top or in exactly one top-level folder (found %d)", len(found))
	}
	return found[0], nil
}

// untar unpacks the regular files and folders of a .tar.gz into dest.
func untar(archive, dest string) error {
	f, err := os.Open(archive)
	if err != nil {
		return err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return err
	}
	tr := tar.NewReader(gz)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		name := filepath.Clean(hdr.Name)
		if name == "." || name == ".." || strings.HasPrefix(name, "../") || filepath.IsAbs(name) {
			return fmt.Errorf("an entry outside the bundle: %q", hdr.Name)
		}
		target := filepath.Join(dest, name)
		switch hdr.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			out, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, os.FileMode(hdr.Mode)&0o777|0o600)
			if err != nil {
				return err
			}
			_, err = io.Copy(out, tr)
			if closeErr := out.Close(); err == nil {
				err = closeErr
			}
			if err != nil {
				return err
			}
		}
	}
}
