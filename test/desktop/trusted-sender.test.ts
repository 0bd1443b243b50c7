import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isTrustedSender } from '../../src-main/desktop/trusted-sender.js';

const pageUrl = pathToFileURL('/opt/cell0/out/renderer/index.html').href;

describe('isTrustedSender', () => {
  it("trusts the app's page in the top frame", () => {
    expect(isTrustedSender({ url: pageUrl, isMainFrame: true }, pageUrl)).toBe(true);
    expect(isTrustedSender({ url: `${pageUrl}#/settings`, isMainFrame: true }, pageUrl)).toBe(true);
  });

  it("refuses the app's page loaded in a subframe", () => {
    expect(isTrustedSender({ url: pageUrl, isMainFrame: false }, pageUrl)).toBe(false);
  });

  it('refuses a foreign page in the top frame', () => {
    expect(isTrustedSender({ url: 'https://example.com/', isMainFrame: true }, pageUrl)).toBe(false);
    expect(isTrustedSender({ url: pathToFileURL('/tmp/x.html').href, isMainFrame: true }, pageUrl)).toBe(
      false,
    );
  });

  it('refuses a sender whose frame is gone', () => {
    expect(isTrustedSender(null, pageUrl)).toBe(false);
    expect(isTrustedSender(undefined, pageUrl)).toBe(false);
  });

  it('checks the dev server by origin', () => {
    const dev = 'http://localhost:5173/';
    expect(isTrustedSender({ url: 'http://localhost:5173/#/chat', isMainFrame: true }, dev)).toBe(true);
    expect(isTrustedSender({ url: 'http://localhost:5173/', isMainFrame: false }, dev)).toBe(false);
    expect(isTrustedSender({ url: 'http://localhost:8080/', isMainFrame: true }, dev)).toBe(false);
  });
});
