package main

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"strings"
)

const masqChain = "KIND-MASQ-AGENT"

// syncMasquerade keeps, for each IP family that has a pod subnet, the nat chain KIND-MASQ-AGENT
// (pod subnets RETURN, the rest MASQUERADE) and the POSTROUTING rule that jumps to it for
// non-local destinations. It uses the iptables commands of the image, whose wrapper picks the
// node's back end (legacy or nft).
func syncMasquerade(subnets []*net.IPNet) error {
	var errs []error
	for _, fam := range []struct {
		bin string
		v4  bool
	}{{"iptables", true}, {"ip6tables", false}} {
		var mine []*net.IPNet
		for _, s := range subnets {
			if (s.IP.To4() != nil) == fam.v4 {
				mine = append(mine, s)
			}
		}
		if len(mine) == 0 {
			continue
		}
		if err := syncFamily(fam.bin, mine); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", fam.bin, err))
		}
	}
	return errors.Join(errs...)
}

func syncFamily(bin string, subnets []*net.IPNet) error {
	// Rewrite the chain in one iptables-restore transaction: a chain line flushes that chain only.
	var b strings.Builder
	b.WriteString("*nat\n:" + masqChain + " - [0:0]\n")
	for _, s := range subnets {
		fmt.Fprintf(&b, "-A %s -d %s -m comment --comment \"kind-masq-agent: local traffic is not subject to MASQUERADE\" -j RETURN\n", masqChain, s)
	}
	fmt.Fprintf(&b, "-A %s -m comment --comment \"kind-masq-agent: outbound traffic is subject to MASQUERADE (must be last in chain)\" -j MASQUERADE\n", masqChain)
	b.WriteString("COMMIT\n")
	if err := run(bin+"-restore", b.String(), "--noflush", "--wait"); err != nil {
		return err
	}
	rule := []string{"POSTROUTING", "-m", "comment", "--comment",
		"kind-masq-agent: ensure nat POSTROUTING directs all non-LOCAL destination traffic to our custom KIND-MASQ-AGENT chain",
		"-m", "addrtype", "!", "--dst-type", "LOCAL", "-j", masqChain}
	if run(bin, "", append([]string{"--wait", "-t", "nat", "-C"}, rule...)...) == nil {
		return nil // already there
	}
	return run(bin, "", append([]string{"--wait", "-t", "nat", "-A"}, rule...)...)
}

func run(name, stdin string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %v: %s", name, strings.Join(args, " "), err, strings.TrimSpace(out.String()))
	}
	return nil
}
