package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"sort"
	"sync"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"
	"github.com/mattermost/mattermost/server/public/plugin/plugintest"
	"github.com/mattermost/mattermost/server/public/shared/mlog"
	"github.com/stretchr/testify/mock"
)

// The seeded data the plugins see: one user, one team, one channel.
var (
	seedUser = &model.User{
		Id: "u1nfzj8ycfd1fmkpsd5cx6ieyh", CreateAt: 1700000000000, UpdateAt: 1700000001000,
		Username: "alice", Email: "alice@example.com", EmailVerified: true, Nickname: "Al",
		FirstName: "Alice", LastName: "Liddell", Position: "engineer", Roles: "system_user",
		Locale: "en", LastPasswordUpdate: 1700000000000,
		Props:       model.StringMap{"customStatus": `{"emoji":"coffee"}`},
		NotifyProps: model.StringMap{"email": "true", "push": "mention", "desktop": "all"},
		Timezone:    model.StringMap{"automaticTimezone": "Europe/Paris", "useAutomaticTimezone": "true", "manualTimezone": ""},
	}
	seedTeamID    = "t8xq3ug1m7bzfp5nhr4wd6oyca"
	seedChannelID = "c5ha9m3kq7xtdbw1ofiz8pneya"
)

// serverVersion is what GetServerVersion answers.
const serverVersion = "10.11.0"

// benchAPI is the in-memory plugin.API of one plugin: real work for the methods the bench
// plugins call (GetServerVersion, GetUser, KVSet, KVGet, KVCompareAndSet, CreatePost,
// RegisterCommand, LoadPluginConfiguration, Log*); every other method answers an error
// (methods without an error result do nothing) and is counted.
type benchAPI struct {
	*plugintest.API // the other methods, answered by fallback

	pluginID string
	logger   *mlog.Logger

	mu       sync.Mutex
	kv       map[string][]byte
	posts    map[string]*model.Post
	commands map[string]*model.Command
	config   map[string]any

	unimplemented map[string]int
}

var _ plugin.API = (*benchAPI)(nil)

func newBenchAPI(pluginID string, logger *mlog.Logger) *benchAPI {
	a := &benchAPI{
		API: &plugintest.API{}, pluginID: pluginID, logger: logger.With(mlog.String("plugin_id", pluginID)),
		kv: map[string][]byte{}, posts: map[string]*model.Post{}, commands: map[string]*model.Command{},
		config: map[string]any{}, unimplemented: map[string]int{},
	}
	a.answerEverythingElse()
	return a
}

// answerEverythingElse sets the fallback up: one testify expectation per plugin.API method,
// answering zero values and, where the method has one, an error.
func (a *benchAPI) answerEverythingElse() {
	apiType := reflect.TypeFor[plugin.API]()
	appErrorType := reflect.TypeFor[*model.AppError]()
	errorType := reflect.TypeFor[error]()
	for i := 0; i < apiType.NumMethod(); i++ {
		m := apiType.Method(i)
		name, ft := m.Name, m.Type
		if ft.IsVariadic() {
			continue // the Log* methods, implemented below
		}
		anys := make([]any, ft.NumIn())
		for j := range anys {
			anys[j] = mock.Anything
		}
		call := a.API.On(name, anys...)
		if ft.NumOut() == 0 {
			call.Run(func(mock.Arguments) { a.count(name) })
			continue
		}
		// plugintest calls a returned function of the method's own type with the arguments.
		answer := reflect.MakeFunc(ft, func([]reflect.Value) []reflect.Value {
			a.count(name)
			out := make([]reflect.Value, ft.NumOut())
			for k := range out {
				switch t := ft.Out(k); t {
				case appErrorType:
					out[k] = reflect.ValueOf(model.NewAppError(name, "bench.host.not_implemented", nil,
						"the bench host does not implement "+name, http.StatusNotImplemented))
				case errorType:
					out[k] = reflect.ValueOf(fmt.Errorf("the bench host does not implement %s", name)).Convert(errorType)
				default:
					out[k] = reflect.Zero(t)
				}
			}
			return out
		})
		call.Return(answer.Interface())
	}
}

func (a *benchAPI) count(method string) {
	a.mu.Lock()
	a.unimplemented[method]++
	a.mu.Unlock()
	a.logger.Warn("the plugin called an API method the bench host does not implement", mlog.String("method", method))
}

// unimplementedCalls lists "Method xN" for every unimplemented method called.
func (a *benchAPI) unimplementedCalls() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := []string{}
	for m, n := range a.unimplemented {
		out = append(out, fmt.Sprintf("%s x%d", m, n))
	}
	sort.Strings(out)
	return out
}

func (a *benchAPI) GetServerVersion() string { return serverVersion }

func (a *benchAPI) GetUser(userID string) (*model.User, *model.AppError) {
	if userID != seedUser.Id {
		return nil, model.NewAppError("GetUser", "app.user.missing_account.const", nil, "user_id="+userID, http.StatusNotFound)
	}
	user := *seedUser
	return &user, nil
}

func (a *benchAPI) KVSet(key string, value []byte) *model.AppError {
	if key == "" {
		return model.NewAppError("KVSet", "plugin.api.kv_set.key", nil, "an empty key", http.StatusBadRequest)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if value == nil {
		delete(a.kv, key)
	} else {
		a.kv[key] = bytes.Clone(value)
	}
	return nil
}

func (a *benchAPI) KVGet(key string) ([]byte, *model.AppError) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if v, ok := a.kv[key]; ok {
		return bytes.Clone(v), nil
	}
	return nil, nil
}

func (a *benchAPI) KVCompareAndSet(key string, oldValue, newValue []byte) (bool, *model.AppError) {
	a.mu.Lock()
	defer a.mu.Unlock()
	current, exists := a.kv[key]
	switch {
	case oldValue == nil && exists, oldValue != nil && (!exists || !bytes.Equal(current, oldValue)):
		return false, nil
	case newValue == nil:
		delete(a.kv, key)
	default:
		a.kv[key] = bytes.Clone(newValue)
	}
	return true, nil
}

func (a *benchAPI) CreatePost(post *model.Post) (*model.Post, *model.AppError) {
	if post.ChannelId != seedChannelID {
		return nil, model.NewAppError("CreatePost", "api.post.create_post.channel.app_error", nil, "channel_id="+post.ChannelId, http.StatusBadRequest)
	}
	stored := post.Clone()
	stored.PreSave()
	if appErr := stored.IsValid(model.PostMessageMaxRunesV2); appErr != nil {
		return nil, appErr
	}
	a.mu.Lock()
	a.posts[stored.Id] = stored
	a.mu.Unlock()
	return stored.Clone(), nil
}

func (a *benchAPI) RegisterCommand(command *model.Command) error {
	if command == nil || command.Trigger == "" {
		return errors.New("a command needs a trigger")
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	stored := *command
	stored.PluginId = a.pluginID
	a.commands[command.Trigger] = &stored
	return nil
}

func (a *benchAPI) LoadPluginConfiguration(dest any) error {
	a.mu.Lock()
	raw, err := json.Marshal(a.config)
	a.mu.Unlock()
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, dest)
}

func (a *benchAPI) log(level mlog.Level, msg string, keyValuePairs []any) {
	fields := make([]mlog.Field, 0, len(keyValuePairs)/2)
	for i := 0; i+1 < len(keyValuePairs); i += 2 {
		fields = append(fields, mlog.Any(fmt.Sprint(keyValuePairs[i]), keyValuePairs[i+1]))
	}
	a.logger.Log(level, msg, fields...)
}

// LogDebug writes to the server log, as the server's API does.
func (a *benchAPI) LogDebug(msg string, keyValuePairs ...any) {
	a.log(mlog.LvlDebug, msg, keyValuePairs)
}

// LogInfo writes to the server log.
func (a *benchAPI) LogInfo(msg string, keyValuePairs ...any) {
	a.log(mlog.LvlInfo, msg, keyValuePairs)
}

// LogWarn writes to the server log.
func (a *benchAPI) LogWarn(msg string, keyValuePairs ...any) {
	a.log(mlog.LvlWarn, msg, keyValuePairs)
}

// LogError writes to the server log.
func (a *benchAPI) LogError(msg string, keyValuePairs ...any) {
	a.log(mlog.LvlError, msg, keyValuePairs)
}
