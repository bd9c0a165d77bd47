/** stdout/stderr for running a CLI command in-process, keeping what it wrote. */
import { Writable } from 'node:stream';

export function captureIo(): { stdout: Writable & { text(): string }; stderr: Writable & { text(): string } } {
  const sink = () => {
    const chunks: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, done) {
        chunks.push(String(chunk));
        done();
      },
    });
    return Object.assign(stream, { text: () => chunks.join('') });
  };
  return { stdout: sink(), stderr: sink() };
}
