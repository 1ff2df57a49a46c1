// Plain CommonJS: require() of every entry point of the runtime.
const { isUlid, createIdGenerator } = require('eventspec');
const { parsePayload, REDACTED } = require('eventspec/payload');
const { ReactiveEventBus } = require('eventspec/reactive');
console.log(JSON.stringify({ ulid: isUlid(createIdGenerator()()), parsePayload: typeof parsePayload, REDACTED, bus: typeof ReactiveEventBus }));
