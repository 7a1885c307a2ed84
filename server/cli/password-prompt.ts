/**
 * Reads a password for `npm run admin -- operator add`: from a terminal
 * without echo, else the first line of stdin (a pipe from a secret store).
 * Never from the command line, where it would land in the shell's history
 * and in every process listing.
 */
import { createInterface } from 'node:readline';
import { OperatorError } from '../operator/errors.ts';

export async function readPassword(prompt: string): Promise<string> {
  const password = process.stdin.isTTY ? await fromTerminal(prompt) : await firstLine();
  if (password === '') throw new OperatorError('No password given on stdin');
  return password;
}

async function firstLine(): Promise<string> {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    lines.close();
    return line;
  }
  return '';
}

function fromTerminal(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    let typed = '';
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(typed);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new Error('Cancelled'));
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else typed += ch;
      }
    };
    stdin.on('data', onData);
  });
}
