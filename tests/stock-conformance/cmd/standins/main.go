// standins builds the Go stand-in plugins (plugins/allhooks, plugins/apiprobe) with
// server/public v0.4.4 and writes their bundles; it prints the list in the harness's
// -bundles syntax (allhooks=<path>,apiprobe=<path>).
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/mattermost-community/mattermost-plugin-rust/tests/stock-conformance/internal/bundle"
)

func main() {
	out := flag.String("out", "dist", "directory for the bundles")
	flag.Parse()
	spec, err := bundle.BuildStandIns(".", *out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "standins:", err)
		os.Exit(1)
	}
	fmt.Println(spec)
}
