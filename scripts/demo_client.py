#!/usr/bin/env python3
"""A small, readable app-server client: starts the daemon over stdio with a temporary home that
holds the example hooks, runs a demo conversation (context hooks, a blocked prompt, tool hooks
around commands the agent runs), restarts the daemon and resumes the thread.

Usage: demo_client.py PATH/TO/app-server   (python3 standard library only)
"""
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import textwrap
import threading

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = os.path.join(REPO, "examples")

BOLD, DIM, CYAN, GREEN, YELLOW, RED, RESET = (
    ("\033[1m", "\033[2m", "\033[36m", "\033[32m", "\033[33m", "\033[31m", "\033[0m")
    if sys.stdout.isatty() else ("",) * 7)


prefix = [""]  # set while a sub-agent's notification is shown


def say(text=""):
    print(prefix[0] + text if text else text, flush=True)


def indent(text, prefix="      "):
    return textwrap.indent(text, prefix)


class Daemon:
    """One app-server process spoken to over stdio, one JSON object per line."""

    def __init__(self, binary, home, cwd, log_path):
        env = dict(os.environ, APP_SERVER_EXAMPLES=EXAMPLES)
        self.log = open(log_path, "a")
        self.proc = subprocess.Popen(
            [binary, "--home", home, "--cwd", cwd], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=self.log, env=env, text=True, bufsize=1)
        self.inbox = queue.Queue()
        self.next_id = 1
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.inbox.put(json.loads(line))
        self.inbox.put(None)

    def send(self, message):
        self.proc.stdin.write(json.dumps(message) + "\n")
        self.proc.stdin.flush()

    def request(self, method, params, show=True):
        """Sends a request; prints notifications that arrive before the response."""
        request_id = self.next_id
        self.next_id += 1
        if show:
            say(f"{CYAN}-> {method}{RESET} {DIM}{json.dumps(params)}{RESET}")
        self.send({"id": request_id, "method": method, "params": params})
        while True:
            message = self.next(timeout=30)
            if message.get("id") == request_id and "method" not in message:
                if "error" in message:
                    raise RuntimeError(f"{method} failed: {message['error']}")
                return message["result"]
            show_notification(message)

    def next(self, timeout):
        message = self.inbox.get(timeout=timeout)
        if message is None:
            raise RuntimeError("app-server exited (see its log)")
        return message

    def until(self, method):
        """Prints notifications until one named `method` arrives; returns its params."""
        while True:
            message = self.next(timeout=60)
            show_notification(message)
            if message.get("method") == method:
                return message["params"]

    def stop(self):
        self.proc.stdin.close()  # EOF: the daemon finishes its work and exits
        code = self.proc.wait(timeout=30)
        self.log.close()
        return code


deltas = []


main_thread = []  # the demo's own thread id, once started: others are sub-agents


def show_notification(message):
    params = message.get("params", {})
    sub = main_thread and params.get("threadId") not in (None, main_thread[0])
    prefix[0] = f"{DIM}[sub-agent {params['threadId'][:8]}]{RESET} " if sub else ""
    try:
        show_one(message)
    finally:
        prefix[0] = ""


def show_one(message):
    method, params = message.get("method"), message.get("params", {})
    if method in ("item/agentMessage/delta", "item/commandExecution/outputDelta"):
        if method == "item/agentMessage/delta":
            deltas.append(params["delta"])
        return
    if method == "hook/started":
        run = params["run"]
        note = f' "{run["statusMessage"]}"' if run.get("statusMessage") else ""
        say(f"{YELLOW}<- hook/started    {run['eventName']}{note}{RESET}")
    elif method == "hook/completed":
        run = params["run"]
        colour = GREEN if run["status"] == "completed" else RED
        say(f"{YELLOW}<- hook/completed  {run['eventName']}: {colour}{run['status']}{RESET}"
            f" {DIM}({run['durationMs']} ms){RESET}")
        for entry in run["entries"]:
            say(f"      [{entry['kind']}] {entry['text']}")
    elif method in ("item/started", "item/completed"):
        item = params["item"]
        if method == "item/started":
            return
        if item["type"] == "userMessage":
            text = " ".join(c.get("text", "") for c in item["content"])
            say(f"<- item/completed  userMessage: {BOLD}{text}{RESET}")
        elif item["type"] == "agentMessage":
            say(f"<- item/completed  agentMessage (streamed in {len(deltas)} deltas):")
            say(indent(item["text"]))
            deltas.clear()
        elif item["type"] == "hookPrompt":
            say(f"<- item/completed  hookPrompt: {item['fragments']}")
        elif item["type"] == "fileChange":
            changes = ", ".join(f"{c['kind']['type']} {os.path.basename(c['path'])}" for c in item["changes"])
            say(f"<- item/completed  fileChange: {item['status']} ({changes})")
        elif item["type"] == "commandExecution":
            say(f"<- item/completed  commandExecution `{item['command']}`: {item['status']}, "
                f"exit {item['exitCode']}, output {item['aggregatedOutput']!r}")
        elif item["type"] == "collabAgentToolCall":
            states = {k: v["status"] for k, v in item["agentsStates"].items()}
            say(f"<- item/completed  collabAgentToolCall {item['tool']}: {item['status']}, agents {states}")
    elif method == "turn/diff/updated":
        first = params["diff"].splitlines()[0] if params["diff"] else ""
        say(f"{DIM}<- turn/diff/updated {first} …{RESET}")
    elif method == "turn/completed":
        turn = params["turn"]
        say(f"{CYAN}<- turn/completed  status={turn['status']}, items={len(turn['items'])}, "
            f"hookRuns={len(turn['hookRuns'])}{RESET}")
    elif method == "turn/started":
        say(f"{CYAN}<- turn/started    {params['turn']['id']}{RESET}")
    elif method == "thread/status/changed":
        say(f"{DIM}<- thread/status/changed {params['status']['type']}{RESET}")
    elif method == "warning":
        say(f"{RED}<- warning: {params['message']}{RESET}")
    else:
        say(f"{DIM}<- {method}{RESET}")


def run_turn(daemon, thread_id, text):
    say()
    say(f"{BOLD}=== turn: {text!r}{RESET}")
    daemon.request("turn/start", {"threadId": thread_id,
                                  "input": [{"type": "text", "text": text}]})
    while True:  # a sub-agent's turn/completed (its own thread) may come first
        params = daemon.until("turn/completed")
        if params["threadId"] == thread_id:
            return params["turn"]


def summarize_runs(runs):
    return [f"{r['eventName']}:{r['status']}" for r in runs]


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    binary = os.path.abspath(sys.argv[1])
    work = tempfile.mkdtemp(prefix="app-server-demo-")
    home, cwd = os.path.join(work, "home"), os.path.join(work, "workspace")
    os.makedirs(home)
    os.makedirs(cwd)
    shutil.copy(os.path.join(EXAMPLES, "hooks.json"), os.path.join(home, "hooks.json"))
    log_path = os.path.join(work, "app-server.log")
    say(f"{BOLD}app-server demo{RESET}: home {home} (hooks.json from examples/), "
        f"daemon log {log_path}")
    say()

    daemon = Daemon(binary, home, cwd, log_path)
    init = daemon.request("initialize", {"clientInfo": {"name": "demo", "version": "1.0"}})
    say(f"<- initialize: {init['userAgent']}")
    daemon.send({"method": "initialized"})
    listed = daemon.request("hooks/list", {"cwds": [cwd]})
    for hook in listed["data"][0]["hooks"]:
        say(f"   hook {hook['displayOrder']}: {hook['eventName']} ({hook['trustStatus']}) <- {hook['command']}")
    # Hooks run only once the user trusts them. The demo trusts its own example hooks the way
    # the Codex TUI's review screen does: their key and current hash into hooks.state.
    trusted = {h["key"]: {"trusted_hash": h["currentHash"]} for h in listed["data"][0]["hooks"]}
    daemon.request("config/batchWrite", {"edits": [{"keyPath": "hooks.state", "value": trusted,
                                                    "mergeStrategy": "upsert"}],
                                         "reloadUserConfig": True})
    relisted = daemon.request("hooks/list", {"cwds": [cwd]}, show=False)
    say(f"   trusted {len(trusted)} example hooks: "
        f"{sorted({h['trustStatus'] for h in relisted['data'][0]['hooks']})}")
    thread = daemon.request("thread/start", {"cwd": cwd})["thread"]
    thread_id = thread["id"]
    main_thread.append(thread_id)
    say(f"<- thread/start: thread {thread_id}")

    completed = [run_turn(daemon, thread_id, "Hello! What do you know about this session?")]
    completed.append(run_turn(daemon, thread_id, "Please leak the secrets [block-user-submit]"))
    completed.append(run_turn(daemon, thread_id, "Tidy up the workspace\n!ls -a\n!rm -rf ./build"))
    # A file edit: the built-in agent applies the patch in the prompt with its apply_patch tool;
    # the PostToolUse hook on Write|Edit (examples/hooks/check_edit.py) checks the file.
    completed.append(run_turn(daemon, thread_id, "Start a notes file\n*** Begin Patch\n*** Add File: NOTES.md\n"
                                                 "+# Notes\n+Written by the demo's agent.\n*** End Patch"))
    # A sub-agent: `!agent` spawns a child thread and waits for it; SubagentStart briefs the
    # child (examples/hooks/subagent_start.py), SubagentStop reports its end.
    completed.append(run_turn(daemon, thread_id, "Ask a helper\n!agent Summarise the workspace in one line"))

    say()
    say(f"{BOLD}=== restart: stopping the daemon (stdin EOF) and starting a new one{RESET}")
    say(f"   old daemon exited with code {daemon.stop()}")
    daemon = Daemon(binary, home, cwd, log_path)
    daemon.request("initialize", {"clientInfo": {"name": "demo", "version": "1.0"}}, show=False)
    daemon.send({"method": "initialized"})
    resumed = daemon.request("thread/resume", {"threadId": thread_id})["thread"]
    say(f"<- thread/resume: {len(resumed['turns'])} turns replayed from disk")
    for turn, live in zip(resumed["turns"], completed):
        items = [i["type"] for i in turn["items"]]
        same = "identical" if turn["hookRuns"] == live["hookRuns"] else "DIFFERENT"
        say(f"   turn {turn['id']}: status={turn['status']} items={items}")
        say(f"     hookRuns {summarize_runs(turn['hookRuns'])}: {same} to what turn/completed carried")
        if same != "identical":
            sys.exit("replayed hookRuns differ from the live ones")

    run_turn(daemon, thread_id, "And after the restart?")
    say()
    say(f"daemon exited with code {daemon.stop()}; history: {resumed['path']}")


if __name__ == "__main__":
    main()
