-- A token bucket rate limiter, the kind rate-limiter libraries run as a script (ScriptClientsIT drives it through
-- redis-py's register_script, ioredis's defineCommand and node-redis's defineScript). KEYS[1] is a hash holding
-- the bucket's milli-tokens and the time (ms) they were counted at; whole numbers only, so that the clients' models
-- compute exactly what the script does.
-- ARGV: capacity (tokens), refill rate (tokens per second), now (ms), cost (tokens).
-- Returns {1 when allowed, else 0; the milli-tokens left}.
local capacity = tonumber(ARGV[1]) * 1000
local rate = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local cost = tonumber(ARGV[4]) * 1000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or capacity
local ts = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - ts) * rate)
local allowed = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tokens, 'ts', now)
redis.call('PEXPIRE', KEYS[1], 60000)
return {allowed, tokens}
