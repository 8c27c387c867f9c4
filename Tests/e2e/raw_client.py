"""A raw Varlink client the tests run as other users (runuser), so that SO_PEERCRED names that user.

Usage: python3 raw_client.py SOCKET < calls.json
calls.json is a list of {"method": ..., "parameters": ...}; each call goes on its own connection. Prints a JSON list
of the replies, in order; {"closed": true} stands for a connection the daemon closed without answering, and
{"connect_error": "..."} for a connection that could not be made. Standard library only: it runs under the system
Python as users who cannot read root's.
"""

import json
import socket
import sys


def call(path, message, timeout=20.0):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect(path)
    except OSError as error:
        sock.close()
        return {"connect_error": f"{type(error).__name__}: {error}"}
    try:
        try:
            sock.sendall(json.dumps(message).encode() + b"\0")
        except (BrokenPipeError, ConnectionResetError):
            # The daemon may refuse a connection (a connection limit) before the call is written: its error reply,
            # if any, is still in the receive buffer, so read on rather than fail.
            pass
        buffer = b""
        while b"\0" not in buffer:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                return {"closed": True}
            if not chunk:
                return {"closed": True}
            buffer += chunk
        return json.loads(buffer.partition(b"\0")[0])
    finally:
        sock.close()


def main():
    path = sys.argv[1]
    calls = json.load(sys.stdin)
    json.dump([call(path, message) for message in calls], sys.stdout)


if __name__ == "__main__":
    main()
