// Issue 14's Slack peer: the smallest Bolt for JavaScript (v4) app a community organiser would write.
// Bolt's HTTP receiver checks the v0 signature (HMAC-SHA256 over v0:timestamp:body, five-minute window) before any
// listener runs; /progress acknowledges with a short text. Nothing is stored, nothing is looked up.
'use strict';

const { App, LogLevel } = require('@slack/bolt');

const port = Number.parseInt(process.env.PORT ?? '', 10);
const signingSecret = process.env.SLACK_SIGNING_SECRET;
if (!Number.isInteger(port) || port <= 0 || !signingSecret) {
  console.error('Set PORT and SLACK_SIGNING_SECRET.');
  process.exit(2);
}

const app = new App({
  signingSecret,
  // A bot token is required to build the app; it is never used. With the bot's ids given, Bolt makes no Web API
  // call at all (no auth.test at start or on the first request): the benchmark machine has no route to Slack.
  token: process.env.SLACK_BOT_TOKEN ?? 'xoxb-peer-benchmark-unused',
  botId: 'B0PEERBENCH',
  botUserId: 'U0PEERBENCH',
  tokenVerificationEnabled: false,
  // The same path StudyBot answers on, so the driver sends identical requests to both.
  endpoints: '/slack/commands',
  logLevel: process.env.BOLT_DEBUG ? LogLevel.DEBUG : LogLevel.ERROR,
});

app.command('/progress', async ({ ack }) => {
  await ack('Use /progress to see your roadmap, /progress done <item> when you finish one, /progress next for what comes next.');
});

(async () => {
  await app.start({ port, host: '127.0.0.1' });
  console.log(`slack-bolt peer listening on 127.0.0.1:${port}`);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    app.stop().finally(() => process.exit(0));
  });
}
