// Issue 14's Discord peer: the smallest Express app with discord-interactions a community organiser would write.
// verifyKeyMiddleware checks the Ed25519 signature over timestamp + body (401 otherwise) and answers PING with
// type 1 itself; an application command gets type 4 with a short text. Nothing is stored, nothing is looked up.
'use strict';

const express = require('express');
const { InteractionType, InteractionResponseType, verifyKeyMiddleware } = require('discord-interactions');

const port = Number.parseInt(process.env.PORT ?? '', 10);
const publicKey = process.env.DISCORD_PUBLIC_KEY;
if (!Number.isInteger(port) || port <= 0 || !publicKey) {
  console.error('Set PORT and DISCORD_PUBLIC_KEY.');
  process.exit(2);
}

const app = express();

// The same path StudyBot answers on, so the driver sends identical requests to both.
app.post('/discord/interactions', verifyKeyMiddleware(publicKey), (req, res) => {
  if (req.body.type === InteractionType.APPLICATION_COMMAND) {
    res.send({
      type: InteractionResponseType.CHANNEL_MESSAGE_WITH_SOURCE,
      data: { content: 'Use /progress to see your roadmap, /progress done <item> when you finish one, /progress next for what comes next.' },
    });
    return;
  }

  res.status(400).send({ error: 'unknown interaction type' });
});

const server = app.listen(port, '127.0.0.1', () => {
  console.log(`discord-interactions peer listening on 127.0.0.1:${port}`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
  });
}
