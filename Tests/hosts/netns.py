"""The "hosts": one network namespace per host, joined to the root namespace
by a veth pair. Host i (1-based) is 10.<net>.<i>.2 in namespace
avh-<tag>-<i>; the root side of its pair is 10.<net>.<i>.1, where
PostgreSQL and the fake image server listen. A partition is the root side
of a host's pair set down (both ends lose carrier); healing sets it up again
(the addresses stay, so the connected routes come back by themselves).

Everything is named after a run tag, so `down()` (and scripts/hosts.sh's
trap, by the same names) removes exactly what this run made.
"""
import random
import subprocess


def ip(*args, check=True):
    return subprocess.run(["ip", *args], check=check, capture_output=True, text=True)


def free_net():
    """A second octet from 201..250 that no address or route of this machine uses (10.<net>.0.0/16)."""
    used = ip("-o", "addr").stdout + ip("route").stdout
    for net in range(201, 251):
        if f"10.{net}." not in used:
            return net
    raise RuntimeError("no free 10.201-250.0.0/16 network for the host namespaces")


class HostNetwork:
    def __init__(self, count, tag=None, net=None):
        self.count = count
        self.tag = tag or "%04x" % random.SystemRandom().randrange(0x10000)
        self.net = net or free_net()
        self.made = False

    def ns(self, i):
        return f"avh-{self.tag}-{i}"

    def root_veth(self, i):
        return f"avh{self.tag}r{i}"  # at most 15 characters (IFNAMSIZ)

    def host_veth(self, i):
        return f"avh{self.tag}h{i}"

    def root_addr(self, i):
        return f"10.{self.net}.{i}.1"

    def host_addr(self, i):
        return f"10.{self.net}.{i}.2"

    @property
    def cidr(self):
        return f"10.{self.net}.0.0/16"

    def host_of(self, address):
        """The host number whose namespace has `address`, or None."""
        for i in range(1, self.count + 1):
            if address == self.host_addr(i):
                return i
        return None

    def up(self):
        self.made = True
        for i in range(1, self.count + 1):
            ns, r, h = self.ns(i), self.root_veth(i), self.host_veth(i)
            ip("netns", "add", ns)
            ip("link", "add", r, "type", "veth", "peer", "name", h)
            ip("link", "set", h, "netns", ns)
            ip("addr", "add", f"{self.root_addr(i)}/24", "dev", r)
            ip("link", "set", r, "up")
            ip("-n", ns, "addr", "add", f"{self.host_addr(i)}/24", "dev", h)
            ip("-n", ns, "link", "set", h, "up")
            ip("-n", ns, "link", "set", "lo", "up")

    def partition(self, i):
        ip("link", "set", self.root_veth(i), "down")

    def heal(self, i):
        ip("link", "set", self.root_veth(i), "up")

    def exec_prefix(self, i):
        """The command prefix that runs a program on host i."""
        return ["ip", "netns", "exec", self.ns(i)]

    def down(self):
        """Removes every pair and namespace of this run (deleting one end of a pair deletes both)."""
        if not self.made:
            return
        for i in range(1, self.count + 1):
            ip("link", "del", self.root_veth(i), check=False)
            ip("netns", "del", self.ns(i), check=False)
        self.made = False
