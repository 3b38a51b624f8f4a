/** Saves `href` (a data: or blob: URL) under `fileName` through an <a download>. */
export function download(href: string, fileName: string): void {
  const link = document.createElement('a');
  link.href = href;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
}

/**
 * Saves a blob under a file name: a download in the browser (web mode), the save that Electron
 * gives a download in the window. The object URL outlives the click, which only starts the
 * download.
 */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  download(url, fileName);
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
