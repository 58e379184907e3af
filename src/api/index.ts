// The package's one entry point (`import { openJournal } from 'tpt'`): package.json's `exports`
// names this module alone, so what it exports is the library's whole surface, and nothing of the
// command line, the server or the database layer is reachable from a consumer.
export { openJournal, Journal } from './journal.js';
export type { OpenJournalOptions, SessionsQuery, Timeframe } from './journal.js';
export { InputError, TptError, NotFoundError, ConflictError } from '../core/errors.js';
export type { GoalCreateInput, GoalUpdateInput, MilestoneInput, SessionInput } from '../core/schemas.js';
export type { MeasureInput, ScoredMeasure } from '../core/measures.js';
export type { Goal, GoalDetail, ListedSession, Milestone, Session } from '../core/model.js';
export type { ProgressReport } from '../core/report.js';
export type { TrendsReport, TrendSummary } from '../core/trends.js';
