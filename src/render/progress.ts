/** One line of a progress bar for stderr: `exporting ████░░░░ 42% 420,000/1,000,000 sessions`. */
export function progressLine(label: string, done: number, total: number, unit: string, width = 24): string {
  const share = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(share * width);
  const count = (n: number) => n.toLocaleString('en-US');
  return `${label} ${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${String(Math.floor(share * 100)).padStart(3)}% ` +
    `${count(done)}/${count(total)} ${unit}`;
}
