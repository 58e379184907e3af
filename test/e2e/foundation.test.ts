import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, statSync } from 'node:fs';
import { Sandbox } from '../helpers.js';

let box: Sandbox;
beforeEach(() => {
  box = new Sandbox();
});
afterEach(() => box.cleanup());

describe('tpt init', () => {
  it('creates an encrypted database and a 0600 key file, and refuses to overwrite', () => {
    const first = box.spawn(['init']);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(box.dbPath);
    expect(first.stdout).toContain(box.keyPath);
    expect(statSync(box.keyPath).mode & 0o777).toBe(0o600);
    expect(statSync(box.dbPath).mode & 0o777).toBe(0o600);
    expect(box.raw(box.dbPath).startsWith('SQLite format 3')).toBe(false);
    const again = box.spawn(['init']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
  });
});
