// goplugin is a hashicorp/go-plugin net/rpc plugin, served as a Mattermost plugin is
// (plugin.Serve with Mattermost's handshake), for mm-netrpc's host to launch.
package main

import (
	"errors"
	"net/rpc"
	"os"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
)

// AddArgs matches the Rust test's AddArgs{A, B}.
type AddArgs struct {
	A, B int
}

// Hooks is served as "Plugin" on the dispensed broker stream.
type Hooks struct {
	broker *plugin.MuxBroker
}

func (h *Hooks) Echo(s string, reply *string) error {
	*reply = s
	return nil
}

func (h *Hooks) EchoBytes(b []byte, reply *[]byte) error {
	*reply = b
	return nil
}

func (h *Hooks) Add(args AddArgs, reply *int) error {
	*reply = args.A + args.B
	return nil
}

func (h *Hooks) Fail(s string, reply *struct{}) error {
	return errors.New(s)
}

// DialBack dials a broker id of the host, as a Mattermost plugin's OnActivate dials the API.
func (h *Hooks) DialBack(id uint32, reply *string) error {
	conn, err := h.broker.Dial(id)
	if err != nil {
		return err
	}
	client := rpc.NewClient(conn)
	defer client.Close()
	return client.Call("Plugin.Hello", "go", reply)
}

type hooksPlugin struct{}

func (hooksPlugin) Server(b *plugin.MuxBroker) (interface{}, error) {
	return &Hooks{broker: b}, nil
}

func (hooksPlugin) Client(*plugin.MuxBroker, *rpc.Client) (interface{}, error) {
	return nil, errors.New("plugin side only")
}

func main() {
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig: plugin.HandshakeConfig{
			ProtocolVersion:  1,
			MagicCookieKey:   "MATTERMOST_PLUGIN",
			MagicCookieValue: "Securely message teams, anywhere.",
		},
		Plugins: map[string]plugin.Plugin{"hooks": &hooksPlugin{}},
		Logger:  hclog.New(&hclog.LoggerOptions{Output: os.Stderr, JSONFormat: true, Level: hclog.Debug}),
	})
}
