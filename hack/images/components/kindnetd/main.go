// Command kindnetd is kind-action's own small CNI daemon for its offline test node images.
//
// It stands in for kind's kindnetd (whose nested Go module the module proxy does not serve) and runs
// from the same DaemonSet manifest (image CMD /bin/kindnetd, hostNetwork, NET_ADMIN + NET_RAW). Every
// sync interval it lists the nodes and:
//   - on its own node, writes /etc/cni/net.d/10-kindnet.conflist (ptp + host-local + portmap) for the
//     node's podCIDRs, so containerd can set up pod networking;
//   - for every other node, routes that node's podCIDRs via its InternalIP of the same family;
//   - keeps the nat chain KIND-MASQ-AGENT: pod-subnet destinations RETURN, everything else MASQUERADE,
//     jumped to from POSTROUTING for non-local destinations.
//
// NetworkPolicy enforcement (kind's kindnetd embeds kube-network-policies) is not implemented.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

func usage() {
	fmt.Fprintf(flag.CommandLine.Output(), `Usage: kindnetd [flags]

Environment:
  POD_SUBNET              required: the cluster pod subnet(s), comma separated (e.g. 10.244.0.0/16)
  HOST_IP                 this node's IP (status.hostIP); used to find this node (default: match hostname)
  POD_IP                  informational only
  CONTROL_PLANE_ENDPOINT  optional host:port of the API server, instead of the in-cluster service

Flags:
`)
	flag.PrintDefaults()
}

func main() {
	syncEvery := flag.Duration("sync-interval", 10*time.Second, "how often to reconcile routes and the CNI config")
	masqEvery := flag.Duration("masq-interval", 60*time.Second, "how often to rewrite the KIND-MASQ-AGENT chain")
	cniDir := flag.String("cni-config-dir", "/etc/cni/net.d", "where to write 10-kindnet.conflist")
	flag.Usage = usage
	flag.Parse()
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)

	subnets, err := parseCIDRs(os.Getenv("POD_SUBNET"))
	if err != nil {
		log.Printf("POD_SUBNET: %v", err)
		usage()
		os.Exit(2)
	}
	hostIP := net.ParseIP(os.Getenv("HOST_IP"))
	hostname, _ := os.Hostname()

	cfg, err := rest.InClusterConfig()
	if err != nil {
		log.Fatalf("kubernetes client config: %v", err)
	}
	if ep := os.Getenv("CONTROL_PLANE_ENDPOINT"); ep != "" {
		// Talk to the API server directly: the service VIP needs kube-proxy, which may not run yet.
		cfg.Host = "https://" + ep
	}
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		log.Fatalf("kubernetes client: %v", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	d := &daemon{
		client:   client,
		subnets:  subnets,
		hostIP:   hostIP,
		hostname: hostname,
		cni:      &cniWriter{path: *cniDir + "/10-kindnet.conflist", mtu: linkMTU("eth0")},
		routes:   map[string]string{},
	}
	log.Printf("kindnetd: pod subnets %v, host IP %v, MTU %d", subnets, hostIP, d.cni.mtu)

	var lastMasq time.Time
	tick := time.NewTicker(*syncEvery)
	defer tick.Stop()
	for {
		if time.Since(lastMasq) >= *masqEvery {
			if err := syncMasquerade(subnets); err != nil {
				log.Printf("masquerade: %v", err)
			} else {
				lastMasq = time.Now()
			}
		}
		if err := d.sync(ctx); err != nil && !errors.Is(err, context.Canceled) {
			log.Printf("sync: %v", err)
		}
		select {
		case <-ctx.Done():
			log.Printf("kindnetd: stopping")
			return
		case <-tick.C:
		}
	}
}

type daemon struct {
	client   kubernetes.Interface
	subnets  []*net.IPNet
	hostIP   net.IP
	hostname string
	cni      *cniWriter
	routes   map[string]string // podCIDR -> gateway last installed, to log only changes
}

func (d *daemon) sync(ctx context.Context) error {
	nodes, err := d.client.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return fmt.Errorf("list nodes: %w", err)
	}
	var errs []error
	foundSelf := false
	for i := range nodes.Items {
		n := &nodes.Items[i]
		if d.isSelf(n) {
			foundSelf = true
			if err := d.cni.write(podCIDRs(n)); err != nil {
				errs = append(errs, fmt.Errorf("node %s: CNI config: %w", n.Name, err))
			}
			continue
		}
		if err := d.routeTo(n); err != nil {
			errs = append(errs, fmt.Errorf("node %s: %w", n.Name, err))
		}
	}
	if !foundSelf {
		errs = append(errs, fmt.Errorf("no node has InternalIP %v or name %q", d.hostIP, d.hostname))
	}
	return errors.Join(errs...)
}

func (d *daemon) isSelf(n *corev1.Node) bool {
	if d.hostIP == nil {
		return n.Name == d.hostname
	}
	for _, ip := range internalIPs(n) {
		if ip.Equal(d.hostIP) {
			return true
		}
	}
	return false
}

// routeTo sends traffic for the node's pod CIDRs to the node's InternalIP of the same IP family.
func (d *daemon) routeTo(n *corev1.Node) error {
	var errs []error
	for _, cidr := range podCIDRs(n) {
		var gw net.IP
		for _, ip := range internalIPs(n) {
			if (ip.To4() != nil) == (cidr.IP.To4() != nil) {
				gw = ip
				break
			}
		}
		if gw == nil {
			errs = append(errs, fmt.Errorf("no InternalIP for pod CIDR %s", cidr))
			continue
		}
		changed, err := ensureRoute(cidr, gw)
		if err != nil {
			errs = append(errs, fmt.Errorf("route %s via %s: %w", cidr, gw, err))
			continue
		}
		if changed || d.routes[cidr.String()] != gw.String() {
			log.Printf("route %s via %s (node %s)", cidr, gw, n.Name)
			d.routes[cidr.String()] = gw.String()
		}
	}
	return errors.Join(errs...)
}

func podCIDRs(n *corev1.Node) []*net.IPNet {
	raw := n.Spec.PodCIDRs
	if len(raw) == 0 && n.Spec.PodCIDR != "" {
		raw = []string{n.Spec.PodCIDR}
	}
	var out []*net.IPNet
	for _, s := range raw {
		if _, c, err := net.ParseCIDR(s); err == nil {
			out = append(out, c)
		}
	}
	return out
}

func internalIPs(n *corev1.Node) []net.IP {
	var out []net.IP
	for _, a := range n.Status.Addresses {
		if a.Type == corev1.NodeInternalIP {
			if ip := net.ParseIP(a.Address); ip != nil {
				out = append(out, ip)
			}
		}
	}
	return out
}

func parseCIDRs(s string) ([]*net.IPNet, error) {
	if strings.TrimSpace(s) == "" {
		return nil, errors.New("not set; the kindnet manifest passes the cluster's pod subnet here")
	}
	var out []*net.IPNet
	for _, part := range strings.Split(s, ",") {
		_, c, err := net.ParseCIDR(strings.TrimSpace(part))
		if err != nil {
			return nil, fmt.Errorf("%q is not a CIDR: %v", part, err)
		}
		out = append(out, c)
	}
	return out, nil
}
