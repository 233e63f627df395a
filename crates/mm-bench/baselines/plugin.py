#!/usr/bin/env python3
"""Baseline plugin for mm-bench: a Mattermost server plugin written in Python with grpcio.

It does the same work as the Rust plugins it is compared with:

- the `hello` example: OnActivate reads the server version and registers /hello;
  MessageWillBePosted replaces the word "darn" (any ASCII case) with asterisks; ExecuteCommand
  greets and counts greetings in the KV store (KVGet, then KVCompareAndSet, retried on a race);
- the ServeHTTP bench routes: GET /small (1 KiB), GET /download?bytes=N (N bytes in 64 KiB
  chunks), POST /upload (reads the body, answers its length).

It speaks the go-plugin protocol the way the server expects: magic cookie check, a listener on
127.0.0.1, the handshake line on stdout, gRPC health ("plugin" SERVING) and
plugin.GRPCController/Shutdown. The Python stubs come from this project's proto/ folder
(mm-bench generates them with grpc_tools.protoc and puts them on PYTHONPATH).
"""

import json
import os
import sys
import threading
import time
from concurrent import futures
from urllib.parse import parse_qs, urlsplit

import grpc

from mattermost.pluginapi.v1 import (
    api_pb2_grpc,
    commands_pb2,
    hooks_commands_pb2,
    hooks_http_pb2,
    hooks_lifecycle_pb2,
    hooks_messages_pb2,
    hooks_pb2_grpc,
    kv_pb2,
    system_pb2,
)
from plugin import go_plugin_pb2, go_plugin_pb2_grpc

MAGIC_COOKIE_KEY = "MATTERMOST_PLUGIN"
MAGIC_COOKIE_VALUE = "Securely message teams, anywhere."
BANNED_WORD = "darn"
COUNTER_KEY = "greetings"
CHUNK = 64 * 1024
SMALL_BODY = b"x" * 1024
# The largest body chunk, reused for every chunk of a download.
DOWNLOAD_BLOCK = bytes(range(256)) * (CHUNK // 256)
UNLIMITED = [("grpc.max_send_message_length", -1), ("grpc.max_receive_message_length", -1)]


def log(level, message):
    """One hclog JSON line on stderr, which the server logs with its level."""
    line = {"@level": level, "@message": message, "@timestamp": time.strftime("%Y-%m-%dT%H:%M:%S")}
    sys.stderr.write(json.dumps(line) + "\n")
    sys.stderr.flush()


def filter_message(message):
    """The message with every banned word replaced, or None when it has none."""
    lower = message.lower()
    if BANNED_WORD not in lower:
        return None
    out, rest = [], 0
    start = lower.find(BANNED_WORD)
    while start != -1:
        out.append(message[rest:start])
        out.append("*" * len(BANNED_WORD))
        rest = start + len(BANNED_WORD)
        start = lower.find(BANNED_WORD, rest)
    out.append(message[rest:])
    return "".join(out)


class Hooks(hooks_pb2_grpc.PluginHooksServicer):
    def __init__(self, api):
        self.api = api

    def Implemented(self, request, context):
        hooks = ["OnActivate", "MessageWillBePosted", "ExecuteCommand", "ServeHTTP"]
        return hooks_lifecycle_pb2.ImplementedResponse(hooks=hooks)

    def OnActivate(self, request, context):
        version = self.api.GetServerVersion(system_pb2.GetServerVersionRequest()).version
        log("info", "hello (Python) is active on Mattermost " + version)
        command = commands_pb2.Command(
            trigger="hello",
            display_name="Hello",
            description="Says hello from Python",
            auto_complete=True,
            auto_complete_desc="Say hello",
            auto_complete_hint="[name]",
        )
        response = self.api.RegisterCommand(commands_pb2.RegisterCommandRequest(command=command))
        if response.HasField("error"):
            return hooks_lifecycle_pb2.OnActivateResponse(error=response.error)
        return hooks_lifecycle_pb2.OnActivateResponse()

    def MessageWillBePosted(self, request, context):
        filtered = filter_message(request.post.message)
        if filtered is None:
            return hooks_messages_pb2.MessageWillBePostedResponse()
        post = request.post
        post.message = filtered
        return hooks_messages_pb2.MessageWillBePostedResponse(modified_post=post)

    def ExecuteCommand(self, request, context):
        words = request.args.command.split()
        name = words[1] if len(words) > 1 else "world"
        count = self.count_greeting()
        text = "Hello, %s! (greeting #%d from Python)" % (name, count)
        response = commands_pb2.CommandResponse(response_type="ephemeral", text=text)
        return hooks_commands_pb2.ExecuteCommandResponse(response=response)

    def count_greeting(self):
        """Adds one to the counter atomically (read, then compare-and-set), as the Rust plugin."""
        for attempt in range(1, 9):
            current = self.api.KVGet(kv_pb2.KVGetRequest(key=COUNTER_KEY))
            if current.HasField("error"):
                raise RuntimeError(current.error.message)
            count = (json.loads(current.value) if current.value else 0) + 1
            written = self.api.KVCompareAndSet(
                kv_pb2.KVCompareAndSetRequest(
                    key=COUNTER_KEY, old_value=current.value, new_value=json.dumps(count).encode()
                )
            )
            if written.HasField("error"):
                raise RuntimeError(written.error.message)
            if written.success:
                return count
            time.sleep(0.005 * attempt)
        raise RuntimeError("the greeting counter kept changing")

    def ServeHTTP(self, request_iterator, context):
        first = next(request_iterator)
        init = first.init
        url = urlsplit(init.url)
        if init.method == "GET" and url.path == "/small":
            yield response(200, "application/octet-stream", SMALL_BODY, complete=True)
        elif init.method == "GET" and url.path == "/download":
            size = int(parse_qs(url.query).get("bytes", ["0"])[0])
            yield response(200, "application/octet-stream", b"", complete=False)
            sent = 0
            while sent < size:
                n = min(CHUNK, size - sent)
                chunk = DOWNLOAD_BLOCK if n == CHUNK else DOWNLOAD_BLOCK[:n]
                yield hooks_http_pb2.ServeHTTPResponse(body_chunk=chunk)
                sent += n
            yield hooks_http_pb2.ServeHTTPResponse(body_complete=True)
        elif init.method == "POST" and url.path == "/upload":
            received = len(first.body_chunk)
            done = first.body_complete
            while not done:
                part = next(request_iterator)
                received += len(part.body_chunk)
                done = part.body_complete
            yield response(200, "text/plain", str(received).encode(), complete=True)
        else:
            yield response(404, "text/plain", b"Not Found", complete=True)


def response(status, content_type, body, complete):
    headers = [hooks_http_pb2.HTTPHeader(key="Content-Type", values=[content_type])]
    init = hooks_http_pb2.ServeHTTPResponseInit(status_code=status, headers=headers)
    return hooks_http_pb2.ServeHTTPResponse(init=init, body_chunk=body, body_complete=complete)


class Controller(go_plugin_pb2_grpc.GRPCControllerServicer):
    def __init__(self, stop):
        self.stop = stop

    def Shutdown(self, request, context):
        self.stop.set()
        return go_plugin_pb2.Empty()


def health_check(request, context):
    # grpc.health.v1.HealthCheckResponse{status: SERVING}, encoded by hand: the health
    # service's stubs are a separate package, and the answer never changes.
    return b"\x08\x01"


def main():
    if os.environ.get(MAGIC_COOKIE_KEY) != MAGIC_COOKIE_VALUE:
        sys.stderr.write("This is a Mattermost plugin; it must be started by the Mattermost server.\n")
        return 1
    api_channel = grpc.insecure_channel(os.environ["MATTERMOST_PLUGIN_API_TARGET"], options=UNLIMITED)
    api = api_pb2_grpc.PluginAPIStub(api_channel)

    stop = threading.Event()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=32), options=UNLIMITED)
    hooks_pb2_grpc.add_PluginHooksServicer_to_server(Hooks(api), server)
    go_plugin_pb2_grpc.add_GRPCControllerServicer_to_server(Controller(stop), server)
    identity = lambda raw: raw  # noqa: E731
    check = grpc.unary_unary_rpc_method_handler(
        health_check, request_deserializer=identity, response_serializer=identity
    )
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler("grpc.health.v1.Health", {"Check": check}),))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    sys.stdout.write("1|1|tcp|127.0.0.1:%d|grpc\n" % port)
    sys.stdout.flush()

    stop.wait()
    server.stop(0.2).wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
