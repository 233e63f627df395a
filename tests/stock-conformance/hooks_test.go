package stockconformance

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"
)

// contractHooks is the all-hooks fixture's Implemented list (README.md): every hook of
// plugin.Hooks at server/public v0.4.4 except Implemented.
var contractHooks = []string{
	"ChannelHasBeenCreated", "ChannelMemberWillBeAdded", "ChannelWillBeArchived", "ChannelWillBeRestored",
	"ChannelWillBeUpdated", "ConfigurationWillBeSaved", "DraftWillBeUpserted", "EmailNotificationWillBeSent",
	"ExecuteCommand", "FileWillBeDownloaded", "FileWillBeUploaded", "GenerateSupportData",
	"MessageHasBeenDeleted", "MessageHasBeenPosted", "MessageHasBeenUpdated", "MessageWillBePosted",
	"MessageWillBeUpdated", "MessagesWillBeConsumed", "MessagesWillBeConsumedWithContext",
	"NotificationWillBePushed", "OnActivate", "OnCloudLimitsUpdated", "OnConfigurationChange",
	"OnDeactivate", "OnInstall", "OnPluginClusterEvent", "OnSAMLLogin", "OnSendDailyTelemetry",
	"OnSharedChannelsAttachmentSyncMsg", "OnSharedChannelsPing", "OnSharedChannelsProfileImageSyncMsg",
	"OnSharedChannelsSyncMsg", "OnWebSocketConnect", "OnWebSocketDisconnect", "PreferencesHaveChanged",
	"ReactionHasBeenAdded", "ReactionHasBeenRemoved", "RunDataRetention", "ScheduledPostWillBeCreated",
	"ServeHTTP", "ServeMetrics", "TeamMemberWillBeAdded", "UserHasBeenCreated", "UserHasBeenDeactivated",
	"UserHasJoinedChannel", "UserHasJoinedTeam", "UserHasLeftChannel", "UserHasLeftTeam",
	"UserHasLoggedIn", "UserWillLogIn", "WebSocketMessageHasBeenPosted",
}

// id is a 26-character Mattermost id made of one letter.
func id(c byte) string { return strings.Repeat(string(c), 26) }

func pluginContext() *plugin.Context {
	return &plugin.Context{SessionId: id('s'), RequestId: id('q'), IPAddress: "203.0.113.7",
		AcceptLanguage: "fr", UserAgent: "stock-conformance"}
}

func post(idChar byte, message string) *model.Post {
	return &model.Post{Id: id(idChar), ChannelId: id('c'), UserId: id('u'), Message: message,
		CreateAt: 1_700_000_000_000, UpdateAt: 1_700_000_000_000}
}

func user(username string) *model.User {
	return &model.User{Id: id('u'), Username: username, Email: username + "@example.com",
		Roles: "system_user", Locale: "en"}
}

// fixture is an activated all-hooks plugin.
type fixture struct {
	h  *host
	id string
	hk plugin.Hooks
}

// journal returns the fixture's journal (the /journal command).
func (f *fixture) journal(t *testing.T) string {
	t.Helper()
	resp, appErr := f.hk.ExecuteCommand(pluginContext(), &model.CommandArgs{Command: "/journal", UserId: id('u')})
	if appErr != nil || resp == nil {
		t.Fatalf("/journal: %+v %v", resp, appErr)
	}
	return resp.Text
}

// expectJournal checks that the journal has every entry (whole lines).
func (f *fixture) expectJournal(t *testing.T, entries ...string) {
	t.Helper()
	lines := map[string]bool{}
	journal := f.journal(t)
	for _, l := range strings.Split(journal, "\n") {
		lines[l] = true
	}
	for _, e := range entries {
		if !lines[e] {
			t.Errorf("journal has no line %q; journal:\n%s", e, journal)
		}
	}
}

// multi runs a hook through RunMultiPluginHook (the server's path, which asks the supervisor
// whether the plugin implements the hook) and fails if it did not reach the fixture.
func (f *fixture) multi(t *testing.T, hookID int, fn func(plugin.Hooks)) {
	t.Helper()
	if !runMultiHook(f.h.env, hookID, f.hk, fn) {
		t.Fatalf("RunMultiPluginHook(%d) did not call the fixture: the supervisor does not know it implements the hook", hookID)
	}
}

type hookCase struct {
	hook string
	run  func(t *testing.T, f *fixture)
}

// TestHooks calls every hook of plugin.Hooks of this server/public version through the real
// hooks RPC client and checks each result against the all-hooks fixture's contract.
func TestHooks(t *testing.T) {
	if bundles.allHooks == "" {
		t.Skip("no allhooks bundle")
	}
	h := newHost(t)
	h.install(bundles.allHooks, allHooksID)
	h.activate(allHooksID)
	f := &fixture{h: h, id: allHooksID, hk: h.hooks(allHooksID)}

	versionHooks := hookNames()
	t.Run("Implemented", func(t *testing.T) { checkImplemented(t, f, versionHooks) })

	cases := map[string]bool{}
	covered := map[string]bool{}
	for _, c := range hookCases {
		cases[c.hook] = true
		if _, ok := hookMethod(c.hook); !ok {
			continue // a hook this server/public version does not have
		}
		c := c
		if t.Run(c.hook, func(t *testing.T) { c.run(t, f) }) {
			covered[c.hook] = true
		}
	}
	var missing, failed []string
	for _, name := range versionHooks {
		if !cases[name] {
			missing = append(missing, name)
		} else if !covered[name] {
			failed = append(failed, name)
		}
	}
	fmt.Printf("hooks covered over net/rpc: %d/%d (server/public %s)\n", len(covered), len(versionHooks),
		moduleVersion("github.com/mattermost/mattermost/server/public"))
	if len(missing) > 0 {
		t.Errorf("hooks of plugin.Hooks without a test: %v", missing)
	}
	if len(failed) > 0 {
		t.Errorf("hooks that failed: %v", failed)
	}
}

func checkImplemented(t *testing.T, f *fixture, versionHooks []string) {
	impl, err := f.hk.Implemented()
	if err != nil {
		t.Fatalf("Implemented: %v", err)
	}
	seen := map[string]bool{}
	contract := map[string]bool{}
	for _, n := range contractHooks {
		contract[n] = true
	}
	for _, n := range impl {
		if seen[n] {
			t.Errorf("Implemented lists %s twice", n)
		}
		seen[n] = true
		if !contract[n] {
			t.Errorf("Implemented lists %s, which is not in the fixture's contract", n)
		}
	}
	for _, n := range versionHooks {
		if !seen[n] {
			t.Errorf("Implemented lacks %s", n)
		}
	}
	// Beyond this version's hooks, the list may only hold contract hooks (a plugin built for
	// a newer server lists hooks an older one ignores); at the newest version it is exact.
	if len(versionHooks) == len(contractHooks) && len(impl) != len(contractHooks) {
		t.Errorf("Implemented has %d names, the contract %d", len(impl), len(contractHooks))
	}
	sorted := append([]string(nil), impl...)
	sort.Strings(sorted)
	t.Logf("Implemented (%d): %v", len(impl), sorted)
}

// hookCases: one per hook of the contract, in the order they run (OnDeactivate last).
var hookCases = []hookCase{
	// ----- lifecycle -----------------------------------------------------------------------
	{"OnActivate", func(t *testing.T, f *fixture) {
		// The server called OnActivate in Environment.Activate; the Go RPC server runs
		// OnConfigurationChange first. OnActivate wrote to the KV store over the API.
		f.expectJournal(t, "OnConfigurationChange n=1", "OnActivate config_changes=1")
		j := f.journal(t)
		if strings.Index(j, "OnConfigurationChange n=1") > strings.Index(j, "OnActivate config_changes=1") {
			t.Errorf("OnConfigurationChange must run before OnActivate:\n%s", j)
		}
		if sets := f.h.recorder(f.id).kvSets(); len(sets) == 0 || sets[0] != "fixture_state=active" {
			t.Errorf("KVSet calls %v, want fixture_state=active made inside OnActivate", sets)
		}
	}},
	{"OnConfigurationChange", func(t *testing.T, f *fixture) {
		f.multi(t, plugin.OnConfigurationChangeID, func(hk plugin.Hooks) {
			if err := hk.OnConfigurationChange(); err != nil {
				t.Errorf("OnConfigurationChange: %v", err)
			}
		})
		f.expectJournal(t, "OnConfigurationChange n=2")
	}},
	{"OnInstall", func(t *testing.T, f *fixture) {
		f.multi(t, plugin.OnInstallID, func(hk plugin.Hooks) {
			if err := hk.OnInstall(pluginContext(), model.OnInstallEvent{UserId: id('i')}); err != nil {
				t.Errorf("OnInstall: %v", err)
			}
			err := hk.OnInstall(&plugin.Context{}, model.OnInstallEvent{UserId: "failfailfailfailfailfailfa"})
			if err == nil || err.Error() != "install refused by the fixture" {
				t.Errorf("OnInstall(fail): %v, want \"install refused by the fixture\"", err)
			}
		})
		f.expectJournal(t, fmt.Sprintf("OnInstall user=%s session=%s", id('i'), id('s')))
	}},
	{"OnSendDailyTelemetry", func(t *testing.T, f *fixture) {
		f.multi(t, plugin.OnSendDailyTelemetryID, func(hk plugin.Hooks) { hk.OnSendDailyTelemetry() })
		f.expectJournal(t, "OnSendDailyTelemetry")
	}},
	{"RunDataRetention", func(t *testing.T, f *fixture) {
		f.multi(t, plugin.RunDataRetentionID, func(hk plugin.Hooks) {
			n, err := hk.RunDataRetention(1_700_000_000_123, 21)
			if err != nil || n != 42 {
				t.Errorf("RunDataRetention = %d, %v; want 42, nil", n, err)
			}
		})
		f.expectJournal(t, "RunDataRetention now=1700000000123")
	}},
	{"OnCloudLimitsUpdated", func(t *testing.T, f *fixture) {
		storage := int64(10_737_418_240)
		f.multi(t, plugin.OnCloudLimitsUpdatedID, func(hk plugin.Hooks) {
			hk.OnCloudLimitsUpdated(&model.ProductLimits{Files: &model.FilesLimits{TotalStorage: &storage}})
			hk.OnCloudLimitsUpdated(&model.ProductLimits{})
		})
		f.expectJournal(t, "OnCloudLimitsUpdated storage=Some(10737418240)", "OnCloudLimitsUpdated storage=None")
	}},
	{"ConfigurationWillBeSaved", func(t *testing.T, f *fixture) {
		f.multi(t, plugin.ConfigurationWillBeSavedID, func(hk plugin.Hooks) {
			cfg := &model.Config{}
			cfg.SetDefaults()
			*cfg.ServiceSettings.SiteURL = "https://chat.example.com"
			out, err := hk.ConfigurationWillBeSaved(cfg)
			if err != nil || out == nil {
				t.Fatalf("ConfigurationWillBeSaved: %v, %v", out, err)
			}
			if got := out.PluginSettings.Plugins["fixture"]["touched"]; got != true {
				t.Errorf("PluginSettings.Plugins[fixture][touched] = %v, want true", got)
			}
			if *out.ServiceSettings.SiteURL != "https://chat.example.com" {
				t.Errorf("SiteURL = %q", *out.ServiceSettings.SiteURL)
			}
			if *out.TeamSettings.MaxUsersPerTeam != *cfg.TeamSettings.MaxUsersPerTeam {
				t.Errorf("the rest of the configuration changed")
			}
			refuse := &model.Config{}
			refuse.SetDefaults()
			*refuse.ServiceSettings.SiteURL = "http://refuse"
			out, err = hk.ConfigurationWillBeSaved(refuse)
			appErr, ok := err.(*model.AppError)
			if out != nil || !ok || appErr.Id != "plugin.fixture.config_refused" || appErr.StatusCode != 400 ||
				appErr.Message != "This site URL is not allowed." {
				t.Errorf("ConfigurationWillBeSaved(refuse) = %v, %#v; want nil and the AppError plugin.fixture.config_refused/400", out, err)
			}
		})
	}},
	{"GenerateSupportData", func(t *testing.T, f *fixture) {
		out := callHook(t, f.hk, "GenerateSupportData", pluginContext())
		if err, _ := out[1].Interface().(error); err != nil {
			t.Fatalf("GenerateSupportData: %v", err)
		}
		files := out[0]
		if files.Len() != 1 || str(files.Index(0), "Filename") != "fixture/diagnostics.txt" ||
			string(field(files.Index(0), "Body").Bytes()) != "request="+id('q') {
			t.Errorf("GenerateSupportData = %v", files.Interface())
		}
	}},

	// ----- posts -------------------------------------------------------------------------------
	{"MessageWillBePosted", func(t *testing.T, f *fixture) {
		f.multi(t, plugin.MessageWillBePostedID, func(hk plugin.Hooks) {
			in := post('p', "hello")
			out, reason := hk.MessageWillBePosted(pluginContext(), in)
			if out == nil || out.Message != "HELLO" || out.Id != id('p') || out.GetProp("fixture") != true || reason != "" {
				t.Errorf("MessageWillBePosted(hello) = %+v, %q; want HELLO with props.fixture=true", out, reason)
			}
			out, reason = hk.MessageWillBePosted(pluginContext(), post('p', "allow"))
			if out == nil || out.Message != "allow" || reason != "" {
				t.Errorf("MessageWillBePosted(allow) = %+v, %q; want the post unchanged", out, reason)
			}
			// A stock host pre-fills the reply with the input post: a rejected post comes
			// back non-nil, with the reason.
			_, reason = hk.MessageWillBePosted(pluginContext(), post('p', "reject"))
			if reason != "rejected by the fixture" {
				t.Errorf("MessageWillBePosted(reject) reason %q", reason)
			}
			_, reason = hk.MessageWillBePosted(pluginContext(), post('p', "dismiss"))
			if reason != plugin.DismissPostError {
				t.Errorf("MessageWillBePosted(dismiss) reason %q, want %q", reason, plugin.DismissPostError)
			}
		})
		t.Run("props round trip", func(t *testing.T) { checkPropsRoundTrip(t, f) })
		t.Run("reply merging", func(t *testing.T) {
			in := post('p', "clear")
			in.SetProps(model.StringInterface{"keep_me": "still here", "n": 1})
			out, reason := f.hk.MessageWillBePosted(pluginContext(), in)
			// The fixture replied with Message "" and without keep_me, plus cleared=true;
			// gob omits zero values and decoding merges into the input post.
			if out == nil || reason != "" || out.Message != "clear" || out.GetProp("keep_me") != "still here" || out.GetProp("cleared") != true {
				t.Errorf("MessageWillBePosted(clear) = %+v %q; want message \"clear\", keep_me kept, cleared=true", out, reason)
			}
		})
	}},
	{"MessageWillBeUpdated", func(t *testing.T, f *fixture) {
		f.multi(t, plugin.MessageWillBeUpdatedID, func(hk plugin.Hooks) {
			out, reason := hk.MessageWillBeUpdated(pluginContext(), post('p', "new"), post('p', "old"))
			if out == nil || out.Message != "old -> new" || out.Id != id('p') || reason != "" {
				t.Errorf("MessageWillBeUpdated = %+v, %q; want \"old -> new\"", out, reason)
			}
			out, reason = hk.MessageWillBeUpdated(pluginContext(), post('p', "reject"), post('p', "old"))
			// Since server/public v0.0.10 the host decodes this reply into a fresh struct
			// (a rejected edit is nil); before, into the new post (it comes back unchanged).
			if reason != "edit rejected by the fixture" || (out != nil && out.Message != "reject") {
				t.Errorf("MessageWillBeUpdated(reject) = %+v, %q", out, reason)
			}
		})
	}},
	{"MessageHasBeenPosted", func(t *testing.T, f *fixture) {
		f.multi(t, plugin.MessageHasBeenPostedID, func(hk plugin.Hooks) { hk.MessageHasBeenPosted(pluginContext(), post('a', "posted!")) })
		f.expectJournal(t, fmt.Sprintf("MessageHasBeenPosted id=%s message=posted!", id('a')))
	}},
	{"MessageHasBeenUpdated", func(t *testing.T, f *fixture) {
		f.multi(t, plugin.MessageHasBeenUpdatedID, func(hk plugin.Hooks) {
			hk.MessageHasBeenUpdated(pluginContext(), post('a', "v2"), post('a', "v1"))
		})
		f.expectJournal(t, "MessageHasBeenUpdated v1 -> v2")
	}},
	{"MessageHasBeenDeleted", func(t *testing.T, f *fixture) {
		callHook(t, f.hk, "MessageHasBeenDeleted", pluginContext(), post('e', "bye"))
		f.expectJournal(t, "MessageHasBeenDeleted id="+id('e'))
	}},
	{"MessagesWillBeConsumed", func(t *testing.T, f *fixture) {
		posts := []*model.Post{post('a', "public"), post('b', "secret"), post('d', "also public")}
		out := callHook(t, f.hk, "MessagesWillBeConsumed", posts)[0].Interface().([]*model.Post)
		if got := messages(out); got != "public|also public" {
			t.Errorf("MessagesWillBeConsumed kept %q, want public|also public", got)
		}
	}},
	{"MessagesWillBeConsumedWithContext", func(t *testing.T, f *fixture) {
		posts := []*model.Post{post('a', "public"), post('b', "secret")}
		out := callHook(t, f.hk, "MessagesWillBeConsumedWithContext", pluginContext(), posts)[0].Interface().([]*model.Post)
		if messages(out) != "public" || out[0].GetProp("consumed_in_session") != id('s') || out[0].Id != id('a') {
			t.Errorf("MessagesWillBeConsumedWithContext = %q %v", messages(out), out)
		}
	}},
	{"ScheduledPostWillBeCreated", func(t *testing.T, f *fixture) {
		sp := newParam(t, "ScheduledPostWillBeCreated", 1, map[string]any{"Id": id('x'), "UserId": id('u'),
			"ChannelId": id('c'), "Message": "later", "ScheduledAt": int64(1_800_000_000_000)})
		out := callHook(t, f.hk, "ScheduledPostWillBeCreated", pluginContext(), sp)
		if str(out[0], "Message") != "LATER" || str(out[0], "ScheduledAt") != "1800000060000" || str(out[0], "Id") != id('x') || out[1].String() != "" {
			t.Errorf("ScheduledPostWillBeCreated = %+v, %q", out[0].Interface(), out[1].String())
		}
		sp = newParam(t, "ScheduledPostWillBeCreated", 1, map[string]any{"Message": "reject"})
		out = callHook(t, f.hk, "ScheduledPostWillBeCreated", pluginContext(), sp)
		if !isNil(out[0]) || out[1].String() != "scheduled post rejected by the fixture" {
			t.Errorf("ScheduledPostWillBeCreated(reject) = %+v, %q", out[0].Interface(), out[1].String())
		}
	}},
	{"DraftWillBeUpserted", func(t *testing.T, f *fixture) {
		d := newParam(t, "DraftWillBeUpserted", 1, map[string]any{"UserId": id('u'), "ChannelId": id('c'), "Message": "draft"})
		out := callHook(t, f.hk, "DraftWillBeUpserted", pluginContext(), d)
		if str(out[0], "Message") != "DRAFT" || str(out[0], "ChannelId") != id('c') || out[1].String() != "" {
			t.Errorf("DraftWillBeUpserted = %+v, %q", out[0].Interface(), out[1].String())
		}
		d = newParam(t, "DraftWillBeUpserted", 1, map[string]any{"Message": "reject"})
		out = callHook(t, f.hk, "DraftWillBeUpserted", pluginContext(), d)
		if !isNil(out[0]) || out[1].String() != "draft rejected by the fixture" {
			t.Errorf("DraftWillBeUpserted(reject) = %+v, %q", out[0].Interface(), out[1].String())
		}
	}},

	// ----- files and reactions -------------------------------------------------------------------
	{"FileWillBeUploaded", func(t *testing.T, f *fixture) { checkFileWillBeUploaded(t, f) }},
	{"FileWillBeDownloaded", func(t *testing.T, f *fixture) {
		info := &model.FileInfo{Id: id('f'), Name: "report.pdf", Size: 5}
		out := callHook(t, f.hk, "FileWillBeDownloaded", pluginContext(), info, id('u'), "thumbnail")
		if out[0].String() != "" {
			t.Errorf("FileWillBeDownloaded = %q, want allowed", out[0].String())
		}
		out = callHook(t, f.hk, "FileWillBeDownloaded", pluginContext(), &model.FileInfo{Name: "keys.secret"}, id('u'), "file")
		if out[0].String() != "downloads of secrets are blocked" {
			t.Errorf("FileWillBeDownloaded(secret) = %q", out[0].String())
		}
		f.expectJournal(t, fmt.Sprintf("FileWillBeDownloaded file=report.pdf user=%s type=thumbnail", id('u')))
	}},
	{"ReactionHasBeenAdded", func(t *testing.T, f *fixture) {
		f.multi(t, plugin.ReactionHasBeenAddedID, func(hk plugin.Hooks) {
			hk.ReactionHasBeenAdded(pluginContext(), &model.Reaction{UserId: id('u'), PostId: id('p'), EmojiName: "tada", CreateAt: 1})
		})
		f.expectJournal(t, "ReactionHasBeenAdded emoji=tada")
	}},
	{"ReactionHasBeenRemoved", func(t *testing.T, f *fixture) {
		f.multi(t, plugin.ReactionHasBeenRemovedID, func(hk plugin.Hooks) {
			hk.ReactionHasBeenRemoved(pluginContext(), &model.Reaction{UserId: id('u'), PostId: id('p'), EmojiName: "tada"})
		})
		f.expectJournal(t, "ReactionHasBeenRemoved emoji=tada")
	}},

	// ----- notifications and preferences ----------------------------------------------------------
	{"NotificationWillBePushed", func(t *testing.T, f *fixture) {
		push := func(message string) *model.PushNotification {
			return &model.PushNotification{Message: message, Platform: "ios", PostId: id('p'), Badge: 3}
		}
		out := callHook(t, f.hk, "NotificationWillBePushed", push("ping"), id('u'))
		pn, _ := out[0].Interface().(*model.PushNotification)
		if pn == nil || pn.Message != "[for "+id('u')+"] ping" || pn.Platform != "ios" || pn.Badge != 3 || out[1].String() != "" {
			t.Errorf("NotificationWillBePushed = %+v, %q", pn, out[1].String())
		}
		out = callHook(t, f.hk, "NotificationWillBePushed", push("a secret"), id('u'))
		if !isNil(out[0]) || out[1].String() != "no secrets on lock screens" {
			t.Errorf("NotificationWillBePushed(secret) = %v, %q", out[0].Interface(), out[1].String())
		}
	}},
	{"EmailNotificationWillBeSent", func(t *testing.T, f *fixture) {
		en := newParam(t, "EmailNotificationWillBeSent", 0, map[string]any{"PostId": id('p'), "RecipientId": id('u'),
			"EmailNotificationContent": map[string]any{"Subject": "New message", "Title": "Hi"}})
		out := callHook(t, f.hk, "EmailNotificationWillBeSent", en)
		if str(out[0], "Subject") != "[fixture] New message" || str(out[0], "Title") != "Hi" || out[1].String() != "" {
			t.Errorf("EmailNotificationWillBeSent = %+v, %q", out[0].Interface(), out[1].String())
		}
		en = newParam(t, "EmailNotificationWillBeSent", 0, map[string]any{
			"EmailNotificationContent": map[string]any{"Subject": "your secret"}})
		out = callHook(t, f.hk, "EmailNotificationWillBeSent", en)
		if !isNil(out[0]) || out[1].String() != "no secrets in email subjects" {
			t.Errorf("EmailNotificationWillBeSent(secret) = %v, %q", out[0].Interface(), out[1].String())
		}
	}},
	{"PreferencesHaveChanged", func(t *testing.T, f *fixture) {
		prefs := []model.Preference{
			{UserId: id('u'), Category: "display_settings", Name: "use_military_time", Value: "true"},
			{UserId: id('u'), Category: "display_settings", Name: "colorize_usernames", Value: "false"},
		}
		callHook(t, f.hk, "PreferencesHaveChanged", pluginContext(), prefs)
		f.expectJournal(t, "PreferencesHaveChanged use_military_time=true,colorize_usernames=false")
	}},

	// ----- users -----------------------------------------------------------------------------------
	{"UserHasBeenCreated", func(t *testing.T, f *fixture) {
		f.multi(t, plugin.UserHasBeenCreatedID, func(hk plugin.Hooks) { hk.UserHasBeenCreated(pluginContext(), user("alice")) })
		f.expectJournal(t, "UserHasBeenCreated username=alice")
	}},
	{"UserWillLogIn", func(t *testing.T, f *fixture) {
		f.multi(t, plugin.UserWillLogInID, func(hk plugin.Hooks) {
			if r := hk.UserWillLogIn(pluginContext(), user("alice")); r != "" {
				t.Errorf("UserWillLogIn(alice) = %q", r)
			}
			if r := hk.UserWillLogIn(pluginContext(), user("mallory")); r != "mallory may not log in" {
				t.Errorf("UserWillLogIn(mallory) = %q", r)
			}
		})
	}},
	{"UserHasLoggedIn", func(t *testing.T, f *fixture) {
		f.multi(t, plugin.UserHasLoggedInID, func(hk plugin.Hooks) { hk.UserHasLoggedIn(pluginContext(), user("alice")) })
		f.expectJournal(t, "UserHasLoggedIn username=alice")
	}},
	{"UserHasBeenDeactivated", func(t *testing.T, f *fixture) {
		callHook(t, f.hk, "UserHasBeenDeactivated", pluginContext(), user("bob"))
		f.expectJournal(t, "UserHasBeenDeactivated username=bob")
	}},
	{"OnSAMLLogin", func(t *testing.T, f *fixture) {
		authn := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
		assertion := func(nameID string) reflect.Value {
			return newParam(t, "OnSAMLLogin", 2, map[string]any{"NameID": nameID, "SessionIndex": "idx-1", "AuthnInstant": &authn})
		}
		out := callHook(t, f.hk, "OnSAMLLogin", pluginContext(), user("carol"), assertion("carol@example.com"))
		if !isNil(out[0]) {
			t.Errorf("OnSAMLLogin(carol) = %v", out[0].Interface())
		}
		out = callHook(t, f.hk, "OnSAMLLogin", pluginContext(), user("dave"), assertion("denied"))
		appErr, ok := out[0].Interface().(*model.AppError)
		if !ok || appErr.Id != "plugin.fixture.saml_denied" || appErr.Message != "SAML login denied." || appErr.StatusCode != 403 {
			t.Errorf("OnSAMLLogin(denied) = %#v, want the AppError plugin.fixture.saml_denied/403", out[0].Interface())
		}
		f.expectJournal(t, "OnSAMLLogin username=carol")
	}},

	// ----- channels and teams ----------------------------------------------------------------------
	{"ChannelHasBeenCreated", func(t *testing.T, f *fixture) {
		f.multi(t, plugin.ChannelHasBeenCreatedID, func(hk plugin.Hooks) {
			hk.ChannelHasBeenCreated(pluginContext(), &model.Channel{Id: id('c'), TeamId: id('t'), Name: "town-square", DisplayName: "Town Square", Type: model.ChannelTypeOpen})
		})
		f.expectJournal(t, "ChannelHasBeenCreated name=town-square")
	}},
	{"ChannelWillBeUpdated", func(t *testing.T, f *fixture) {
		newCh := &model.Channel{Id: id('c'), Name: "dev", DisplayName: "Developers", Type: model.ChannelTypeOpen}
		oldCh := &model.Channel{Id: id('c'), Name: "dev", DisplayName: "Dev", Type: model.ChannelTypeOpen}
		out := callHook(t, f.hk, "ChannelWillBeUpdated", pluginContext(), newCh, oldCh)
		ch, _ := out[0].Interface().(*model.Channel)
		if ch == nil || ch.DisplayName != "Dev -> Developers" || ch.Id != id('c') || out[1].String() != "" {
			t.Errorf("ChannelWillBeUpdated = %+v, %q", ch, out[1].String())
		}
		out = callHook(t, f.hk, "ChannelWillBeUpdated", pluginContext(), &model.Channel{Name: "forbidden"}, oldCh)
		if !isNil(out[0]) || out[1].String() != "channel name not allowed" {
			t.Errorf("ChannelWillBeUpdated(forbidden) = %v, %q", out[0].Interface(), out[1].String())
		}
	}},
	{"ChannelWillBeArchived", func(t *testing.T, f *fixture) {
		out := callHook(t, f.hk, "ChannelWillBeArchived", pluginContext(), &model.Channel{Id: id('c'), Name: "old-project"})
		if out[0].String() != "" {
			t.Errorf("ChannelWillBeArchived(old-project) = %q", out[0].String())
		}
		out = callHook(t, f.hk, "ChannelWillBeArchived", pluginContext(), &model.Channel{Name: "town-square"})
		if out[0].String() != "town-square cannot be archived" {
			t.Errorf("ChannelWillBeArchived(town-square) = %q", out[0].String())
		}
		f.expectJournal(t, "ChannelWillBeArchived name=old-project")
	}},
	{"ChannelWillBeRestored", func(t *testing.T, f *fixture) {
		out := callHook(t, f.hk, "ChannelWillBeRestored", pluginContext(), &model.Channel{Id: id('c'), Name: "old-project"})
		if out[0].String() != "" {
			t.Errorf("ChannelWillBeRestored(old-project) = %q", out[0].String())
		}
		out = callHook(t, f.hk, "ChannelWillBeRestored", pluginContext(), &model.Channel{Name: "forbidden"})
		if out[0].String() != "forbidden stays archived" {
			t.Errorf("ChannelWillBeRestored(forbidden) = %q", out[0].String())
		}
		f.expectJournal(t, "ChannelWillBeRestored name=old-project")
	}},
	{"ChannelMemberWillBeAdded", func(t *testing.T, f *fixture) {
		in := &model.ChannelMember{ChannelId: id('c'), UserId: id('u'), Roles: "channel_user", SchemeUser: true,
			NotifyProps: model.StringMap{"desktop": "all"}, LastUpdateAt: 7}
		out := callHook(t, f.hk, "ChannelMemberWillBeAdded", pluginContext(), in)
		m, _ := out[0].Interface().(*model.ChannelMember)
		if m == nil || m.ExplicitRoles != "fixture_member" || m.UserId != id('u') || m.NotifyProps["desktop"] != "all" || out[1].String() != "" {
			t.Errorf("ChannelMemberWillBeAdded = %+v, %q", m, out[1].String())
		}
		guest := &model.ChannelMember{ChannelId: id('c'), UserId: id('g'), SchemeGuest: true}
		out = callHook(t, f.hk, "ChannelMemberWillBeAdded", pluginContext(), guest)
		if out[1].String() != "guests may not join this channel" {
			t.Errorf("ChannelMemberWillBeAdded(guest) reason %q", out[1].String())
		}
	}},
	{"TeamMemberWillBeAdded", func(t *testing.T, f *fixture) {
		in := &model.TeamMember{TeamId: id('t'), UserId: id('u'), Roles: "team_user", SchemeUser: true}
		out := callHook(t, f.hk, "TeamMemberWillBeAdded", pluginContext(), in)
		m, _ := out[0].Interface().(*model.TeamMember)
		if m == nil || m.ExplicitRoles != "fixture_member" || m.TeamId != id('t') || out[1].String() != "" {
			t.Errorf("TeamMemberWillBeAdded = %+v, %q", m, out[1].String())
		}
		out = callHook(t, f.hk, "TeamMemberWillBeAdded", pluginContext(), &model.TeamMember{TeamId: id('t'), UserId: id('g'), SchemeGuest: true})
		if out[1].String() != "guests may not join this team" {
			t.Errorf("TeamMemberWillBeAdded(guest) reason %q", out[1].String())
		}
	}},
	{"UserHasJoinedChannel", func(t *testing.T, f *fixture) {
		f.multi(t, plugin.UserHasJoinedChannelID, func(hk plugin.Hooks) {
			hk.UserHasJoinedChannel(pluginContext(), &model.ChannelMember{ChannelId: id('c'), UserId: id('u')}, user("admin"))
		})
		f.expectJournal(t, fmt.Sprintf("UserHasJoinedChannel user=%s channel=%s actor=admin", id('u'), id('c')))
	}},
	{"UserHasLeftChannel", func(t *testing.T, f *fixture) {
		f.multi(t, plugin.UserHasLeftChannelID, func(hk plugin.Hooks) {
			hk.UserHasLeftChannel(pluginContext(), &model.ChannelMember{ChannelId: id('c'), UserId: id('u')}, nil)
		})
		f.expectJournal(t, fmt.Sprintf("UserHasLeftChannel user=%s channel=%s actor=-", id('u'), id('c')))
	}},
	{"UserHasJoinedTeam", func(t *testing.T, f *fixture) {
		f.multi(t, plugin.UserHasJoinedTeamID, func(hk plugin.Hooks) {
			hk.UserHasJoinedTeam(pluginContext(), &model.TeamMember{TeamId: id('t'), UserId: id('u')}, nil)
		})
		f.expectJournal(t, fmt.Sprintf("UserHasJoinedTeam user=%s team=%s actor=-", id('u'), id('t')))
	}},
	{"UserHasLeftTeam", func(t *testing.T, f *fixture) {
		f.multi(t, plugin.UserHasLeftTeamID, func(hk plugin.Hooks) {
			hk.UserHasLeftTeam(pluginContext(), &model.TeamMember{TeamId: id('t'), UserId: id('u')}, user("admin"))
		})
		f.expectJournal(t, fmt.Sprintf("UserHasLeftTeam user=%s team=%s actor=admin", id('u'), id('t')))
	}},

	// ----- slash commands --------------------------------------------------------------------------
	{"ExecuteCommand", func(t *testing.T, f *fixture) { checkExecuteCommand(t, f) }},

	// ----- websocket and cluster -------------------------------------------------------------------
	{"OnWebSocketConnect", func(t *testing.T, f *fixture) {
		f.multi(t, plugin.OnWebSocketConnectID, func(hk plugin.Hooks) { hk.OnWebSocketConnect("conn-1", id('u')) })
		f.expectJournal(t, "OnWebSocketConnect conn=conn-1 user="+id('u'))
	}},
	{"WebSocketMessageHasBeenPosted", func(t *testing.T, f *fixture) {
		f.multi(t, plugin.WebSocketMessageHasBeenPostedID, func(hk plugin.Hooks) {
			hk.WebSocketMessageHasBeenPosted("conn-1", id('u'), &model.WebSocketRequest{Seq: 3, Action: "custom_demo_action",
				Data: map[string]any{"text": "hi", "count": 2}})
		})
		f.expectJournal(t, fmt.Sprintf("WebSocketMessageHasBeenPosted conn=conn-1 user=%s action=custom_demo_action text=\"hi\"", id('u')))
	}},
	{"OnWebSocketDisconnect", func(t *testing.T, f *fixture) {
		f.multi(t, plugin.OnWebSocketDisconnectID, func(hk plugin.Hooks) { hk.OnWebSocketDisconnect("conn-1", id('u')) })
		f.expectJournal(t, "OnWebSocketDisconnect conn=conn-1 user="+id('u'))
	}},
	{"OnPluginClusterEvent", func(t *testing.T, f *fixture) {
		f.multi(t, plugin.OnPluginClusterEventID, func(hk plugin.Hooks) {
			hk.OnPluginClusterEvent(pluginContext(), model.PluginClusterEvent{Id: "cache-flush", Data: []byte("all")})
		})
		f.expectJournal(t, "OnPluginClusterEvent id=cache-flush data=all")
	}},

	// ----- shared channels -------------------------------------------------------------------------
	{"OnSharedChannelsSyncMsg", func(t *testing.T, f *fixture) {
		msg := newParam(t, "OnSharedChannelsSyncMsg", 0, map[string]any{"Id": id('m'), "ChannelId": id('c')})
		out := callHook(t, f.hk, "OnSharedChannelsSyncMsg", msg, remote("east"))
		if err, _ := out[1].Interface().(error); err != nil || str(out[0], "PostsLastUpdateAt") != "1700000000000" {
			t.Errorf("OnSharedChannelsSyncMsg = %+v, %v", out[0].Interface(), out[1].Interface())
		}
		f.expectJournal(t, fmt.Sprintf("OnSharedChannelsSyncMsg channel=%s remote=east", id('c')))
	}},
	{"OnSharedChannelsPing", func(t *testing.T, f *fixture) {
		if out := callHook(t, f.hk, "OnSharedChannelsPing", remote("east")); !out[0].Bool() {
			t.Error("OnSharedChannelsPing(east) = false")
		}
		if out := callHook(t, f.hk, "OnSharedChannelsPing", remote("down")); out[0].Bool() {
			t.Error("OnSharedChannelsPing(down) = true")
		}
	}},
	{"OnSharedChannelsAttachmentSyncMsg", func(t *testing.T, f *fixture) {
		info := &model.FileInfo{Id: id('f'), Name: "photo.png", Size: 5, MimeType: "image/png"}
		out := callHook(t, f.hk, "OnSharedChannelsAttachmentSyncMsg", info, post('p', "ok"), remote("east"))
		if !isNil(out[0]) {
			t.Errorf("OnSharedChannelsAttachmentSyncMsg = %v", out[0].Interface())
		}
		out = callHook(t, f.hk, "OnSharedChannelsAttachmentSyncMsg", info, post('p', "fail"), remote("east"))
		if err, _ := out[0].Interface().(error); err == nil || err.Error() != "attachment sync failed in the fixture" {
			t.Errorf("OnSharedChannelsAttachmentSyncMsg(fail) = %v", out[0].Interface())
		}
		f.expectJournal(t, fmt.Sprintf("OnSharedChannelsAttachmentSyncMsg file=photo.png post=%s remote=east", id('p')))
	}},
	{"OnSharedChannelsProfileImageSyncMsg", func(t *testing.T, f *fixture) {
		out := callHook(t, f.hk, "OnSharedChannelsProfileImageSyncMsg", user("dave"), remote("east"))
		if !isNil(out[0]) {
			t.Errorf("OnSharedChannelsProfileImageSyncMsg = %v", out[0].Interface())
		}
		f.expectJournal(t, "OnSharedChannelsProfileImageSyncMsg user=dave remote=east")
	}},

	// ----- HTTP ------------------------------------------------------------------------------------
	{"ServeHTTP", func(t *testing.T, f *fixture) {
		w := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodPost, "/echo?x=1", strings.NewReader("hello world"))
		r.Header.Set("Content-Type", "text/plain")
		f.hk.ServeHTTP(pluginContext(), w, r)
		if w.Code != http.StatusCreated || w.Header().Get("X-Echo-Method") != "POST" || w.Body.String() != "POST /echo?x=1\nhello world" {
			t.Errorf("ServeHTTP echo = %d %v %q", w.Code, w.Header(), w.Body.String())
		}
	}},
	{"ServeMetrics", func(t *testing.T, f *fixture) {
		w := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodGet, "/metrics", nil)
		callHook(t, f.hk, "ServeMetrics", pluginContext(), http.ResponseWriter(w), r)
		want := "allhooks_up 1\nallhooks_metrics_requests{path=\"/metrics\"} 1\n"
		if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "text/plain; version=0.0.4" || w.Body.String() != want {
			t.Errorf("ServeMetrics = %d %v %q", w.Code, w.Header(), w.Body.String())
		}
	}},

	// ----- OnDeactivate, last: the server deactivates the plugin --------------------------------
	{"OnDeactivate", func(t *testing.T, f *fixture) {
		pid := f.h.pluginPID(f.id)
		defer killIfAlive(pid)
		start := time.Now()
		if !f.h.env.Deactivate(f.id) {
			t.Fatal("Deactivate returned false")
		}
		took := time.Since(start)
		if sets := f.h.recorder(f.id).kvSets(); len(sets) == 0 || sets[len(sets)-1] != "fixture_state=inactive" {
			t.Errorf("KVSet calls %v, want fixture_state=inactive last (made inside OnDeactivate)", sets)
		}
		if _, ok := waitGone(pid, exitLimit); !ok || took >= exitLimit {
			t.Errorf("the plugin did not exit within %v of deactivation (took %v)", exitLimit, took)
		}
	}},
}

func messages(posts []*model.Post) string {
	var out []string
	for _, p := range posts {
		out = append(out, p.Message)
	}
	return strings.Join(out, "|")
}

func remote(name string) *model.RemoteCluster {
	return &model.RemoteCluster{RemoteId: id('r'), Name: name, SiteURL: "https://remote.example.com", CreateAt: 1}
}

// checkPropsRoundTrip: Props with every dynamic kind go to the plugin and come back (the
// fixture echoes them under "echo"), with their Go types intact.
func checkPropsRoundTrip(t *testing.T, f *fixture) {
	props := func() model.StringInterface {
		return model.StringInterface{
			"int":     int(7),
			"int64":   int64(1) << 40,
			"float64": 2.5,
			"string":  "text",
			"bool":    true,
			"list":    []any{"a", int(2), 1.5, false},
			"nested": map[string]any{
				"inner": map[string]any{"x": int64(3), "y": "deep", "z": []any{map[string]any{"k": int(1)}}},
				"n":     int(-5),
			},
		}
	}
	in := post('p', "props")
	// The stock host decodes the reply into the post it sent (and into its Props map), so
	// the expected value is a separate copy.
	in.SetProps(props())
	out, reason := f.hk.MessageWillBePosted(pluginContext(), in)
	if out == nil || reason != "" {
		t.Fatalf("MessageWillBePosted(props) = %v, %q", out, reason)
	}
	echo, ok := out.GetProp("echo").(map[string]any)
	if !ok {
		t.Fatalf("props.echo is %T, want map[string]interface {}", out.GetProp("echo"))
	}
	want := map[string]any(props())
	if !reflect.DeepEqual(echo, want) {
		t.Errorf("props came back as\n  %s\nwant\n  %s", typed(echo), typed(want))
	}
}

// typed prints a value with the Go type of every leaf.
func typed(v any) string {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var parts []string
		for _, k := range keys {
			parts = append(parts, k+": "+typed(x[k]))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case []any:
		var parts []string
		for _, e := range x {
			parts = append(parts, typed(e))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return fmt.Sprintf("%T(%v)", v, v)
}

// checkFileWillBeUploaded: an 8 MiB upload comes back upper-cased through the replacement
// stream with the new name and size; an .exe is rejected.
func checkFileWillBeUploaded(t *testing.T, f *fixture) {
	const size = 8 << 20
	data := make([]byte, size)
	for i := range data {
		data[i] = "abcdefghijklmnopqrstuvwxyz0123456789 \n"[i%38]
	}
	var outBuf bytes.Buffer
	info := &model.FileInfo{Id: id('f'), Name: "notes.txt", Size: size, MimeType: "text/plain", CreatorId: id('u'), Extension: "txt"}
	f.multi(t, plugin.FileWillBeUploadedID, func(hk plugin.Hooks) {
		out, reason := hk.FileWillBeUploaded(pluginContext(), info, bytes.NewReader(data), &outBuf)
		if reason != "" || out == nil || out.Name != "scanned-notes.txt" || out.Size != size || out.Id != id('f') || out.MimeType != "text/plain" {
			t.Errorf("FileWillBeUploaded = %+v, %q", out, reason)
		}
		if !bytes.Equal(outBuf.Bytes(), bytes.ToUpper(data)) {
			t.Errorf("replacement content: %d bytes, not the upper-cased upload (%d bytes)", outBuf.Len(), size)
		}
		var rejected bytes.Buffer
		exe := &model.FileInfo{Id: id('f'), Name: "setup.exe", Size: size}
		_, reason = hk.FileWillBeUploaded(pluginContext(), exe, bytes.NewReader(data), &rejected)
		if reason != "executables are not allowed" || rejected.Len() != 0 {
			t.Errorf("FileWillBeUploaded(setup.exe) reason %q, %d replacement bytes", reason, rejected.Len())
		}
	})
}

func checkExecuteCommand(t *testing.T, f *fixture) {
	run := func(hk plugin.Hooks, c *plugin.Context, command string) (*model.CommandResponse, *model.AppError) {
		return hk.ExecuteCommand(c, &model.CommandArgs{Command: command, UserId: id('u'), ChannelId: id('c'), TeamId: id('t'),
			SiteURL: "https://chat.example.com", UserMentions: model.UserMentionMap{"alice": id('a')}})
	}
	f.multi(t, plugin.ExecuteCommandID, func(hk plugin.Hooks) {
		resp, appErr := run(hk, pluginContext(), "/echo  hello there ")
		if appErr != nil || resp == nil || resp.Text != "hello there" || resp.ResponseType != model.CommandResponseTypeEphemeral {
			t.Errorf("/echo = %+v, %v", resp, appErr)
		}
		resp, appErr = run(hk, pluginContext(), "/context")
		want := fmt.Sprintf("hook=ExecuteCommand session=%s ip=203.0.113.7", id('s'))
		if appErr != nil || resp == nil || !strings.HasPrefix(resp.Text, want) {
			t.Errorf("/context = %+v, %v; want prefix %q", resp, appErr, want)
		}
		resp, appErr = run(hk, &plugin.Context{}, "/fail")
		if resp != nil || appErr == nil || appErr.Id != "plugin.fixture.failed" || appErr.StatusCode != 400 || appErr.Message != "Failed on request." {
			t.Errorf("/fail = %+v, %#v", resp, appErr)
		}
		resp, appErr = run(hk, &plugin.Context{}, "/blocking")
		if appErr != nil || resp == nil || resp.Text != "42" {
			t.Errorf("/blocking = %+v, %v", resp, appErr)
		}
		resp, appErr = run(hk, &plugin.Context{}, "/no-such-command")
		if resp != nil || appErr == nil || appErr.StatusCode != 400 || !strings.Contains(appErr.Message, "unknown fixture command") {
			t.Errorf("/no-such-command = %+v, %#v", resp, appErr)
		}
	})
	t.Run("panic fails the call only", func(t *testing.T) {
		resp, appErr := run(f.hk, &plugin.Context{}, "/panic")
		if resp != nil || appErr != nil {
			t.Errorf("/panic = %+v, %v; want no response and no error", resp, appErr)
		}
		if err := f.h.env.PerformHealthCheck(f.id); err != nil {
			t.Fatalf("health check after /panic: %v", err)
		}
		if resp, _ := run(f.hk, &plugin.Context{}, "/echo alive"); resp == nil || resp.Text != "alive" {
			t.Errorf("/echo after /panic = %+v", resp)
		}
	})
	t.Run("concurrent hooks", func(t *testing.T) {
		// /barrier 8 returns only when 8 calls wait at once: the plugin serves hook calls
		// concurrently over the one net/rpc connection.
		const n = 8
		done := make(chan string, n)
		for i := 0; i < n; i++ {
			go func() {
				resp, appErr := run(f.hk, &plugin.Context{}, fmt.Sprintf("/barrier %d", n))
				if appErr != nil || resp == nil {
					done <- fmt.Sprintf("%+v %v", resp, appErr)
					return
				}
				done <- resp.Text
			}()
		}
		for i := 0; i < n; i++ {
			select {
			case got := <-done:
				if got != "released" {
					t.Errorf("/barrier = %q", got)
				}
			case <-time.After(60 * time.Second):
				t.Fatalf("/barrier %d did not release: hook calls are not served concurrently", n)
			}
		}
	})
}

// TestHooksCatchAWrongPlugin runs TestHooks (in a child test process) with the API probe
// installed as the all-hooks fixture: a plugin that implements ServeHTTP only, and not as the
// contract says. The run must fail, naming the hooks.
func TestHooksCatchAWrongPlugin(t *testing.T) {
	if bundles.apiProbe == "" {
		t.Skip("no apiprobe bundle to play the wrong plugin")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(self, "-test.run=^TestHooks$", "-bundles=allhooks="+bundles.apiProbe).CombinedOutput()
	if err == nil {
		t.Fatalf("TestHooks passed with a plugin that implements only ServeHTTP:\n%s", tail(string(out), 3000))
	}
	text := string(out)
	want := fmt.Sprintf("hooks covered over net/rpc: 0/%d", len(hookNames()))
	for _, s := range []string{want, "Implemented lacks OnActivate", "hooks that failed: ["} {
		if !strings.Contains(text, s) {
			t.Errorf("the failing run does not say %q:\n%s", s, tail(text, 3000))
		}
	}
}
