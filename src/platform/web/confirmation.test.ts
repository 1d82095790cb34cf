import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { describe, it } from 'node:test';
import { openConfirmation, sealConfirmation } from './confirmation.js';

describe('confirmation banners', () => {
  const key = crypto.randomBytes(32);
  const session = 'session-a';

  it('opens a message sealed for the same session, in any language', () => {
    const message = 'Enquiry sent to 1 LA – Kestrel Moor (909). “Done”';
    assert.equal(openConfirmation(key, session, sealConfirmation(key, session, message)), message);
  });

  it('refuses one sealed for another session, under another key, or altered', () => {
    const sealed = sealConfirmation(key, session, 'The API token is revoked');
    assert.equal(openConfirmation(key, 'session-b', sealed), undefined, 'another browser’s banner');
    assert.equal(openConfirmation(crypto.randomBytes(32), session, sealed), undefined, 'another service’s');
    const [payload, mac] = sealed.split('.') as [string, string];
    const planted = `${Buffer.from('Your account is locked: call 0800…').toString('base64url')}.${mac}`;
    assert.equal(openConfirmation(key, session, planted), undefined, 'a planted message');
    assert.equal(openConfirmation(key, session, payload), undefined);
    assert.equal(openConfirmation(key, session, undefined), undefined);
  });
});
