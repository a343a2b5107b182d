/**
 * `npm start`: the whole system on one machine. The SDK's Node-version notice is switched off
 * before anything imports the SDK, hence the dynamic import.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { runLocal } = await import('./run.js');
process.exitCode = await runLocal(process.argv.slice(2));
