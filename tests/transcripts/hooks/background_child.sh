#!/bin/sh
# A hook that starts a background job (as `notify-send … &` does) and exits at once. The job
# keeps the hook's stdout and stderr open for $1 seconds.
cat >/dev/null
sleep "${1:-97}" &
echo '{"systemMessage":"left a background job"}'
