// Conformance of a Rust plugin with the real launcher: hashicorp/go-plugin v1.4.10 (the
// version Mattermost pins), configured as the Mattermost server configures it, starts the
// mm-hooks fixture plugin, health-checks it, calls Implemented and a few hooks through this
// project's proto compiled for Go, then Kill()s it and checks that it exited by itself.
package conformance

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	hclog "github.com/hashicorp/go-hclog"
	plugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	pb "github.com/mattermost-community/mattermost-plugin-rust/tests/go-plugin-conformance/gen/pluginapipb"
)

// Mattermost's handshake for server plugins.
var handshake = plugin.HandshakeConfig{
	ProtocolVersion:  1,
	MagicCookieKey:   "MATTERMOST_PLUGIN",
	MagicCookieValue: "Securely message teams, anywhere.",
}

// hooksPlugin is the host side of the plugin: it hands out the PluginHooks client.
type hooksPlugin struct {
	plugin.NetRPCUnsupportedPlugin
}

func (hooksPlugin) GRPCServer(*plugin.GRPCBroker, *grpc.Server) error {
	return errors.New("the host does not serve hooks")
}

func (hooksPlugin) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, conn *grpc.ClientConn) (interface{}, error) {
	return pb.NewPluginHooksClient(conn), nil
}

// fakeAPI is the minimal PluginAPI the plugin's client talks to.
type fakeAPI struct {
	pb.UnimplementedPluginAPIServer
	mu    sync.Mutex
	calls []string
}

func (a *fakeAPI) GetServerVersion(context.Context, *pb.GetServerVersionRequest) (*pb.GetServerVersionResponse, error) {
	a.record("GetServerVersion")
	return &pb.GetServerVersionResponse{Version: "10.5.0"}, nil
}

func (a *fakeAPI) KVSet(_ context.Context, r *pb.KVSetRequest) (*pb.KVSetResponse, error) {
	a.record(fmt.Sprintf("KVSet %s=%s", r.GetKey(), r.GetValue()))
	return &pb.KVSetResponse{}, nil
}

func (a *fakeAPI) record(call string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.calls = append(a.calls, call)
}

func (a *fakeAPI) Calls() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.calls...)
}

// syncBuffer collects the plugin's log as go-plugin relays it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func startFakeAPI(t *testing.T) (*fakeAPI, string) {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	api := &fakeAPI{}
	server := grpc.NewServer()
	pb.RegisterPluginAPIServer(server, api)
	go func() { _ = server.Serve(listener) }()
	t.Cleanup(server.Stop)
	return api, listener.Addr().String()
}

func TestGoPluginLaunchesTheRustPlugin(t *testing.T) {
	binary := os.Getenv("MM_PLUGIN_FIXTURE")
	if binary == "" {
		t.Fatal("MM_PLUGIN_FIXTURE must name the mm-hooks fixture binary (run.sh builds it)")
	}
	api, apiAddr := startFakeAPI(t)

	var log syncBuffer
	logger := hclog.New(&hclog.LoggerOptions{Name: "plugin-host", Output: io.MultiWriter(&log, os.Stderr), Level: hclog.Trace})

	// As the server does: the "interpreter" gets the executable path as its one argument.
	cmd := exec.Command(binary, "server/dist/plugin.py")
	cmd.Env = append(os.Environ(), "MATTERMOST_PLUGIN_API_TARGET="+apiAddr)
	client := plugin.NewClient(&plugin.ClientConfig{
		HandshakeConfig:  handshake,
		Plugins:          map[string]plugin.Plugin{"hooks": hooksPlugin{}},
		Cmd:              cmd,
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		Logger:           logger,
		StartTimeout:     10 * time.Second,
	})
	defer client.Kill()

	rpcClient, err := client.Client()
	if err != nil {
		t.Fatalf("go-plugin could not start the plugin: %v\n%s", err, log.String())
	}
	if client.Protocol() != plugin.ProtocolGRPC {
		t.Fatalf("protocol %v, want grpc", client.Protocol())
	}
	// Ping is go-plugin's health check: grpc.health.v1 with service "plugin".
	if err := rpcClient.Ping(); err != nil {
		t.Fatalf("health ping: %v", err)
	}
	raw, err := rpcClient.Dispense("hooks")
	if err != nil {
		t.Fatal(err)
	}
	hooks := raw.(pb.PluginHooksClient)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	implemented, err := hooks.Implemented(ctx, &pb.ImplementedRequest{})
	if err != nil {
		t.Fatalf("Implemented: %v", err)
	}
	if n := len(implemented.GetHooks()); n != 41 {
		t.Fatalf("Implemented lists %d hooks, want 41: %v", n, implemented.GetHooks())
	}
	for _, name := range []string{"OnActivate", "MessageWillBePosted", "ServeHTTP", "OnSAMLLogin"} {
		if !contains(implemented.GetHooks(), name) {
			t.Errorf("Implemented lacks %s", name)
		}
	}

	activated, err := hooks.OnActivate(ctx, &pb.OnActivateRequest{})
	if err != nil || activated.GetError() != nil {
		t.Fatalf("OnActivate: %v %v", err, activated.GetError())
	}
	if calls := api.Calls(); !contains(calls, "KVSet fixture_state=active") {
		t.Errorf("the plugin did not use its API client: %v", calls)
	}

	posted, err := hooks.MessageWillBePosted(ctx, &pb.MessageWillBePostedRequest{
		Post: &pb.Post{Id: strings.Repeat("p", 26), ChannelId: strings.Repeat("c", 26), Message: "hello from go"},
	})
	if err != nil {
		t.Fatalf("MessageWillBePosted: %v", err)
	}
	if got := posted.GetModifiedPost().GetMessage(); got != "HELLO FROM GO" {
		t.Errorf("modified message %q", got)
	}
	dismissed, err := hooks.MessageWillBePosted(ctx, &pb.MessageWillBePostedRequest{Post: &pb.Post{Message: "dismiss"}})
	if err != nil || dismissed.GetRejectionReason() != "plugin.message_will_be_posted.dismiss_post" {
		t.Errorf("dismiss: %v %q", err, dismissed.GetRejectionReason())
	}

	login, err := hooks.UserWillLogIn(ctx, &pb.UserWillLogInRequest{User: &pb.User{Username: "mallory"}})
	if err != nil || login.GetRejectionReason() != "mallory may not log in" {
		t.Errorf("UserWillLogIn: %v %q", err, login.GetRejectionReason())
	}

	command, err := hooks.ExecuteCommand(ctx, &pb.ExecuteCommandRequest{Args: &pb.CommandArgs{Command: "/echo conformance"}})
	if err != nil || command.GetResponse().GetText() != "conformance" {
		t.Errorf("ExecuteCommand: %v %v", err, command)
	}

	stream, err := hooks.ServeHTTP(ctx)
	if err != nil {
		t.Fatal(err)
	}
	err = stream.Send(&pb.ServeHTTPRequest{
		Init:         &pb.ServeHTTPRequestInit{Method: "PUT", Url: "/echo", ContentLength: 4},
		BodyChunk:    []byte("ping"),
		BodyComplete: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	_ = stream.CloseSend()
	var body []byte
	status := int32(0)
	for {
		part, err := stream.Recv()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("ServeHTTP: %v", err)
		}
		if part.GetInit() != nil {
			status = part.GetInit().GetStatusCode()
		}
		body = append(body, part.GetBodyChunk()...)
	}
	if status != 201 || string(body) != "PUT /echo\nping" {
		t.Errorf("ServeHTTP answered %d %q", status, body)
	}

	deactivated, err := hooks.OnDeactivate(ctx, &pb.OnDeactivateRequest{})
	if err != nil || deactivated.GetError() != nil {
		t.Fatalf("OnDeactivate: %v %v", err, deactivated.GetError())
	}

	// Kill: GRPCController/Shutdown, close the connection, wait up to 2 s for the process to
	// exit by itself, else SIGKILL. A graceful plugin exits with status 0 well before that.
	started := time.Now()
	client.Kill()
	took := time.Since(started)
	if !client.Exited() {
		t.Fatal("the plugin process is still running after Kill")
	}
	state := cmd.ProcessState
	if state == nil {
		t.Fatal("no exit state for the plugin process")
	}
	if !state.Success() {
		t.Errorf("the plugin did not exit gracefully: %v (after %v)\n%s", state, took, log.String())
	}
	if took >= 2*time.Second {
		t.Errorf("Kill took %v: the plugin did not exit within go-plugin's 2 s grace period", took)
	}
	if !strings.Contains(log.String(), "the server called GRPCController/Shutdown") {
		t.Errorf("the plugin's hclog lines did not reach the host's log:\n%s", log.String())
	}
	t.Logf("plugin exited with %v in %v after Kill", state, took)
}

func contains(list []string, want string) bool {
	for _, item := range list {
		if item == want {
			return true
		}
	}
	return false
}
