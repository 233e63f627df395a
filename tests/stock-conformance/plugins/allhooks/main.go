// allhooks is the Go stand-in of the all-hooks fixture: a stock Go plugin (plugin.ClientMain)
// that implements every hook of plugin.Hooks at server/public v0.4.4 with the behaviour
// contract in ../../README.md ("All-hooks fixture contract"). "Will be" hooks change or
// reject what they get in recognisable ways, "has been" hooks write to a journal that the
// /journal command returns, and ServeHTTP serves the routes the harness drives.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"

	"github.com/mattermost-community/mattermost-plugin-rust/tests/stock-conformance/plugins/internal/orphan"
)

// AllHooks is the fixture.
type AllHooks struct {
	plugin.MattermostPlugin

	mu      sync.Mutex
	journal []string
	barrier *barrier
	sse     map[string]chan struct{}

	configChanges  atomic.Int64
	abortedStreams atomic.Int64
	shortUploads   atomic.Int64
	sleepsStarted  atomic.Int64
	sleepsFinished atomic.Int64
}

func (p *AllHooks) note(entry string) {
	p.mu.Lock()
	p.journal = append(p.journal, entry)
	p.mu.Unlock()
}

func (p *AllHooks) journalText() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.journal, "\n")
}

func (p *AllHooks) stats() map[string]int64 {
	return map[string]int64{
		"config_changes":  p.configChanges.Load(),
		"aborted_streams": p.abortedStreams.Load(),
		"short_uploads":   p.shortUploads.Load(),
		"sleeps_started":  p.sleepsStarted.Load(),
		"sleeps_finished": p.sleepsFinished.Load(),
	}
}

// ----- lifecycle ----------------------------------------------------------------------------

func (p *AllHooks) OnActivate() error {
	p.note(fmt.Sprintf("OnActivate config_changes=%d", p.configChanges.Load()))
	if appErr := p.API.KVSet("fixture_state", []byte("active")); appErr != nil {
		return appErr
	}
	return nil
}

func (p *AllHooks) OnDeactivate() error {
	p.note("OnDeactivate")
	if appErr := p.API.KVSet("fixture_state", []byte("inactive")); appErr != nil {
		return appErr
	}
	return nil
}

func (p *AllHooks) OnConfigurationChange() error {
	n := p.configChanges.Add(1)
	p.note(fmt.Sprintf("OnConfigurationChange n=%d", n))
	return nil
}

func (p *AllHooks) OnInstall(c *plugin.Context, event model.OnInstallEvent) error {
	if event.UserId == "failfailfailfailfailfailfa" {
		return errors.New("install refused by the fixture")
	}
	session := ""
	if c != nil {
		session = c.SessionId
	}
	p.note(fmt.Sprintf("OnInstall user=%s session=%s", event.UserId, session))
	return nil
}

func (p *AllHooks) OnSendDailyTelemetry() {
	p.note("OnSendDailyTelemetry")
}

func (p *AllHooks) RunDataRetention(nowTime, batchSize int64) (int64, error) {
	p.note(fmt.Sprintf("RunDataRetention now=%d", nowTime))
	return batchSize * 2, nil
}

func (p *AllHooks) OnCloudLimitsUpdated(limits *model.ProductLimits) {
	storage := "None"
	if limits != nil && limits.Files != nil && limits.Files.TotalStorage != nil {
		storage = fmt.Sprintf("Some(%d)", *limits.Files.TotalStorage)
	}
	p.note("OnCloudLimitsUpdated storage=" + storage)
}

func (p *AllHooks) ConfigurationWillBeSaved(newCfg *model.Config) (*model.Config, error) {
	if newCfg.ServiceSettings.SiteURL != nil && *newCfg.ServiceSettings.SiteURL == "http://refuse" {
		return nil, &model.AppError{
			Id:         "plugin.fixture.config_refused",
			Message:    "This site URL is not allowed.",
			StatusCode: http.StatusBadRequest,
			Where:      "AllHooks.ConfigurationWillBeSaved",
		}
	}
	if newCfg.PluginSettings.Plugins == nil {
		newCfg.PluginSettings.Plugins = map[string]map[string]any{}
	}
	newCfg.PluginSettings.Plugins["fixture"] = map[string]any{"touched": true}
	return newCfg, nil
}

func (p *AllHooks) GenerateSupportData(c *plugin.Context) ([]*model.FileData, error) {
	return []*model.FileData{{
		Filename: "fixture/diagnostics.txt",
		Body:     []byte("request=" + c.RequestId),
	}}, nil
}

// ----- slash commands -----------------------------------------------------------------------

type barrier struct {
	n, waiting int
	release    chan struct{}
}

func ephemeral(text string) *model.CommandResponse {
	return &model.CommandResponse{ResponseType: model.CommandResponseTypeEphemeral, Text: text}
}

func (p *AllHooks) ExecuteCommand(c *plugin.Context, args *model.CommandArgs) (resp *model.CommandResponse, appErr *model.AppError) {
	// A panic fails this call only: the host gets no response and no error, and the
	// plugin keeps serving (a Go plugin that does not recover dies with the panic).
	defer func() {
		if r := recover(); r != nil {
			resp, appErr = nil, nil
		}
	}()
	fields := strings.Fields(args.Command)
	trigger := ""
	if len(fields) > 0 {
		trigger = strings.TrimPrefix(fields[0], "/")
	}
	text := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(args.Command), "/"+trigger))
	switch trigger {
	case "echo":
		return ephemeral(text), nil
	case "journal":
		return ephemeral(p.journalText()), nil
	case "stats":
		b, _ := json.Marshal(p.stats())
		return ephemeral(string(b)), nil
	case "panic":
		panic("the fixture panics on request")
	case "fail":
		return nil, &model.AppError{Id: "plugin.fixture.failed", Message: "Failed on request.",
			StatusCode: http.StatusBadRequest, Where: "AllHooks.ExecuteCommand"}
	case "sleep":
		ms, err := strconv.Atoi(text)
		if err != nil {
			return nil, invalid("sleep needs milliseconds: " + err.Error())
		}
		p.sleepsStarted.Add(1)
		time.Sleep(time.Duration(ms) * time.Millisecond)
		p.sleepsFinished.Add(1)
		return ephemeral("slept"), nil
	case "barrier":
		n, err := strconv.Atoi(text)
		if err != nil || n < 1 {
			return nil, invalid("barrier needs a count")
		}
		p.mu.Lock()
		if p.barrier == nil {
			p.barrier = &barrier{n: n, release: make(chan struct{})}
		}
		b := p.barrier
		b.waiting++
		if b.waiting == b.n {
			close(b.release)
			p.barrier = nil
		}
		p.mu.Unlock()
		<-b.release
		return ephemeral("released"), nil
	case "blocking":
		done := make(chan int)
		go func() {
			time.Sleep(20 * time.Millisecond)
			done <- 6 * 7
		}()
		return ephemeral(strconv.Itoa(<-done)), nil
	case "context":
		if c == nil {
			c = &plugin.Context{}
		}
		return ephemeral(fmt.Sprintf("hook=ExecuteCommand session=%s ip=%s", c.SessionId, c.IPAddress)), nil
	}
	return nil, invalid(fmt.Sprintf("unknown fixture command %q", trigger))
}

func invalid(message string) *model.AppError {
	return &model.AppError{Id: "plugin.fixture.invalid_argument", Message: message,
		StatusCode: http.StatusBadRequest, Where: "AllHooks.ExecuteCommand"}
}

func main() {
	orphan.Watch()
	plugin.ClientMain(&AllHooks{sse: map[string]chan struct{}{}})
}
