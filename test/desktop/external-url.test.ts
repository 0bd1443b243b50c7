import { describe, expect, it } from 'vitest';
import { isSafeExternalUrl } from '../../src-main/desktop/external-url.js';

describe('isSafeExternalUrl', () => {
  it('allows web pages', () => {
    expect(isSafeExternalUrl('https://example.com/docs?q=1#top')).toBe(true);
    expect(isSafeExternalUrl('http://localhost:8080/')).toBe(true);
    expect(isSafeExternalUrl('HTTPS://EXAMPLE.COM')).toBe(true);
  });

  it('refuses schemes that can open or run local things', () => {
    for (const url of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://server/share',
      'ms-msdt:/id PCWDiagnostic',
      'vscode://file/tmp/x',
      'data:text/html,<script>alert(1)</script>',
      'ftp://example.com/',
      'mailto:a@example.com',
    ]) {
      expect(isSafeExternalUrl(url), url).toBe(false);
    }
  });

  it('refuses links with embedded credentials and text that is not a URL', () => {
    expect(isSafeExternalUrl('https://user:pass@example.com/')).toBe(false);
    expect(isSafeExternalUrl('https://bank.example@evil.example/')).toBe(false);
    expect(isSafeExternalUrl('example.com')).toBe(false);
    expect(isSafeExternalUrl('')).toBe(false);
  });
});
