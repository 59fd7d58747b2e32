// The `vram-lens` executable: runs the command line on the process's arguments (the bundle's entry point).
import { main } from './main';

// Output piped into head or less that closes early is not an error.
process.stdout.on('error', e => {
  if ((e as NodeJS.ErrnoException).code === 'EPIPE') {
    process.exit(0);
  }
  throw e;
});
void main(process.argv.slice(2), s => process.stdout.write(s + '\n'), s => process.stderr.write(s + '\n')).then(code => {
  process.exitCode = code;
});
