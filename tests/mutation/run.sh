#!/usr/bin/env bash
# Mutation testing with Stryker.NET (the dotnet-stryker local tool in dotnet-tools.json). Not run in CI: a run
# takes minutes to hours on two cores. See docs/testing.md, "Mutation testing".
#
#   bash tests/mutation/run.sh core-focus          # parsing, points, streaks and the outbox, by Core.Tests (~20 min)
#   bash tests/mutation/run.sh core                # all of StudyBot.Core, by Core.Tests (hours)
#   bash tests/mutation/run.sh outbox              # the outbox dispatcher, by Core.Tests
#   bash tests/mutation/run.sh discord-rate-limit  # Discord's REST rate limiter, by Discord.Tests
#   bash tests/mutation/run.sh slack-rate-limit    # Slack's Web API rate limiter, by Slack.Tests
#   bash tests/mutation/run.sh all                 # core-focus, then the outbox and both rate limiters
#
# Reports (HTML and JSON) go to StrykerOutput/<config>/ at the repository root.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
export MSBUILDDISABLENODEREUSE=1
cd "$root"
dotnet tool restore >/dev/null

run() {
  local config=$1 tests
  case $config in
    core|core-focus|outbox) tests=tests/StudyBot.Core.Tests ;;
    discord-rate-limit) tests=tests/StudyBot.Discord.Tests ;;
    slack-rate-limit) tests=tests/StudyBot.Slack.Tests ;;
    *) echo "unknown configuration: $config (core-focus, core, outbox, discord-rate-limit, slack-rate-limit, all)" >&2; exit 2 ;;
  esac
  (cd "$root/$tests" && dotnet stryker --config-file "$root/tests/mutation/$config.json" --output "$root/StrykerOutput/$config")
}

case ${1:-core-focus} in
  all) for c in core-focus discord-rate-limit slack-rate-limit; do run "$c"; done ;;
  *) run "${1:-core-focus}" ;;
esac
