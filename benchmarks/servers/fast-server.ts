/**
 * A minimal, fast server for measuring clients rather than servers (not the emulator): on one port,
 *
 * - WebSocket at `/ws`: the upgrade done by hand, then a `session_welcome`; frames are written pre-framed in large
 *   chunks straight to the TCP socket, so one core sends far more `channel.follow` notifications than any client
 *   reads. `POST /control/blast?n=` sends n as fast as the socket drains; `POST /control/paced?n=&rate=` sends n at a
 *   steady rate, each stamped with its send time (µs since the epoch, in `user_name`) for send→handler latency.
 * - HTTP: `GET /helix/users` on a connection of its own is answered by hand (node's HTTP server costs more per
 *   request than the clients measured), with one fixed Helix `users` body; `/control/cpu` gives the server's CPU time
 *   so far; `/oauth2/validate` answers a valid token; `POST /helix/eventsub/subscriptions` creates (202) whatever is
 *   asked; `GET` of it lists nothing; every other request answers one fixed Helix `users` body.
 *
 * Runs as its own process (`node --import tsx benchmarks/servers/fast-server.ts`) and prints `{"port":n}`.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo, createServer as createNetServer, type Socket } from 'node:net';

const sockets = new Set<Socket>();
let session = 0;
let messageSeq = 0;

const USERS_BODY = Buffer.from(
  JSON.stringify({
    data: [
      {
        id: '141981764',
        login: 'twitchdev',
        display_name: 'TwitchDev',
        type: '',
        broadcaster_type: 'partner',
        description:
          'Supporting third-party developers building Twitch integrations from chatbots to game integrations.',
        profile_image_url:
          'https://static-cdn.jtvnw.net/jtv_user_pictures/8a6381c7-d0c0-4576-b179-38bd5ce1d6af-profile_image-300x300.png',
        offline_image_url:
          'https://static-cdn.jtvnw.net/jtv_user_pictures/3f13ab61-ec78-4fe6-8481-8682cb3b0ac2-channel_offline_image-1920x1080.png',
        view_count: 5980557,
        created_at: '2016-12-14T20:32:28Z',
      },
    ],
  }),
);
const VALIDATE_BODY = Buffer.from(
  JSON.stringify({
    client_id: 'benchclient',
    login: 'twitchdev',
    scopes: [],
    user_id: '141981764',
    expires_in: 5_000_000,
  }),
);

/** One unmasked text frame (server to client). */
function frame(text: string): Buffer {
  const payload = Buffer.from(text);
  const n = payload.length;
  const head = n < 126 ? Buffer.from([0x81, n]) : Buffer.from([0x81, 126, n >> 8, n & 0xff]);
  if (n >= 65_536) throw new RangeError('frame too large for this server');
  return Buffer.concat([head, payload]);
}

const now = () => new Date().toISOString();
const epochMicros = () => Math.round((performance.timeOrigin + performance.now()) * 1000);

/** Digits of a message id: fixed, so that a blast's frames all have one length and are patched in place. */
const ID_DIGITS = 12;

function followFrame(sessionId: string, userName: string): string {
  const id = `m${String(++messageSeq).padStart(ID_DIGITS, '0')}`;
  return (
    `{"metadata":{"message_id":"${id}","message_type":"notification","message_timestamp":"2024-01-01T00:00:00.000000000Z",` +
    `"subscription_type":"channel.follow","subscription_version":"2"},"payload":{"subscription":{"id":"sub-follow",` +
    `"status":"enabled","type":"channel.follow","version":"2","cost":0,"condition":{"broadcaster_user_id":"1337",` +
    `"moderator_user_id":"1337"},"transport":{"method":"websocket","session_id":"${sessionId}"},` +
    `"created_at":"2024-01-01T00:00:00.000000000Z"},"event":{"user_id":"1234","user_login":"cool_user",` +
    `"user_name":"${userName}","broadcaster_user_id":"1337","broadcaster_user_login":"cooler_user",` +
    `"broadcaster_user_name":"Cooler_User","followed_at":"2024-01-01T00:00:00.000000000Z"}}}`
  );
}

const sessionOf = new WeakMap<Socket, string>();

function upgrade(req: IncomingMessage, socket: Socket): void {
  const key = req.headers['sec-websocket-key'];
  if (typeof key !== 'string') return void socket.destroy();
  const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
  socket.write(
    `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
  );
  socket.setNoDelay(true);
  const id = `session-${++session}`;
  sessionOf.set(socket, id);
  sockets.add(socket);
  // Inbound frames (pongs, the close) are read and dropped; the socket closes when the client goes.
  socket.on('data', () => {});
  socket.on('close', () => sockets.delete(socket));
  // The HTTP server allows half-open sockets: a client that left must not keep a slot (nor stall a blast).
  socket.on('end', () => {
    sockets.delete(socket);
    socket.destroy();
  });
  socket.on('error', () => sockets.delete(socket));
  socket.write(
    frame(
      JSON.stringify({
        metadata: { message_id: `w${id}`, message_type: 'session_welcome', message_timestamp: now() },
        payload: {
          session: {
            id,
            status: 'connected',
            connected_at: now(),
            keepalive_timeout_seconds: 600,
            reconnect_url: null,
          },
        },
      }),
    ),
  );
}

/**
 * `count` framed notifications back to back, from one template: each frame is the template with its id's digits
 * written in place, so a frame costs the server a copy and twelve bytes (the server must outrun every client).
 */
function followFrames(sessionId: string, count: number): Buffer {
  const template = frame(followFrame(sessionId, 'Cool_User'));
  const at = template.indexOf(`"message_id":"m`) + `"message_id":"m`.length;
  const out = Buffer.allocUnsafe(template.length * count);
  for (let i = 0; i < count; i++) {
    const start = i * template.length;
    template.copy(out, start);
    let seq = ++messageSeq;
    for (let d = ID_DIGITS - 1; d >= 0; d--, seq = Math.floor(seq / 10)) out[start + at + d] = 48 + (seq % 10);
  }
  return out;
}

/** Writes n notifications to every socket, in chunks, as fast as each socket drains. */
async function blast(n: number): Promise<void> {
  await Promise.all(
    [...sockets].map(async (socket) => {
      const sessionId = sessionOf.get(socket) ?? '';
      for (let sent = 0; sent < n; ) {
        const count = Math.min(256, n - sent);
        sent += count;
        if (socket.destroyed) return;
        if (!socket.write(followFrames(sessionId, count))) {
          // Whichever comes first removes the other: a listener left per wait piled up on the socket.
          await new Promise<void>((resolve) => {
            const done = () => {
              socket.off('drain', done);
              socket.off('close', done);
              resolve();
            };
            socket.once('drain', done);
            socket.once('close', done);
          });
        }
      }
    }),
  );
}

/** Writes n notifications at `rate` per second, each stamped with its send time. */
async function paced(n: number, rate: number): Promise<void> {
  const start = performance.now();
  let sent = 0;
  while (sent < n) {
    const due = Math.min(n, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
    for (const socket of sockets) {
      const sessionId = sessionOf.get(socket) ?? '';
      const parts: Buffer[] = [];
      for (let i = sent; i < due; i++) parts.push(frame(followFrame(sessionId, String(epochMicros()))));
      if (parts.length) socket.write(Buffer.concat(parts));
    }
    sent = due;
    await new Promise((r) => setTimeout(r, 1));
  }
}

function answer(res: ServerResponse, status: number, body: Buffer | string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/control/blast') {
    void blast(Number(url.searchParams.get('n'))).then(() => answer(res, 200, '{}'));
    return;
  }
  if (url.pathname === '/control/paced') {
    const n = Number(url.searchParams.get('n'));
    void paced(n, Number(url.searchParams.get('rate'))).then(() => answer(res, 200, '{}'));
    return;
  }
  if (url.pathname === '/control/cpu') return answer(res, 200, JSON.stringify(process.cpuUsage()));
  if (url.pathname.endsWith('/oauth2/validate')) return answer(res, 200, VALIDATE_BODY);
  if (url.pathname.endsWith('/eventsub/subscriptions')) {
    if (req.method === 'GET')
      return answer(res, 200, '{"data":[],"total":0,"total_cost":0,"max_total_cost":10,"pagination":{}}');
    if (req.method === 'DELETE') return answer(res, 204, '');
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c;
    });
    req.on('end', () => {
      const asked = JSON.parse(body) as Record<string, unknown>;
      const sub = { id: `sub-${Math.random()}`, status: 'enabled', cost: 0, created_at: now(), ...asked };
      answer(res, 202, JSON.stringify({ data: [sub], total: 1, total_cost: 0, max_total_cost: 10 }));
    });
    return;
  }
  answer(res, 200, USERS_BODY);
});
server.keepAliveTimeout = 60_000;
server.on('upgrade', (req, socket) => upgrade(req, socket as Socket));

/** The fixed answer to `GET /helix/users...`, status line and headers included. */
const USERS_ANSWER = Buffer.concat([
  Buffer.from(
    `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${USERS_BODY.length}\r\n` +
      'connection: keep-alive\r\nkeep-alive: timeout=60\r\n\r\n',
  ),
  USERS_BODY,
]);
const HEAD_END = Buffer.from('\r\n\r\n');

/**
 * A connection whose first request is `GET /helix/users` is answered without node's HTTP server, which costs more
 * per request than the clients being measured: each request (a GET, so no body) ends at its blank line and gets the
 * fixed answer. Any other connection goes to the HTTP server as usual.
 */
function fastUsers(socket: Socket, first: Buffer): void {
  socket.setNoDelay(true);
  let pending = first;
  const serve = (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    let answers = 0;
    let from = 0;
    for (let end = pending.indexOf(HEAD_END, from); end >= 0; end = pending.indexOf(HEAD_END, from)) {
      answers++;
      from = end + HEAD_END.length;
    }
    pending = pending.subarray(from);
    if (answers === 1) socket.write(USERS_ANSWER);
    else if (answers > 1) socket.write(Buffer.concat(Array.from({ length: answers }, () => USERS_ANSWER)));
  };
  socket.on('data', serve);
  socket.on('error', () => socket.destroy());
  pending = Buffer.alloc(0);
  serve(first);
}

const front = createNetServer((socket) => {
  socket.once('data', (first: Buffer) => {
    if (first.subarray(0, 16).toString('latin1') === 'GET /helix/users') return fastUsers(socket, first);
    socket.pause();
    socket.unshift(first);
    server.emit('connection', socket);
    socket.resume();
  });
});
front.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (front.address() as AddressInfo).port })}\n`);
});
process.on('message', () => process.exit(0));
process.stdin.on('end', () => process.exit(0));
