/** Saves text as a file through a temporary object URL, so the window never navigates. */
export function downloadText(filename: string, mimeType: string, content: string): void {
  const blob = new Blob([content], { type: mimeType });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.rel = 'noopener';
  link.style.display = 'none';
  document.body.appendChild(link);
  link.click();
  link.remove();
  // Revoked on the next turn: some engines read the URL after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** Saves JSON as a file. */
export function downloadJson(filename: string, data: unknown): void {
  downloadText(filename, 'application/json', `${JSON.stringify(data, null, 2)}\n`);
}
