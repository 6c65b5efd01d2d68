'use strict';
// The benchmark's peer: a Bolt (Slack's Node framework) app doing the same
// /incident work as warroom, over the same Socket Mode simulator, so the two
// can be compared. Written the way a Bolt app is usually written; the one
// deliberate choice is that a slash command is acked WITH its answer, after
// its record is committed, because that is what warroom does. Like warroom it
// posts an announcement per declaration, an approval card per draft and the
// approved text once.

const { App, LogLevel } = require('@slack/bolt');
const Database = require('better-sqlite3');

// ---------------------------------------------------------------- settings

function setting(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`peer: ${name} is not set`);
    process.exit(2);
  }
  return value;
}

// ------------------------------------------------------------------- store

const SCHEMA = `
CREATE TABLE IF NOT EXISTS incidents (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  title       TEXT NOT NULL,
  severity    TEXT NOT NULL,
  lead        TEXT NOT NULL,
  channel     TEXT NOT NULL,
  declared_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS incidents_by_channel ON incidents (channel, id);
CREATE TABLE IF NOT EXISTS timeline (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  incident_id INTEGER NOT NULL REFERENCES incidents (id),
  kind        TEXT NOT NULL,
  author      TEXT NOT NULL,
  text        TEXT NOT NULL,
  at          INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS drafts (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  incident_id  INTEGER NOT NULL REFERENCES incidents (id),
  audience     TEXT NOT NULL,
  author       TEXT NOT NULL,
  text         TEXT NOT NULL,
  state        TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'published')),
  created_at   INTEGER NOT NULL,
  approved_by  TEXT,
  approved_at  INTEGER,
  published_ts TEXT,
  published_at INTEGER
);
`;

// Opens (or creates) the database with warroom's SQLite settings and returns
// one function per command's writes, each a single transaction over
// statements prepared once here.
function openStore(path) {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.exec(SCHEMA);

  const sql = {
    insertIncident: db.prepare(
      'INSERT INTO incidents (title, severity, lead, channel, declared_at) VALUES (?, ?, ?, ?, ?)'),
    // The newest incident run in a channel is the one a command there is about.
    incidentIn: db.prepare('SELECT id FROM incidents WHERE channel = ? ORDER BY id DESC LIMIT 1'),
    insertEntry: db.prepare(
      'INSERT INTO timeline (incident_id, kind, author, text, at) VALUES (?, ?, ?, ?, ?)'),
    insertDraft: db.prepare(
      `INSERT INTO drafts (incident_id, audience, author, text, state, created_at)
       VALUES (?, ?, ?, ?, 'pending', ?)`),
    draftWithLead: db.prepare(
      `SELECT d.id, d.incident_id, d.text, d.state, i.lead
       FROM drafts d JOIN incidents i ON i.id = d.incident_id WHERE d.id = ?`),
    approveDraft: db.prepare(
      "UPDATE drafts SET state = 'approved', approved_by = ?, approved_at = ? WHERE id = ?"),
    publishDraft: db.prepare(
      "UPDATE drafts SET state = 'published', published_ts = ?, published_at = ? WHERE id = ?"),
  };

  const incidentIn = (channel) => sql.incidentIn.get(channel)?.id ?? null;

  return {
    close: () => db.close(),

    declare: db.transaction(({ title, severity, lead, channel, at }) =>
      Number(sql.insertIncident.run(title, severity, lead, channel, at).lastInsertRowid)),

    // Returns the incident's id, or null when no incident runs in the channel.
    addEntry: db.transaction(({ channel, kind, author, text, at }) => {
      const incident = incidentIn(channel);
      if (incident !== null) sql.insertEntry.run(incident, kind, author, text, at);
      return incident;
    }),

    // Returns the draft's id, or null when no incident runs in the channel.
    addDraft: db.transaction(({ channel, audience, author, text, at }) => {
      const incident = incidentIn(channel);
      if (incident === null) return null;
      return Number(sql.insertDraft.run(incident, audience, author, text, at).lastInsertRowid);
    }),

    // Checks and marks in one transaction, so that of two approvals of the same
    // draft only one gets 'approved' and so only one publishes it.
    approve: db.transaction(({ draft, approver, at }) => {
      const row = sql.draftWithLead.get(draft);
      if (!row) return { outcome: 'unknown' };
      if (row.lead !== approver) return { outcome: 'not_lead', row };
      if (row.state !== 'pending') return { outcome: 'decided', row };
      sql.approveDraft.run(approver, at, draft);
      return { outcome: 'approved', row };
    }),

    published: db.transaction(({ draft, ts, at }) => { sql.publishDraft.run(ts, at, draft); }),
  };
}

// ---------------------------------------------------------------- commands

const USAGE = 'Usage: /incident declare SEV TITLE | note TEXT | update TEXT | '
  + 'draft AUDIENCE TEXT | approve D-N';
const NO_INCIDENT = 'No incident runs in this channel; declare one first: /incident declare sev2 TITLE';

// "word rest of the text" -> ['word', 'rest of the text'], keeping the rest's spacing.
function firstWord(text) {
  const match = /^\s*(\S*)\s*([\s\S]*?)\s*$/.exec(text ?? '');
  return [match[1], match[2]];
}

const draftName = (id) => `D-${id}`;
const incidentName = (id) => `INC-${id}`;

function parseDraftName(text) {
  const match = /^D-(\d+)$/i.exec(text.trim());
  return match ? Number(match[1]) : null;
}

// Returns the answer and, as `afterAck`, the announcement to post after the ack.
function declare(store, client, command, rest) {
  const [severity, title] = firstWord(rest);
  if (!/^sev[1-4]$/i.test(severity) || !title) return 'Usage: /incident declare SEV TITLE (SEV is sev1 to sev4)';
  const sev = severity.toLowerCase();
  const id = store.declare({
    title, severity: sev, lead: command.user_id, channel: command.channel_id, at: Date.now(),
  });
  return {
    text: `${incidentName(id)} declared: ${title}`,
    afterAck: () => post(client, command.channel_id,
      `${incidentName(id)} (${sev}) declared by <@${command.user_id}>: ${title}`),
  };
}

function addEntry(store, command, kind, text) {
  if (!text) return `Usage: /incident ${kind} TEXT`;
  const incident = store.addEntry({
    channel: command.channel_id, kind, author: command.user_id, text, at: Date.now(),
  });
  if (incident === null) return NO_INCIDENT;
  return kind === 'note' ? `Noted on ${incidentName(incident)}.` : `Update recorded on ${incidentName(incident)}.`;
}

// Answers, and leaves for after the ack the approval card: the text and an
// approve button for the lead (warroom posts one too).
function draft(store, client, command, rest) {
  const [audience, text] = firstWord(rest);
  if (!audience || !text) return 'Usage: /incident draft AUDIENCE TEXT';
  const id = store.addDraft({
    channel: command.channel_id, audience, author: command.user_id, text, at: Date.now(),
  });
  if (id === null) return NO_INCIDENT;
  const name = draftName(id);
  return {
    text: `${name} drafted for ${audience}; waiting for approval.`,
    afterAck: () => post(client, command.channel_id, `${name} for ${audience}: ${text}`, [
      { type: 'section', text: { type: 'mrkdwn', text: `*${name}* for ${audience}, waiting for approval:\n${text}` } },
      {
        type: 'actions',
        elements: [{
          type: 'button', action_id: 'approve_draft', value: name, style: 'primary',
          text: { type: 'plain_text', text: 'Approve' },
        }],
      },
    ]),
  };
}

// Shared by `/incident approve D-N` and the approve button: only the
// incident's lead approves; the draft is then posted once and marked published.
async function approve(store, client, { draft: id, approver, channel }) {
  const name = draftName(id);
  const decision = store.approve({ draft: id, approver, at: Date.now() });
  switch (decision.outcome) {
    case 'unknown': return `There is no draft ${name}.`;
    case 'not_lead':
      return `Only ${incidentName(decision.row.incident_id)}'s lead (<@${decision.row.lead}>) may approve ${name}.`;
    case 'decided': return `${name} is already ${decision.row.state}.`;
    default: break;
  }
  let posted;
  try {
    posted = await client.chat.postMessage({ channel, text: decision.row.text });
  } catch (error) {
    // Left 'approved': it was decided, only the post failed.
    return `${name} approved, but posting it failed: ${error.message}`;
  }
  store.published({ draft: id, ts: posted.ts, at: Date.now() });
  return `${name} approved and published.`;
}

// A post whose failure only gets logged: the command was answered already.
async function post(client, channel, text, blocks) {
  try {
    await client.chat.postMessage(blocks ? { channel, text, blocks } : { channel, text });
  } catch (error) {
    console.error(`peer: chat.postMessage to ${channel} failed: ${error.message}`);
  }
}

// The answer to one /incident command: a text, or { text, afterAck } when some
// work (a post) is left for after the ack. (Not named `then`: an async
// function's result with a then() would be awaited as a promise.)
async function answer(store, client, command) {
  const [verb, rest] = firstWord(command.text);
  switch (verb.toLowerCase()) {
    case 'declare': return declare(store, client, command, rest);
    case 'note': return addEntry(store, command, 'note', rest);
    case 'update': return addEntry(store, command, 'update', rest);
    case 'draft': return draft(store, client, command, rest);
    case 'approve': {
      const id = parseDraftName(rest);
      if (id === null) return 'Usage: /incident approve D-N';
      return approve(store, client, { draft: id, approver: command.user_id, channel: command.channel_id });
    }
    default: return USAGE;
  }
}

// --------------------------------------------------------------------- app

function buildApp(store) {
  const app = new App({
    token: setting('SLACK_BOT_TOKEN'),
    appToken: setting('SLACK_APP_TOKEN'),
    socketMode: true,
    logLevel: LogLevel.WARN,
    // Bolt hands the app's clientOptions to its SocketModeReceiver as
    // installerOptions.clientOptions, and the SocketModeClient builds the
    // WebClient that calls apps.connections.open from them: this one URL
    // serves both the Web API calls and the socket's opening.
    clientOptions: { slackApiUrl: setting('SLACK_API_URL') },
  });

  // Acked with the answer once the command's writes are committed (as warroom
  // does); what is left, the declaration's post, is done after the ack.
  app.command('/incident', async ({ command, ack, client, logger }) => {
    let reply;
    try {
      reply = await answer(store, client, command);
    } catch (error) {
      logger.error(`peer: /incident ${command.text} failed: ${error.stack}`);
      reply = 'Something went wrong; nothing was recorded.';
    }
    const { text, afterAck } = typeof reply === 'string' ? { text: reply } : reply;
    await ack({ response_type: 'ephemeral', text });
    if (afterAck) await afterAck();
  });

  // A button click is acked first (Bolt's 3-second rule), then worked on.
  app.action('approve_draft', async ({ action, body, ack, client, logger }) => {
    await ack();
    const id = parseDraftName(action.value ?? '');
    if (id === null) return;
    const result = await approve(store, client, { draft: id, approver: body.user.id, channel: body.channel.id });
    // The click was acked already, so its outcome (a refusal too) is only logged.
    logger.debug(`peer: approve button: ${result}`);
  });

  app.error(async (error) => { console.error(`peer: ${error.stack ?? error}`); });
  return app;
}

// Stops the socket, then closes the database, once, on SIGTERM or SIGINT.
function stopOnSignals(app, store) {
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    const giveUp = new Promise((resolve) => setTimeout(resolve, 2000).unref());
    await Promise.race([app.stop().catch(() => {}), giveUp]);
    store.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

async function main() {
  const store = openStore(setting('PEER_DB'));
  const app = buildApp(store);
  stopOnSignals(app, store);
  await app.start();   // resolves once the socket has said hello
  console.log('peer ready');
}

main().catch((error) => {
  console.error(`peer: ${error.stack ?? error}`);
  process.exit(1);
});
