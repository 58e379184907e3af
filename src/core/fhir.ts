import { createHash } from 'node:crypto';
import type {
  Bundle, BundleEntry, CodeableConcept, Condition, DocumentReference, Encounter, Flag, Goal as FhirGoal, Observation, Patient,
  QuestionnaireResponse, QuestionnaireResponseItem, Reference, Resource,
} from '@medplum/fhirtypes';
import type { ReadTx } from '../store/port.js';
import type { ClientRecord } from '../store/port-exchange.js';
import { sessionOfValues } from './export.js';
import { measureDefinition, missingItems, type MeasureKind } from './measure-scoring.js';
import type { Goal, GoalHistoryEntry, Measure, MeasureState, RiskEvent, RiskRow, Session, SessionState } from './model.js';
import { localDateString } from './time.js';

/**
 * `tpt export --format fhir`: a client's (or every client's) record as one FHIR R4 Bundle of type
 * `collection`, typed with @medplum/fhirtypes. Resources refer to each other by `urn:uuid:` full
 * URLs derived from tpt's ids, so exporting the same database twice gives the same Bundle but for
 * its timestamp. tpt's own ids travel as identifiers (FHIR ids allow no "_"). Names of codes and
 * identifiers that no standard covers live under the `urn:tpt:` namespace, documented in the README.
 */

export const TPT_CODES = 'urn:tpt:fhir:codes';
const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';
const identifierSystem = (kind: string) => `urn:tpt:fhir:id:${kind}`;

/** The code of each measure's total: LOINC where it has one, else a local code. */
export const MEASURE_TOTAL_CODES: Record<MeasureKind, { system: string; code: string; display: string }> = {
  phq9: { system: LOINC, code: '44261-6', display: 'Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]' },
  gad7: { system: LOINC, code: '70274-6', display: 'Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]' },
  core10: { system: TPT_CODES, code: 'core10-total', display: 'CORE-10 total score (0-40)' },
};

/** The questionnaire each response answers: the LOINC panels of PHQ-9 and GAD-7; CORE-10 locally. */
const QUESTIONNAIRES: Record<MeasureKind, string> = {
  phq9: 'http://loinc.org/q/44249-1',
  gad7: 'http://loinc.org/q/69737-5',
  core10: 'urn:tpt:fhir:Questionnaire:core10',
};

/**
 * The LOINC forms' items as their published FHIR Questionnaires have them (LOINC's own, as
 * rendered by LHC-Forms and reused by US Core's PHQ-9 example): each item's linkId is "/" and its
 * LOINC code, item 1 first; the total is a further item.
 */
const LOINC_ITEMS: Partial<Record<MeasureKind, { items: readonly string[]; total: string }>> = {
  phq9: { items: ['44250-9', '44255-8', '44259-0', '44254-1', '44251-7', '44258-2', '44252-5', '44253-3', '44260-8'], total: '44261-6' },
  gad7: { items: ['69725-0', '68509-9', '69733-4', '69734-2', '69735-9', '69689-8', '69736-7'], total: '70274-6' },
};

/** The LOINC answers 0-3 of both forms (answer list LL358-3); GAD-7 item 2 says "More days than not" for 2, as its form does. */
const FREQUENCY_ANSWERS = [
  { code: 'LA6568-5', display: 'Not at all' },
  { code: 'LA6569-3', display: 'Several days' },
  { code: 'LA6570-1', display: 'More than half the days' },
  { code: 'LA6571-9', display: 'Nearly every day' },
] as const;
const MORE_DAYS_THAN_NOT = { code: 'LA18938-3', display: 'More days than not' } as const;

/** The answer coding of a LOINC form's item (0-based index) for an answer 0-3. */
export function loincAnswer(kind: MeasureKind, index: number, answer: number): { system: string; code: string; display: string } {
  const option = kind === 'gad7' && index === 1 && answer === 2 ? MORE_DAYS_THAN_NOT : FREQUENCY_ANSWERS[answer]!;
  return { system: LOINC, ...option };
}

/** A stable UUID for one of tpt's records (name-based: SHA-256 of kind and id, version 8). */
export function recordUuid(kind: string, id: string): string {
  const hex = createHash('sha256').update(`tpt:${kind}:${id}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const urlOf = (kind: string, id: string) => `urn:uuid:${recordUuid(kind, id)}`;
const ref = <T extends Resource>(kind: string, id: string): Reference<T> => ({ reference: urlOf(kind, id) });

function entry(kind: string, id: string, resource: Resource): BundleEntry {
  return { fullUrl: urlOf(kind, id), resource: { ...resource, id: recordUuid(kind, id) } as Resource };
}

/** The Bundle as JSON text, in pieces: one entry per line, generated as the database is read. */
export async function* exportFhir(
  tx: ReadTx,
  clients: readonly ClientRecord[],
  exportedAt: Date,
  onResources: (done: number) => void = () => {},
): AsyncGenerator<string> {
  const head: Bundle = { resourceType: 'Bundle', type: 'collection', timestamp: exportedAt.toISOString() };
  yield `${JSON.stringify(head).slice(0, -1)},"entry":[`;
  let done = 0;
  for (const client of clients) {
    for await (const item of clientEntries(tx, client)) {
      yield `${done === 0 ? '' : ','}\n${JSON.stringify(item)}`;
      done++;
    }
  }
  yield `${done === 0 ? '' : '\n'}]}\n`;
  onResources(done);
}

/** Every entry of one client: Patient, then sessions, goals and measures, oldest first. */
export async function* clientEntries(tx: ReadTx, client: ClientRecord): AsyncGenerator<BundleEntry> {
  const patient = ref<Patient>('client', client.client_id);
  const patientResource: Patient = {
    resourceType: 'Patient',
    identifier: [{ system: identifierSystem('client'), value: client.client_id }],
  };
  yield entry('client', client.client_id, patientResource);
  // Machine-written sessions (issue 25) are few: their ids and signatures, read once.
  const machine = new Map((await tx.sessions.machineWritten(client.client_id, { includeVoid: true }))
    .map((written) => [written.session_id, written.signed_at !== null]));
  for await (const values of tx.exchange.sessionValues(client.client_id)) {
    const session = sessionOfValues(values);
    const standing = values[14] === 1 ? standingOf((await tx.sessions.get(session.session_id))!.state) : 'as-logged';
    const signed = machine.get(session.session_id);
    yield entry('session', session.session_id, aiLabelled(encounterOf(session, patient, standing), signed));
    const mood = aiLabelled(moodObservationOf(session, patient, standing), signed);
    // An unsigned machine estimate is not a final rating: preliminary until a clinician signs it.
    yield entry('mood', session.session_id, signed === false && mood.status === 'final' ? { ...mood, status: 'preliminary' } : mood);
    const note = standing === 'voided' ? withheldNoteOf(session, patient) : progressNoteOf(session, patient, standing);
    yield entry('note', session.session_id, aiLabelled(note, signed));
  }
  for (const goal of await tx.goals.ofClient(client.client_id)) {
    yield entry('goal', goal.goal_id, goalOf(goal, await tx.goals.history(goal.goal_id), patient));
    yield entry('goal-progress', goal.goal_id, goalProgressOf(goal, patient));
  }
  const voidedSessions = new Set<string>();
  const liveMeasures = new Set<string>();
  for await (const values of tx.exchange.sessionValues(client.client_id)) {
    if (values[14] === 1 && (await tx.sessions.get(values[0]))!.state.voided_at !== null) voidedSessions.add(values[0]);
  }
  const measures = await tx.measures.ofClient(client.client_id, { includeVoid: true });
  for (const { measure, state } of measures) {
    const status = statusOf(state);
    // A voided measure keeps its status and the fact of its correction, never its answers or total.
    if (measure.items !== null && status !== 'entered-in-error') yield entry('response', measure.measure_id, questionnaireResponseOf(measure, status, patient));
    if (status !== 'entered-in-error') liveMeasures.add(measure.measure_id);
    yield entry('measure', measure.measure_id, measureObservationOf(measure, status, patient));
  }
  const measureItems = new Set(measures.filter(({ measure }) => measure.items !== null).map(({ measure }) => measure.measure_id));
  for (const risk of await tx.risks.ofClient(client.client_id)) {
    const history = await tx.risks.events(client.client_id, risk.kind);
    const key = `${client.client_id}/${risk.kind}`;
    yield entry('risk', key, riskConditionOf(risk, history, patient, { voidedSessions, liveMeasures, measureItems }));
    yield entry('risk-flag', key, riskFlagOf(risk, patient));
  }
}

/**
 * The security label HL7's AI Transparency on FHIR IG gives a resource that an AI asserted:
 * `.meta.security` with code AIAST ("Artificial Intelligence asserted") of HL7 v3 ObservationValue,
 * the IG's recommended provenance code (ValueSet ProvenanceVS,
 * https://build.fhir.org/ig/HL7/aitransparency-ig/branches/main/en/ValueSet-ProvenanceVS.html;
 * ballot: https://hl7.org/fhir/uv/aitransparency/2026Jan/). tpt marks every resource of a
 * machine-written session with it (docs/machine-entries.md); a clinician's signature does not
 * remove it (the entry was still written by a machine) but makes its mood final.
 */
export const AI_ASSERTED = {
  system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue',
  code: 'AIAST',
  display: 'Artificial Intelligence asserted',
} as const;

/** The resource, labelled AI-asserted when `signed` is defined (the session is a machine's). */
function aiLabelled<T extends Encounter | Observation | DocumentReference>(resource: T, signed: boolean | undefined): T {
  if (signed === undefined) return resource;
  // meta right after resourceType, where FHIR's own examples have it.
  const { resourceType, meta, ...rest } = resource;
  return { resourceType, meta: { ...meta, security: [...(meta?.security ?? []), { ...AI_ASSERTED }] }, ...rest } as T;
}

/**
 * How a session stands in the record, for the status codes of its resources: a voided session is
 * `entered-in-error` (it stays in the Bundle, as in the record); an amended one's mood
 * Observation is `amended` and its note's docStatus `amended`.
 */
type Standing = 'as-logged' | 'amended' | 'voided';

function standingOf(state: SessionState): Standing {
  return state.voided_at !== null ? 'voided' : state.version > 1 ? 'amended' : 'as-logged';
}

function encounterOf(session: Session, subject: Reference<Patient>, standing: Standing): Encounter {
  const end = session.session_duration_minutes === null
    ? session.timestamp
    : new Date(Date.parse(session.timestamp) + session.session_duration_minutes * 60_000).toISOString();
  return {
    resourceType: 'Encounter',
    identifier: [{ system: identifierSystem('session'), value: session.session_id }],
    status: standing === 'voided' ? 'entered-in-error' : 'finished',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB', display: 'ambulatory' },
    subject,
    period: { start: session.timestamp, end },
  };
}

/**
 * Why a voided record's value is absent: FHIR's data-absent-reason "masked" (withheld for privacy
 * or security). A session voided as logged for the wrong client holds another person's record.
 */
const MASKED: CodeableConcept = {
  coding: [{ system: 'http://terminology.hl7.org/CodeSystem/data-absent-reason', code: 'masked', display: 'Masked' }],
  text: 'entered in error: withheld',
};

/** The session's mood rating, −2..+2, under tpt's own code (no standard code means this scale). */
function moodObservationOf(session: Session, subject: Reference<Patient>, standing: Standing): Observation {
  if (standing === 'voided') {
    return {
      resourceType: 'Observation',
      status: 'entered-in-error',
      category: [surveyCategory()],
      code: { coding: [{ system: TPT_CODES, code: 'mood-score', display: 'Session mood rating (-2 very negative to +2 very positive)' }] },
      subject,
      encounter: ref('session', session.session_id),
      effectiveDateTime: session.timestamp,
      dataAbsentReason: MASKED,
    };
  }
  return {
    resourceType: 'Observation',
    status: standing === 'amended' ? 'amended' : 'final',
    category: [surveyCategory()],
    code: { coding: [{ system: TPT_CODES, code: 'mood-score', display: 'Session mood rating (-2 very negative to +2 very positive)' }] },
    subject,
    encounter: ref('session', session.session_id),
    effectiveDateTime: session.timestamp,
    valueInteger: session.emotional_score,
    interpretation: [{ text: session.emotional_state }],
  };
}

/** The session's texts as one plain-text progress note (LOINC 11506-3). */
function progressNoteOf(session: Session, subject: Reference<Patient>, standing: Standing): DocumentReference {
  const parts: [string, string][] = [
    ['Summary', session.conversation_summary],
    ['Progress notes', session.progress_notes],
    ['Therapist observations', session.therapist_observations],
    ['Techniques', session.techniques_used.join(', ')],
    ['Homework', session.homework_assigned],
    ['Next session focus', session.next_session_focus],
    ['Crisis flags', session.crisis_flags.join(', ')],
  ];
  const text = parts.filter(([, value]) => value !== '').map(([name, value]) => `${name}: ${value}`).join('\n\n');
  return {
    resourceType: 'DocumentReference',
    identifier: [{ system: identifierSystem('session'), value: session.session_id }],
    status: standing === 'voided' ? 'entered-in-error' : 'current',
    ...(standing === 'amended' ? { docStatus: 'amended' as const } : {}),
    type: { coding: [{ system: LOINC, code: '11506-3', display: 'Progress note' }] },
    subject,
    date: session.timestamp,
    content: [{ attachment: { contentType: 'text/plain; charset=utf-8', data: Buffer.from(text, 'utf8').toString('base64') } }],
    context: { encounter: [ref('session', session.session_id)] },
  };
}

/**
 * A voided session's note: its status and the fact of the correction, without a word of its text
 * (the lossless JSON export keeps that, with the void).
 */
function withheldNoteOf(session: Session, subject: Reference<Patient>): DocumentReference {
  return {
    resourceType: 'DocumentReference',
    identifier: [{ system: identifierSystem('session'), value: session.session_id }],
    status: 'entered-in-error',
    type: { coding: [{ system: LOINC, code: '11506-3', display: 'Progress note' }] },
    subject,
    date: session.timestamp,
    content: [{ attachment: { contentType: 'text/plain; charset=utf-8', title: 'Entered in error: the text is withheld' } }],
    context: { encounter: [ref('session', session.session_id)] },
  };
}

const LIFECYCLE: Record<Goal['status'], FhirGoal['lifecycleStatus']> = {
  active: 'active', achieved: 'completed', paused: 'on-hold', discontinued: 'cancelled',
};

/**
 * A goal: its lifecycle from its status; its achievement from its status and the last two
 * entries of its history (rising: improving, falling: worsening, level: no change); its target
 * a quantity, 100 % complete by the target date. Where it stands now is an Observation of its
 * completion percentage, the goal's outcome.
 */
function goalOf(goal: Goal, history: GoalHistoryEntry[], subject: Reference<Patient>): FhirGoal {
  return {
    resourceType: 'Goal',
    identifier: [{ system: identifierSystem('goal'), value: goal.goal_id }],
    lifecycleStatus: LIFECYCLE[goal.status],
    achievementStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/goal-achievement', code: achievementOf(goal, history) }],
    },
    description: { text: goal.description },
    subject,
    startDate: localDateString(new Date(goal.created_at)),
    target: [{
      measure: { coding: [{ system: TPT_CODES, code: 'goal-completion', display: 'Goal completion percentage' }] },
      detailQuantity: percentQuantity(100),
      ...(goal.target_date ? { dueDate: goal.target_date } : {}),
    }],
    statusDate: localDateString(new Date(goal.updated_at)),
    outcomeReference: [ref('goal-progress', goal.goal_id)],
    ...(goal.notes ? { note: [{ text: goal.notes }] } : {}),
  };
}

const percentQuantity = (value: number) => ({ value, unit: '%', system: UCUM, code: '%' });

/** The goal's completion percentage as it stands (at its last update). */
function goalProgressOf(goal: Goal, subject: Reference<Patient>): Observation {
  return {
    resourceType: 'Observation',
    identifier: [{ system: identifierSystem('goal'), value: goal.goal_id }],
    status: 'final',
    code: { coding: [{ system: TPT_CODES, code: 'goal-completion', display: 'Goal completion percentage' }] },
    subject,
    focus: [ref('goal', goal.goal_id)],
    effectiveDateTime: goal.updated_at,
    valueQuantity: percentQuantity(goal.completion_percentage),
  };
}

export function achievementOf(goal: Pick<Goal, 'status'>, history: readonly Pick<GoalHistoryEntry, 'completion_percentage'>[]): string {
  if (goal.status === 'achieved') return 'achieved';
  if (goal.status === 'discontinued') return 'not-achieved';
  if (history.length < 2) return 'in-progress';
  const last = history[history.length - 1]!.completion_percentage;
  const before = history[history.length - 2]!.completion_percentage;
  return last > before ? 'improving' : last < before ? 'worsening' : 'no-change';
}

function surveyCategory() {
  return { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey', display: 'Survey' }] };
}

/** A voided measure was entered in error; an amended one is amended (both in Observation's and QuestionnaireResponse's value sets). */
function statusOf(state: MeasureState): 'final' | 'amended' | 'entered-in-error' {
  return state.voided_at !== null ? 'entered-in-error' : state.version > 1 ? 'amended' : 'final';
}

function measureObservationOf(measure: Measure, status: ReturnType<typeof statusOf>, subject: Reference<Patient>): Observation {
  const definition = measureDefinition(measure.measure);
  if (status === 'entered-in-error') {
    return {
      resourceType: 'Observation',
      identifier: [{ system: identifierSystem('measure'), value: measure.measure_id }],
      status,
      category: [surveyCategory()],
      code: { coding: [MEASURE_TOTAL_CODES[measure.measure]], text: `${definition.name} total score` },
      subject,
      effectiveDateTime: measure.timestamp,
      issued: measure.created_at,
      dataAbsentReason: MASKED,
    };
  }
  return {
    resourceType: 'Observation',
    identifier: [{ system: identifierSystem('measure'), value: measure.measure_id }],
    status,
    category: [surveyCategory()],
    code: { coding: [MEASURE_TOTAL_CODES[measure.measure]], text: `${definition.name} total score` },
    subject,
    ...(measure.session_id ? { encounter: ref('session', measure.session_id) } : {}),
    effectiveDateTime: measure.timestamp,
    issued: measure.created_at,
    valueInteger: measure.total,
    ...(measure.items === null
      ? { note: [{ text: 'Total recorded without its item answers.' }] }
      : { derivedFrom: [ref('response', measure.measure_id)] }),
    ...(missingItems(measure.items).length > 0
      ? { note: [{ text: `Pro-rated total: item ${missingItems(measure.items).join(', ')} not answered (${definition.name} scoring allows one).` }] }
      : {}),
  };
}

function questionnaireResponseOf(measure: Measure, status: ReturnType<typeof statusOf>, subject: Reference<Patient>): QuestionnaireResponse {
  const definition = measureDefinition(measure.measure);
  return {
    resourceType: 'QuestionnaireResponse',
    identifier: { system: identifierSystem('measure'), value: measure.measure_id },
    questionnaire: QUESTIONNAIRES[measure.measure],
    status: status === 'final' ? 'completed' : status,
    subject,
    ...(measure.session_id ? { encounter: ref('session', measure.session_id) } : {}),
    authored: measure.timestamp,
    item: responseItems(measure, definition.wordingIsVerbatim ? definition.wording : null),
  };
}

/**
 * The answers: on the LOINC forms (PHQ-9, GAD-7) by their linkIds, each a LOINC answer code, then
 * the total; the CORE-10 (no LOINC form) by item number with the answer as ticked, its wording
 * not reproduced (see the README).
 */
function responseItems(measure: Measure, wording: readonly string[] | null): QuestionnaireResponseItem[] {
  const form = LOINC_ITEMS[measure.measure];
  if (!form) {
    // An item left unanswered (a pro-rated CORE-10) is an item without an answer.
    return measure.items!.map((answer, index) => ({ linkId: String(index + 1), ...(answer === null ? {} : { answer: [{ valueInteger: answer }] }) }));
  }
  return [
    ...measure.items!.map((answer, index): QuestionnaireResponseItem => ({
      linkId: `/${form.items[index]!}`,
      ...(wording ? { text: wording[index] } : {}),
      ...(answer === null ? {} : { answer: [{ valueCoding: loincAnswer(measure.measure, index, answer) }] }),
    })),
    { linkId: `/${form.total}`, text: MEASURE_TOTAL_CODES[measure.measure].display, answer: [{ valueDecimal: measure.total }] },
  ];
}

/** What each kind of risk is, for the code's display (README, "Crisis flags and risks"). */
const RISK_DISPLAY: Record<string, string> = {
  suicidal_ideation: 'Suicidal ideation',
  suicide_plan: 'Suicide plan or intent',
  suicide_attempt: 'Suicide attempt',
  self_harm: 'Self-harm',
  harm_to_others: 'Risk of harm to others',
  safeguarding: 'Safeguarding concern',
  substance_crisis: 'Substance crisis',
  medical_emergency: 'Medical emergency',
  other: 'Other risk',
};

function riskCode(kind: string): CodeableConcept {
  return { coding: [{ system: TPT_CODES, code: `risk-${kind}`, display: RISK_DISPLAY[kind] ?? kind }], text: RISK_DISPLAY[kind] ?? kind };
}

/**
 * A risk of the register as a Flag a receiving system shows on the patient's banner: active while
 * open, inactive once resolved, with the period it was open; its detail is the Condition.
 */
function riskFlagOf(risk: RiskRow, subject: Reference<Patient>): Flag {
  const key = `${risk.client_id}/${risk.kind}`;
  return {
    resourceType: 'Flag',
    identifier: [{ system: identifierSystem('risk'), value: key }],
    extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/flag-detail', valueReference: ref('risk', key) }],
    status: risk.status === 'open' ? 'active' : 'inactive',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/flag-category', code: 'safety', display: 'Safety' }] }],
    code: riskCode(risk.kind),
    subject,
    period: { start: risk.opened_at, ...(risk.resolved_at ? { end: risk.resolved_at } : {}) },
  };
}

/**
 * A risk as a Condition on the problem list, coded by its kind: active (or a recurrence, once
 * reopened) while open, resolved with its abatement once resolved; its evidence the records that
 * flagged it (never a voided one); its history as notes: each opening, reopening and resolution,
 * with who, and the resolution's note. The flags' own words stay out: a flag typed on a voided
 * session may be another client's. (A RiskAssessment would say the same, but @medplum/core 4.5.2
 * refuses every RiskAssessment with a prediction, on a FHIRPath constraint it misreads: ras-2.)
 */
function riskConditionOf(
  risk: RiskRow, history: readonly RiskEvent[], subject: Reference<Patient>,
  known: { voidedSessions: Set<string>; liveMeasures: Set<string>; measureItems: Set<string> },
): Condition {
  const detail: Reference[] = [];
  const seen = new Set<string>();
  for (const event of history) {
    if (event.source_id === null || seen.has(`${event.source_type}:${event.source_id}`)) continue;
    seen.add(`${event.source_type}:${event.source_id}`);
    if (event.source_type === 'session' && !known.voidedSessions.has(event.source_id)) detail.push(ref('session', event.source_id));
    if (event.source_type === 'measure' && known.liveMeasures.has(event.source_id)) {
      detail.push(ref(known.measureItems.has(event.source_id) ? 'response' : 'measure', event.source_id));
    }
  }
  const note = history.filter((event) => event.event !== 'flagged').map((event) => ({
    time: event.at,
    text: event.event === 'resolved'
      ? `Resolved by ${event.actor}: ${event.note}`
      : event.source_type === null
        ? `Resolution taken back by ${event.actor}: ${event.note}`
        : `${event.event === 'opened' ? 'Opened' : 'Reopened'} by a ${event.source_type} (recorded by ${event.actor})`,
  }));
  // A recurrence is a flag after a resolution; a resolution a person took back was never one.
  const reopened = history.some((event) => event.event === 'reopened' && event.source_type !== null);
  const clinical = risk.status === 'resolved' ? 'resolved' : reopened ? 'recurrence' : 'active';
  return {
    resourceType: 'Condition',
    identifier: [{ system: identifierSystem('risk'), value: `${risk.client_id}/${risk.kind}` }],
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: clinical }] },
    verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }] },
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'problem-list-item', display: 'Problem List Item' }] }],
    code: riskCode(risk.kind),
    subject,
    onsetDateTime: history[0]?.at ?? risk.opened_at,
    ...(risk.resolved_at ? { abatementDateTime: risk.resolved_at } : {}),
    recordedDate: history[0]?.recorded_at ?? risk.opened_at,
    ...(detail.length > 0 ? { evidence: [{ detail }] } : {}),
    note,
  };
}
