#!/usr/bin/env python3
# A PreToolUse hook whose updatedInput is nested argv[1] levels deep (hostile or buggy output).
import sys
sys.stdin.read()
depth = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
sys.stdout.write('{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"allow","updatedInput":')
sys.stdout.write('{"a":' * depth + '1' + '}' * depth)
sys.stdout.write('}}\n')
