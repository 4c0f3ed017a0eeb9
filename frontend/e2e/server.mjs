// Start the embedded chat API (`pca serve`, the same router as the Lambda) on an ephemeral port, serving the
// built site at /, and stop it afterwards.
import { spawn } from 'node:child_process';

export async function startServer({ pca, token, staticDir, env = {}, timeoutMs = 120_000 }) {
  const child = spawn(pca, ['serve', '--host', '127.0.0.1', '--port', '0', '--token', token, '--static', staticDir], {
    env: { ...process.env, ...env, PYTHONUNBUFFERED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const site = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`pca serve printed no URL in ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk) => {
      output += chunk.toString();
      const match = /Chat site on (http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`pca serve exited with ${code}:\n${output}`));
    });
  });
  return {
    origin: site,
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGINT');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}
