import { describe, expect, test } from 'vitest';
import { ConfigError, loadConfig } from '../config.js';
import { envEndpointId, shownUrl, wants, webhookSettingsFrom } from './settings.js';

const SECRET = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;

describe('webhook settings', () => {
  test('WEBHOOK_URLS become endpoints with stable ids and the environment filters', () => {
    const settings = webhookSettingsFrom(
      loadConfig({
        WEBHOOK_URLS: 'https://a.example.com/h, http://b.example.com/h?token=t0ps3cret',
        WEBHOOK_SECRET: SECRET,
        WEBHOOK_EVENTS: 'mix.started,mix.ended',
        WEBHOOK_ROOM_PREFIX: 'live_',
      }),
    );
    expect(settings.secrets).toEqual([SECRET]);
    expect(settings.fixed.map((e) => e.id)).toEqual([
      envEndpointId('https://a.example.com/h'),
      envEndpointId('http://b.example.com/h?token=t0ps3cret'),
    ]);
    const [a] = settings.fixed;
    expect(wants(a!, { type: 'mix.started', roomId: 'live_1' })).toBe(true);
    expect(wants(a!, { type: 'mix.updated', roomId: 'live_1' })).toBe(false);
    expect(wants(a!, { type: 'mix.ended', roomId: 'test_1' })).toBe(false);
  });

  test('WEBHOOK_URLS without a secret, a short secret, an unknown event type: refused, secrets unnamed', () => {
    expect(() => loadConfig({ WEBHOOK_URLS: 'https://a.example.com/h' })).toThrow(/WEBHOOK_SECRET: required/);
    expect(() => loadConfig({ WEBHOOK_SECRET: 'whsec_c2hvcnQ=' })).toThrow(ConfigError);
    expect(() => loadConfig({ WEBHOOK_SECRET: SECRET, WEBHOOK_EVENTS: 'mix.exploded' })).toThrow(
      /WEBHOOK_EVENTS/,
    );
    try {
      loadConfig({ WEBHOOK_URLS: 'ftp://x.example.com/?token=t0ps3cret', WEBHOOK_SECRET: SECRET });
    } catch (error) {
      expect(String(error)).not.toContain('t0ps3cret');
    }
  });

  test('a rotation: the previous secret signs too, after the current one', () => {
    const previous = `whsec_${Buffer.alloc(32, 2).toString('base64')}`;
    expect(
      webhookSettingsFrom(loadConfig({ WEBHOOK_SECRET: SECRET, WEBHOOK_SECRET_PREVIOUS: previous })).secrets,
    ).toEqual([SECRET, previous]);
  });

  test('a URL is shown without its query values or credentials', () => {
    expect(shownUrl('https://user:pw@a.example.com/h?token=t0ps3cret&x=1')).toBe(
      'https://***:***@a.example.com/h?token=***&x=***',
    );
  });
});
