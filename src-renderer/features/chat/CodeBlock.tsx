import { Check, Copy } from 'lucide-react';
import { useEffect, useRef, useState, type ComponentPropsWithoutRef } from 'react';
import type { ExtraProps } from 'react-markdown';

function languageOf(node: ExtraProps['node']): string | undefined {
  const code = node?.children[0];
  if (!code || code.type !== 'element') return undefined;
  const className = code.properties['className'];
  const classes = Array.isArray(className) ? className.map(String) : [];
  return classes.find((c) => c.startsWith('language-'))?.slice('language-'.length);
}

async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Clipboard access can be refused (no focus, non-secure origin); selection copy still works there.
    const area = document.createElement('textarea');
    area.value = text;
    document.body.appendChild(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
}

/** A fenced code block with a copy button; the language label is CSS content so it stays out of copied text. */
export function CodeBlock({ node, children, ...rest }: ComponentPropsWithoutRef<'pre'> & ExtraProps) {
  const preRef = useRef<HTMLPreElement>(null);
  const [copied, setCopied] = useState(false);
  const language = languageOf(node);

  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 1500);
    return () => clearTimeout(timer);
  }, [copied]);

  return (
    <div className="code-block" data-lang={language ?? ''}>
      <button
        type="button"
        className="icon-button code-copy"
        aria-label={copied ? 'Copied' : 'Copy code'}
        title={copied ? 'Copied' : 'Copy code'}
        onClick={() => {
          void copyText(preRef.current?.textContent ?? '').then(() => setCopied(true));
        }}
      >
        {copied ? <Check size={14} aria-hidden /> : <Copy size={14} aria-hidden />}
      </button>
      <pre ref={preRef} {...rest}>
        {children}
      </pre>
    </div>
  );
}
