#!/usr/bin/env python3
"""netns-forward.py NETNS_PATH PORT — the API server, inside the node's network namespace.

Listens on 0.0.0.0:PORT inside the namespace at NETNS_PATH (its loopback and the node IP) and
connects every accepted connection to 127.0.0.1:PORT in the namespace this process started in,
where kube-apiserver listens. So the kubelet and kube-proxy reach the API server at the same
URL as the tests, and Pods reach it the cluster's way: the `kubernetes` Service's endpoint is the
node IP (kube-apiserver's --advertise-address), and kube-proxy's rules DNAT to it. Bytes are
passed through: TLS stays end to end between the client and kube-apiserver.
"""
import ctypes
import os
import socket
import sys
import threading

CLONE_NEWNET = 0x40000000
libc = ctypes.CDLL(None, use_errno=True)


def setns(fd):
    if libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, "setns: " + os.strerror(err))


def pump(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s, how in ((dst, socket.SHUT_WR), (src, socket.SHUT_RD)):
            try:
                s.shutdown(how)
            except OSError:
                pass


def serve(client, port):
    try:
        upstream = socket.create_connection(("127.0.0.1", port))
    except OSError:
        client.close()
        return
    a = threading.Thread(target=pump, args=(client, upstream), daemon=True)
    b = threading.Thread(target=pump, args=(upstream, client), daemon=True)
    a.start()
    b.start()
    a.join()
    b.join()
    client.close()
    upstream.close()


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: netns-forward.py NETNS_PATH PORT")
    netns, port = sys.argv[1], int(sys.argv[2])
    home = os.open("/proc/self/ns/net", os.O_RDONLY)
    target = os.open(netns, os.O_RDONLY)
    # A socket belongs to the namespace it was made in: make the listener in the node's, then
    # come back, so that every connection to the API server is made here.
    setns(target)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("0.0.0.0", port))
    listener.listen(128)
    setns(home)
    os.close(target)
    os.close(home)
    print(f"forwarding {netns} 0.0.0.0:{port} -> 127.0.0.1:{port}", flush=True)
    while True:
        client, _ = listener.accept()
        threading.Thread(target=serve, args=(client, port), daemon=True).start()


if __name__ == "__main__":
    main()
