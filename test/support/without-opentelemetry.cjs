// Preloaded by `npm run bench:bus` and test/telemetry for an application without @opentelemetry/api: the package
// resolves as if it were not installed, which is how the runtime meets an application without it.
const Module = require('node:module');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === '@opentelemetry/api') throw Object.assign(new Error(`Cannot find module '${request}'`), { code: 'MODULE_NOT_FOUND' });
  return resolve.call(this, request, ...rest);
};
