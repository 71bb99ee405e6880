package main

import (
	"log"
	"net"

	"github.com/vishvananda/netlink"
)

// linkMTU returns the MTU of the named interface, or 1500 when it cannot be read.
func linkMTU(name string) int {
	link, err := netlink.LinkByName(name)
	if err != nil {
		log.Printf("MTU of %s: %v; using 1500", name, err)
		return 1500
	}
	return link.Attrs().MTU
}

// ensureRoute makes dst reachable via gw, replacing any route to dst with another gateway.
// It reports whether it had to change anything.
func ensureRoute(dst *net.IPNet, gw net.IP) (bool, error) {
	family := netlink.FAMILY_V4
	if dst.IP.To4() == nil {
		family = netlink.FAMILY_V6
	}
	existing, err := netlink.RouteListFiltered(family, &netlink.Route{Dst: dst}, netlink.RT_FILTER_DST)
	if err != nil {
		return false, err
	}
	for _, r := range existing {
		if r.Gw.Equal(gw) {
			return false, nil
		}
	}
	return true, netlink.RouteReplace(&netlink.Route{Dst: dst, Gw: gw})
}
