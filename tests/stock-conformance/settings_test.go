package stockconformance

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"
)

// serverPluginSettings is what a stock server's LoadPluginConfiguration hands a plugin
// (app.PluginAPI): the manifest's defaults, then the saved settings over them, every key
// lower-cased as the server's config store keeps them.
func serverPluginSettings(m *model.Manifest, saved map[string]any) map[string]any {
	out := map[string]any{}
	if m.SettingsSchema != nil {
		for _, s := range m.SettingsSchema.Settings {
			out[strings.ToLower(s.Key)] = s.Default
		}
	}
	for k, v := range saved {
		out[strings.ToLower(k)] = v
	}
	return out
}

// TestSettingsLoadLikeTheServer: the probe's GET /settings loads a struct whose fields are
// the manifest's PascalCase keys, from what the server hands over (lower-cased keys, the
// manifest's defaults filled in), and answers it as JSON. A setting saved by the System
// Console and one saved in another case both load; one never saved keeps the manifest's
// default.
func TestSettingsLoadLikeTheServer(t *testing.T) {
	if bundles.apiProbe == "" {
		t.Skip("no apiprobe bundle")
	}
	h := newHost(t)
	m := h.install(bundles.apiProbe, probeID)
	h.activate(probeID)
	rec := h.recorder(probeID)
	rec.mu.Lock()
	rec.config = serverPluginSettings(m, map[string]any{"MaxPerDay": 7, "greeting": "hello from the console"})
	rec.mu.Unlock()

	w := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodGet, "/settings", nil)
	h.hooks(probeID).ServeHTTP(&plugin.Context{RequestId: "settings-request"}, w, r)
	if w.Code != http.StatusOK {
		t.Fatalf("GET /settings: %d %s", w.Code, tail(w.Body.String(), 2000))
	}
	var got map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
		t.Fatalf("GET /settings: %v: %s", err, w.Body.String())
	}
	want := map[string]any{"Greeting": "hello from the console", "MaxPerDay": float64(7), "Enabled": true}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("GET /settings = %v, want %v (handed over: %v)", got, want, rec.config)
	}
	fmt.Printf("settings loaded like the server's (manifest defaults, lower-cased keys): %s\n", strings.TrimSpace(w.Body.String()))
}
