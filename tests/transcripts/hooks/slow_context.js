#!/usr/bin/env node
// A node hook: reads the whole event from stdin, works for argv[2] seconds, reports the event.
let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const event = JSON.parse(input);
  setTimeout(() => {
    console.log(JSON.stringify({ systemMessage: `node saw ${event.hook_event_name}` }));
  }, 1000 * Number(process.argv[2] || 1));
});
