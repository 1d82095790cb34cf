import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extension, extensionPoint, extensionsOf } from './extensions.js';

describe('extension points', () => {
  it('give each point what plugs into it, in the manifests’ order, and nothing of another point', () => {
    const greetings = extensionPoint<(name: string) => string>('greetings');
    const limits = extensionPoint<number>('limits');
    const extensions = extensionsOf([
      extension(greetings, (name) => `hello ${name}`),
      extension(limits, 3),
      extension(greetings, (name) => `goodbye ${name}`),
    ]);
    assert.deepEqual(
      extensions.of(greetings).map((greet) => greet('Ada')),
      ['hello Ada', 'goodbye Ada'],
    );
    assert.deepEqual(extensions.of(limits), [3]);
    assert.deepEqual(extensionsOf([]).of(limits), [], 'a point nothing plugs into is empty');
  });
});
