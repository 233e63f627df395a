#!/usr/bin/env python3
"""Baseline PluginAPI client for mm-bench: the calls of the API scenario, made with grpcio.

Usage: api_client.py TARGET OP CONCURRENCY WARMUP_S WINDOW_S MAX_CALLS USER_ID CHANNEL_ID

OP is one of server_version, get_user, create_post, kv_set, kv_get. CONCURRENCY threads share
one channel (one HTTP/2 connection, as the Rust clients do) and call in a loop; calls started
during the warm-up are not recorded, calls started in the window are (MAX_CALLS per thread at
most, 0: no limit). Prints one JSON object: {"window_ns": N, "latencies_ns": [...]}. The Python
stubs come from this project's proto/ folder (mm-bench generates them and sets PYTHONPATH).
"""

import json
import sys
import threading
import time

import grpc

from mattermost.pluginapi.v1 import api_pb2_grpc, kv_pb2, posts_pb2, system_pb2, users_pb2

KV_KEY = "bench-kv"
KV_VALUE = b"v" * 1024
UNLIMITED = [("grpc.max_send_message_length", -1), ("grpc.max_receive_message_length", -1)]


def make_call(api, op, user_id, channel_id):
    """A function making one call of the operation; it raises when the server reports an error."""

    def checked(response):
        if response.HasField("error"):
            raise RuntimeError(response.error.message)
        return response

    if op == "server_version":
        request = system_pb2.GetServerVersionRequest()
        return lambda: api.GetServerVersion(request)
    if op == "get_user":
        request = users_pb2.GetUserRequest(user_id=user_id)
        return lambda: checked(api.GetUser(request))
    if op == "create_post":
        def create_post():
            post = posts_pb2.Post(channel_id=channel_id, user_id=user_id, message="benchmark post")
            return checked(api.CreatePost(posts_pb2.CreatePostRequest(post=post)))

        return create_post
    if op == "kv_set":
        request = kv_pb2.KVSetRequest(key=KV_KEY, value=KV_VALUE)
        return lambda: checked(api.KVSet(request))
    if op == "kv_get":
        request = kv_pb2.KVGetRequest(key=KV_KEY)

        def kv_get():
            response = checked(api.KVGet(request))
            if len(response.value) != len(KV_VALUE):
                raise RuntimeError("KVGet answered %d bytes" % len(response.value))
            return response

        return kv_get
    raise SystemExit("unknown operation: " + op)


def main():
    target, op, concurrency, warmup, window, max_calls, user_id, channel_id = sys.argv[1:9]
    concurrency, max_calls = int(concurrency), int(max_calls) or float("inf")
    channel = grpc.insecure_channel(target, options=UNLIMITED)
    grpc.channel_ready_future(channel).result(timeout=10)
    call = make_call(api_pb2_grpc.PluginAPIStub(channel), op, user_id, channel_id)

    start = time.perf_counter_ns()
    window_start = start + int(float(warmup) * 1e9)
    window_end = window_start + int(float(window) * 1e9)
    results, errors = [], []

    def worker():
        latencies = []
        try:
            while True:
                began = time.perf_counter_ns()
                if began >= window_end or len(latencies) >= max_calls:
                    break
                call()
                if began >= window_start:
                    latencies.append(time.perf_counter_ns() - began)
        except Exception as error:  # reported to the benchmark, which stops
            errors.append(repr(error))
        results.append(latencies)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        sys.stderr.write("call failed: %s\n" % errors[0])
        return 1
    window_ns = max(0, min(time.perf_counter_ns(), window_end) - window_start)
    latencies = [value for part in results for value in part]
    sys.stdout.write(json.dumps({"window_ns": window_ns, "latencies_ns": latencies}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
