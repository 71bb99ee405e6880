package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log"
	"net"
	"os"
	"path/filepath"
)

// cniWriter renders the node's CNI config list, in the same shape as kind's kindnet config:
// ptp with host-local IPAM (state in /run/cni-ipam-state) and the portmap plugin, CNI spec 0.3.1.
type cniWriter struct {
	path string
	mtu  int
	last []byte
}

type ipRange struct {
	Subnet string `json:"subnet"`
}

type route struct {
	Dst string `json:"dst"`
}

func (w *cniWriter) render(cidrs []*net.IPNet) ([]byte, error) {
	var ranges [][]ipRange
	var routes []route
	v4, v6 := false, false
	for _, c := range cidrs {
		ranges = append(ranges, []ipRange{{Subnet: c.String()}})
		if c.IP.To4() != nil && !v4 {
			v4 = true
			routes = append(routes, route{Dst: "0.0.0.0/0"})
		} else if c.IP.To4() == nil && !v6 {
			v6 = true
			routes = append(routes, route{Dst: "::/0"})
		}
	}
	conf := map[string]any{
		"cniVersion": "0.3.1",
		"name":       "kindnet",
		"plugins": []any{
			map[string]any{
				"type":   "ptp",
				"ipMasq": false, // KIND-MASQ-AGENT does the masquerading
				"mtu":    w.mtu,
				"ipam": map[string]any{
					"type":    "host-local",
					"dataDir": "/run/cni-ipam-state",
					"routes":  routes,
					"ranges":  ranges,
				},
			},
			map[string]any{
				"type":         "portmap",
				"capabilities": map[string]bool{"portMappings": true},
			},
		},
	}
	return json.MarshalIndent(conf, "", "  ")
}

// write replaces the config file atomically (temp file + rename), and only when its content changes.
func (w *cniWriter) write(cidrs []*net.IPNet) error {
	if len(cidrs) == 0 {
		return fmt.Errorf("node has no podCIDR yet")
	}
	data, err := w.render(cidrs)
	if err != nil {
		return err
	}
	if bytes.Equal(data, w.last) {
		return nil
	}
	if cur, err := os.ReadFile(w.path); err == nil && bytes.Equal(cur, data) {
		w.last = data
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(w.path), 0o755); err != nil {
		return err
	}
	tmp := w.path + ".temp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, w.path); err != nil {
		return err
	}
	w.last = data
	log.Printf("wrote %s for pod CIDRs %v", w.path, cidrs)
	return nil
}
