import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isAppPage, resolveAppPage } from '../../src-main/desktop/app-page.js';

const mainDir = '/opt/Cell 0/resources/app.asar/out/main';
const pageFile = join(mainDir, '../renderer/index.html');
const pageUrl = pathToFileURL(pageFile).href;

describe('resolveAppPage', () => {
  it('loads the built page next to the main bundle', () => {
    expect(resolveAppPage({ mainDir, isPackaged: true })).toEqual({
      kind: 'file',
      file: pageFile,
      url: pageUrl,
    });
    expect(pageFile).toBe('/opt/Cell 0/resources/app.asar/out/renderer/index.html');
  });

  it('uses the dev server only when the app is not packaged', () => {
    expect(resolveAppPage({ mainDir, devServerUrl: 'http://localhost:5173', isPackaged: false })).toEqual({
      kind: 'dev-server',
      url: 'http://localhost:5173/',
    });
    expect(resolveAppPage({ mainDir, devServerUrl: 'http://evil.example', isPackaged: true }).kind).toBe(
      'file',
    );
    expect(resolveAppPage({ mainDir, devServerUrl: '', isPackaged: false }).kind).toBe('file');
  });
});

describe('isAppPage for the built page', () => {
  it('accepts the exact page, ignoring query and hash', () => {
    expect(isAppPage(pageUrl, pageUrl)).toBe(true);
    expect(isAppPage(`${pageUrl}?tab=chat#/conversations/1`, pageUrl)).toBe(true);
  });

  it('refuses other files, even beside it or reached through dot segments that leave it', () => {
    expect(isAppPage(pathToFileURL(join(mainDir, '../renderer/other.html')).href, pageUrl)).toBe(false);
    expect(isAppPage(pathToFileURL('/tmp/index.html').href, pageUrl)).toBe(false);
    expect(isAppPage(pathToFileURL(join(mainDir, '../renderer/index.html.evil')).href, pageUrl)).toBe(false);
    expect(isAppPage(`${pageUrl}/..`, pageUrl)).toBe(false);
  });

  it('accepts dot segments that resolve to the page, since the URL parser normalises them', () => {
    const roundabout = pageUrl.replace('/out/renderer/', '/out/main/../renderer/');
    expect(isAppPage(roundabout, pageUrl)).toBe(true);
  });

  it('refuses the same path on a remote host, an encoded separator, and other schemes', () => {
    expect(isAppPage(pageUrl.replace('file:///', 'file://attacker/'), pageUrl)).toBe(false);
    expect(isAppPage(pageUrl.replace('/renderer/index.html', '/renderer%2Findex.html'), pageUrl)).toBe(false);
    expect(isAppPage(`https://example.com${new URL(pageUrl).pathname}`, pageUrl)).toBe(false);
    expect(isAppPage('about:blank', pageUrl)).toBe(false);
    expect(isAppPage('', pageUrl)).toBe(false);
    expect(isAppPage('not a url', pageUrl)).toBe(false);
  });

  it('treats percent-encoded characters as the same file', () => {
    expect(pageUrl).toContain('Cell%200');
    expect(isAppPage(pageUrl.replace('index.html', 'index%2Ehtml'), pageUrl)).toBe(true);
  });
});

describe('isAppPage for the dev server', () => {
  const dev = 'http://localhost:5173/';

  it('accepts any path of the dev server origin', () => {
    expect(isAppPage('http://localhost:5173/', dev)).toBe(true);
    expect(isAppPage('http://localhost:5173/src/main.tsx?t=1', dev)).toBe(true);
  });

  it('refuses another port, host or scheme', () => {
    expect(isAppPage('http://localhost:5174/', dev)).toBe(false);
    expect(isAppPage('http://127.0.0.1:5173/', dev)).toBe(false);
    expect(isAppPage('https://localhost:5173/', dev)).toBe(false);
    expect(isAppPage('http://localhost:5173.evil.example/', dev)).toBe(false);
  });

  it('trusts nothing when the app URL is not a web or file URL', () => {
    expect(isAppPage('data:text/html,hi', 'data:text/html,hi')).toBe(false);
    expect(isAppPage('about:blank', 'about:blank')).toBe(false);
    expect(isAppPage('http://localhost/', 'garbage')).toBe(false);
  });
});
