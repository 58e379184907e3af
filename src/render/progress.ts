/** One line of a progress bar for stderr: `exporting ██████░░░░░░  42% 420,000/1,000,000 sessions`. */
export function progressLine(label: string, done: number, total: number, detail: string, width = 24): string {
  const share = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(share * width);
  return `${label} ${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${String(Math.floor(share * 100)).padStart(3)}% ${detail}`;
}

/** `420,000/1,000,000 sessions` */
export function countDetail(done: number, total: number, unit: string): string {
  return `${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} ${unit}`;
}

/** `312.4/668.2 MB` */
export function byteDetail(done: number, total: number): string {
  return `${(done / 1e6).toFixed(1)}/${(total / 1e6).toFixed(1)} MB`;
}
