// Drives the script helpers of ioredis (npm `ioredis`: defineCommand) and node-redis 6 (npm `redis` as `redis6`,
// default options, so RESP3: defineScript) against one server, for ScriptClientsIT: a token bucket rate limiter
// (../lua/token-bucket.lua) whose decisions match a model, EVALSHA first and EVAL when the server answers NOSCRIPT
// (after SCRIPT FLUSH), a burst from four connections held to the bucket's capacity, a read-only script
// (EVALSHA_RO) and a RESP3 map out of a script. Prints one "ok <client> <check>" line per check passed; exits
// non-zero with the reason at the first check that fails.
//   node node-scripts.mjs HOST PORT
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createClient, defineScript } from 'redis6';
import Redis from 'ioredis';

const [host, port] = process.argv.slice(2);
const BUCKET = readFileSync(new URL('../lua/token-bucket.lua', import.meta.url), 'utf8');
const REQUESTS = 500;

/** The token bucket of token-bucket.lua, in JavaScript: returns [allowed, milli-tokens left]. */
function bucketModel(state, capacity, rate, now, cost) {
  let tokens = state.tokens ?? capacity * 1000;
  const ts = state.ts ?? now;
  tokens = Math.min(capacity * 1000, tokens + Math.max(0, now - ts) * rate);
  let allowed = 0;
  if (tokens >= cost * 1000) {
    tokens -= cost * 1000;
    allowed = 1;
  }
  Object.assign(state, { tokens, ts: now });
  return [allowed, tokens];
}

/** Sends REQUESTS requests through `call(now, cost)` and checks each decision against the model. */
async function matchesModel(call) {
  let seed = 24;
  const next = (bound) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % bound; };
  const state = {};
  let now = 1_000_000;
  let allowed = 0;
  for (let i = 0; i < REQUESTS; i++) {
    now += next(400);
    const cost = 1 + next(3);
    const expected = bucketModel(state, 10, 5, now, cost);
    assert.deepEqual((await call(now, cost)).map(Number), expected, `request ${i} at ${now} ms costing ${cost}`);
    allowed += expected[0];
  }
  assert.ok(allowed > 0 && allowed < REQUESTS, `${allowed} of ${REQUESTS} allowed: the bucket never limited`);
  return now;
}

/** Four connections send 50 requests each at one instant, no refill: exactly the capacity (37) is allowed. */
async function burst(clients, call) {
  const results = await Promise.all(clients.flatMap((c) => Array.from({ length: 50 }, () => call(c))));
  assert.equal(results.reduce((sum, r) => sum + Number(r[0]), 0), 37, 'allowed in a burst, capacity 37');
}

/**
 * Records every command `client` sends (both clients send through their sendCommand); `names()` gives their names
 * as sent. ioredis names a script's command when it writes it (EVAL on a connection that has not sent the script):
 * `toName` reads the command object then; node-redis rewrites its array of arguments to resend it as EVAL: `toName`
 * reads it at once.
 */
function recordCommands(client, toName, lazily) {
  const seen = [];
  const send = client.sendCommand.bind(client);
  client.sendCommand = (command, ...rest) => {
    seen.push(lazily ? command : toName(command));
    return send(command, ...rest);
  };
  return { names: () => (lazily ? seen.map(toName) : [...seen]), clear: () => { seen.length = 0; } };
}

async function ioredis() {
  const options = { host, port: Number(port), lazyConnect: true, maxRetriesPerRequest: 0 };
  const client = new Redis(options);
  await client.connect();
  client.defineCommand('bucket', { numberOfKeys: 1, lua: BUCKET });
  const key = 'ioredis:bucket';
  await client.del(key);
  await client.script('FLUSH');
  const seen = recordCommands(client, (command) => command.name.toLowerCase(), true);
  const now = await matchesModel((t, cost) => client.bucket(key, 10, 5, t, cost));
  console.log('ok ioredis rate-limiter');

  // ioredis sends EVAL the first time on a connection, EVALSHA after, and EVAL again when that gets NOSCRIPT
  assert.deepEqual(seen.names().slice(0, 2), ['eval', 'evalsha'], 'EVAL first, then EVALSHA');
  await client.script('FLUSH');
  seen.clear();
  assert.equal(Number((await client.bucket(key, 10, 5, now, 0))[0]), 1);
  assert.deepEqual(seen.names(), ['evalsha', 'eval'], 'after SCRIPT FLUSH: EVALSHA, NOSCRIPT, EVAL');
  assert.deepEqual(await client.script('EXISTS', (await client.script('LOAD', BUCKET))), [1]);
  console.log('ok ioredis defineCommand');

  await client.del(key);
  const others = await Promise.all([0, 1, 2].map(async () => {
    const other = new Redis(options);
    await other.connect();
    other.defineCommand('bucket', { numberOfKeys: 1, lua: BUCKET });
    return other;
  }));
  await burst([client, ...others], (c) => c.bucket(key, 37, 0, now, 1));
  console.log('ok ioredis burst');
  await Promise.all([client, ...others].map((c) => c.quit()));
}

async function nodeRedis() {
  const client = createClient({
    url: `redis://${host}:${port}`,
    scripts: {
      bucket: defineScript({
        NUMBER_OF_KEYS: 1,
        SCRIPT: BUCKET,
        parseCommand(parser, key, capacity, rate, now, cost) {
          parser.pushKey(key);
          parser.push(String(capacity), String(rate), String(now), String(cost));
        },
        transformReply: undefined,
      }),
      tokens: defineScript({
        NUMBER_OF_KEYS: 1,
        SCRIPT: "return redis.call('HGET', KEYS[1], 'tokens')",
        IS_READ_ONLY: true,
        parseCommand(parser, key) { parser.pushKey(key); },
        transformReply: undefined,
      }),
      state: defineScript({
        NUMBER_OF_KEYS: 1,
        SCRIPT: "redis.setresp(3) return redis.call('HGETALL', KEYS[1])",
        IS_READ_ONLY: true,
        parseCommand(parser, key) { parser.pushKey(key); },
        transformReply: undefined,
      }),
    },
  });
  client.on('error', (e) => { console.error('node-redis error', e); });
  await client.connect();
  const key = 'node-redis:bucket';
  await client.del(key);
  await client.scriptFlush();
  const seen = recordCommands(client, (args) => String(args[0]).toLowerCase(), false);
  const now = await matchesModel((t, cost) => client.bucket(key, 10, 5, t, cost));
  console.log('ok node-redis rate-limiter');

  assert.deepEqual(seen.names().slice(0, 3), ['evalsha', 'eval', 'evalsha'], 'EVALSHA, EVAL on NOSCRIPT, EVALSHA');
  await client.scriptFlush();
  seen.clear();
  assert.equal(Number((await client.bucket(key, 10, 5, now, 0))[0]), 1);
  const tokens = await client.tokens(key);
  assert.deepEqual(seen.names(), ['evalsha', 'eval', 'evalsha_ro', 'eval_ro'], 'after SCRIPT FLUSH');
  assert.equal(tokens, String((await client.bucket(key, 10, 5, now, 0))[1]));
  // RESP3: the script's map comes back a map (an object, with node-redis's default type mapping)
  assert.deepEqual(await client.state(key), { tokens, ts: String(now) });
  console.log('ok node-redis defineScript');

  await client.del(key);
  const others = await Promise.all([0, 1, 2].map(() => client.duplicate().connect()));
  await burst([client, ...others], (c) => c.bucket(key, 37, 0, now, 1));
  console.log('ok node-redis burst');
  await Promise.all([client, ...others].map((c) => c.quit()));
}

try {
  await ioredis();
  await nodeRedis();
} catch (e) {
  console.error(e);
  process.exit(1);
}
