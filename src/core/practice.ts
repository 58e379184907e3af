import type { RecordStore } from '../store/port.js';

/** What a monitor of the practice sees: how many, never who or what (no client id, no text). */
export interface PracticeCounts {
  clients: number;
  open_risks: number;
  /** Sessions dated since the start of today, local time. */
  sessions_today: number;
}

export async function practiceCounts(records: RecordStore, now: Date): Promise<PracticeCounts> {
  const startOfDay = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const figures = await records.read((tx) => tx.care.practiceFigures(startOfDay.toISOString()));
  return { clients: figures.clients, open_risks: figures.open_risks, sessions_today: figures.sessions_since };
}
