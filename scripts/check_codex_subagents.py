#!/usr/bin/env python3
"""check_codex_subagents.py CODEX APP_SERVER: sub-agents side by side with Codex 0.169 (issue 22).

Runs each scenario of tests/unit/fixtures/codex_0.169_subagents/ (the ones in SCENARIOS) through
scripts/record_codex_subagent.py twice, once with the reference and once with this server: the
same mock model (replies routed to the parent or the child), the same Python hook on every
event, the same client. Compared, after normalizing ids, nicknames, paths and times:
  - what each model request carries: the tools of ours (exec_command, apply_patch, tool_search)
    and whether it names the deferred namespace; the function calls, tool searches and their
    outputs (what a search found by tool name, its order aside: docs/protocol.md "Sub-agents");
    the user and hook-context messages — per sender (parent / child), in order; the
    <subagent_notification> messages by the last request (which request a notification joins
    depends on whether the child finished before or during the parent's wait: a race in both);
  - every hook payload, whole (as multisets: the parent's and the child's hooks interleave);
  - every collabAgentToolCall item as completed, whole.
Left out on purpose: the reference's own instructions, environment and permission messages
(this server sends none), its tools this server does not have (write_stdin, web_search, goals,
…), message-level fields outside those three, and the items' startedAtMs, completedAtMs and
reasoningEffort (COLLAB_LEFT_OUT). Exit 1 on a difference.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

CODEX, OURS = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "tests", "unit", "fixtures", "codex_0.169_subagents")
RECORDER = os.path.join(ROOT, "scripts", "record_codex_subagent.py")
SCENARIOS = ["spawn_wait", "stop_block", "depth_limit", "tool_search", "thread_limit", "send_idle"]
OUR_TOOLS = {"exec_command", "apply_patch", "tool_search"}
# Item fields left out (docs/protocol.md "Sub-agents"): the reference's items carry
# startedAtMs/completedAtMs that its own generated v2 schema does not declare (this server
# follows the schema), and this server reports no reasoning effort for a thread (it has no
# model catalog to take the default from).
COLLAB_LEFT_OUT = ("startedAtMs", "completedAtMs", "reasoningEffort")
THEIR_PREAMBLE = ("You are Codex", "<skills_instructions>", "<permissions instructions>", "<environment_context>",
                  "<tools>")


def record(server, scenario, out):
    subprocess.run([sys.executable, RECORDER, os.path.join(FIXTURES, scenario + ".scenario.json"), out],
                   env=dict(os.environ, CODEX=server), check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=300)
    with open(out) as f:
        return json.load(f)


def normalized(value):
    text = json.dumps(value, sort_keys=True)
    text = re.sub(r"<id\d+>", "<id>", text)
    text = re.sub(r'(\\?"(?:nickname|agent_nickname|agentNickname)\\?": ?\\?")[^"\\]+', r"\1<nick>", text)
    text = re.sub(r"<work>/home/[^\"\\]+\.jsonl", "<transcript>", text)
    return json.loads(text)


def request_view(request):
    """What of a model request both servers send."""
    kept, notifications, deferred = [], [], False
    for item in request["input"]:
        if item.get("type") != "message":
            item = {k: v for k, v in item.items() if k != "id"}
            if item.get("type") == "tool_search_output":  # what was found, by tool name, order aside
                item["tools"] = sorted(t for t in item["tools"]) if all(isinstance(t, str) for t in item["tools"]) \
                    else sorted(u["name"] for t in item["tools"] for u in t.get("tools", []))
            kept.append(item)
            continue
        parts = []
        for part in item.get("content", []):
            text = part.get("text", "")
            deferred = deferred or text.startswith("<tools>\nDeferred tool namespaces:\n- multi_agent_v1")
            if not text.startswith(THEIR_PREAMBLE):
                parts.append(text)
        if parts and parts[0].startswith("<subagent_notification>"):
            notifications.append(parts[0])
        elif parts:
            kept.append({"role": item["role"], "text": parts})
    return {"tools": sorted(t for t in request["tools"] if t in OUR_TOOLS), "deferred": deferred, "input": kept,
            "notifications": sorted(notifications)}


def view(recording):
    found = recording.get("tool_search_found") or []
    names = {t["name"] for ns in found for t in ns.get("tools", [])}
    requests = {}
    for r in recording["requests"]:
        v = request_view(r)
        for item in v["input"]:  # the recording keeps a search's finds by namespace name only
            if item.get("type") == "tool_search_output" and item["tools"] == ["multi_agent_v1"]:
                item["tools"] = sorted(names)
        requests.setdefault(r["role"], []).append(v)
    collab = [{k: v for k, v in m["params"]["item"].items() if k not in COLLAB_LEFT_OUT} for m in recording["messages"]
              if m.get("method") == "item/completed" and m["params"]["item"].get("type") == "collabAgentToolCall"]
    hooks = sorted((json.dumps(h, sort_keys=True) for h in normalized(recording["hooks"])))
    return normalized({"requests": requests, "hooks": hooks,
                       "collab": sorted(json.dumps(c, sort_keys=True) for c in normalized(collab))})


def search_names(recording):
    """Each tool search's finds by tool name (the full tools are in tool_search_results)."""
    return {k: sorted(t for ns in v for t in ns["tools"]) for k, v in recording.get("tool_search_results", {}).items()}


def diff(label, theirs, ours, out):
    if theirs == ours:
        return
    if isinstance(theirs, list) and isinstance(ours, list):  # the entries only one side has
        a = [json.dumps(x, sort_keys=True) for x in theirs]
        b = [json.dumps(x, sort_keys=True) for x in ours]
        only_a = [x for x in a if x not in b] or ["(the same entries, in another order or number)"]
        only_b = [x for x in b if x not in a]
        out.append(f"  {label}:\n" + "".join(f"    codex only: {x[:1200]}\n" for x in only_a) +
                   "".join(f"    ours only:  {x[:1200]}\n" for x in only_b))
        return
    out.append(f"  {label}:\n    codex: {json.dumps(theirs)[:1500]}\n    ours:  {json.dumps(ours)[:1500]}")


def main():
    base = os.path.join(os.path.expanduser("~"), ".cache", "app-server", "recordings")
    os.makedirs(base, exist_ok=True)
    work = tempfile.mkdtemp(prefix="check-", dir=base)
    failed = 0
    for scenario in SCENARIOS:
        theirs = record(CODEX, scenario, os.path.join(work, scenario + ".codex.json"))
        ours = record(OURS, scenario, os.path.join(work, scenario + ".ours.json"))
        a, b = view(theirs), view(ours)
        problems = []
        for role in sorted(set(a["requests"]) | set(b["requests"])):
            ra, rb = a["requests"].get(role, []), b["requests"].get(role, [])
            if role == "child":  # several children's requests interleave: compare as multisets
                ra = sorted(json.dumps(r, sort_keys=True) for r in ra)
                rb = sorted(json.dumps(r, sort_keys=True) for r in rb)
            if role != "child" and len(ra) == len(rb):  # request by request, item by item
                for n, (x, y) in enumerate(zip(ra, rb)):
                    diff(f"{role} model request {n + 1} tools", x["tools"], y["tools"], problems)
                    diff(f"{role} model request {n + 1} deferred namespace", x["deferred"], y["deferred"], problems)
                    diff(f"{role} model request {n + 1} input", x["input"], y["input"], problems)
                if ra:  # by the last request, the same notifications (when each arrives is a race)
                    diff(f"{role} sub-agent notifications", ra[-1]["notifications"], rb[-1]["notifications"], problems)
                continue
            diff(f"{role} model requests", ra, rb, problems)
        diff("hook payloads", a["hooks"], b["hooks"], problems)
        diff("collabAgentToolCall items", a["collab"], b["collab"], problems)
        diff("tool_search finds", search_names(theirs), search_names(ours), problems)
        print(f"{scenario}: {'same' if not problems else 'DIFFERENT'}")
        for p in problems:
            print(p)
        failed += bool(problems)
    print(f"{len(SCENARIOS) - failed}/{len(SCENARIOS)} scenarios the same as Codex 0.169 (recordings in {work})")
    sys.exit(1 if failed else 0)


main()
