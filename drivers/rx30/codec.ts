// The default Rx30 message codec: one message per payload as a line of text,
// `TYPE|key=value|key=value`, UTF-8, documented field by field in PROTOCOL.md. Rx30's real
// interface is not public; when it is, a codec of its own replaces this one behind the same
// `Codec` port and nothing above the driver changes. Every decoded message is checked with
// core's zod schema of its type, and a payload that cannot be read says why (and, when its
// id can be read, which message it was, so the relay can NAK it) instead of throwing.
import type { z } from 'zod';
import {
  ackSchema,
  heartbeatSchema,
  messageIdSchema,
  messageTypes,
  nakSchema,
  patientQuerySchema,
  patientSchema,
  readySchema,
  returnSchema,
  soldSchema,
  statusSchema,
  voidSchema,
  type MessageType,
  type Rx30Message,
} from '../../core/pharmacy/messages.ts';
import type { FrameBatch } from './framing.ts';

export type DecodeResult =
  | { ok: true; message: Rx30Message }
  | {
      ok: false;
      /** Why the payload was refused, for the log and the NAK's reason. */
      error: string;
      /** The message's id when it could be read: NAK it (unless it is itself an ACK or NAK). */
      id?: string;
      /** The message's type when it could be read. */
      type?: MessageType;
    };

/** Payload ↔ message. The framing (framing.ts) is a separate, independent choice. */
export interface Codec {
  name: string;
  /** Throws if the message does not satisfy its schema: the relay must never send that. */
  encode(message: Rx30Message): Buffer;
  /** Never throws: a payload that is not a valid message comes back as `ok: false`. */
  decode(payload: Buffer): DecodeResult;
}

/** How a field's value is written. */
type Kind =
  /** Text, escaped; required (an empty value is an empty string, which the schema judges). */
  | 'text'
  /** Optional text: empty (or left out) means absent. */
  | 'optional'
  /** A whole number written in decimal digits, no sign, no leading zeros. */
  | 'int'
  /** `Y` or `N`. */
  | 'bool'
  /** Text or null: empty means null. */
  | 'nullable';

interface ScalarField {
  key: string;
  kind: Kind;
}
/** A list: item N's fields are `key.N.field`, N counted from 0 with no gaps. */
interface ListField {
  key: string;
  kind: 'list';
  item: readonly ScalarField[];
}
type Field = ScalarField | ListField;
type Layout<M> = readonly ((ScalarField | ListField) & { key: Exclude<keyof M, 'type'> })[];
type MessageOf<T extends MessageType> = Extract<Rx30Message, { type: T }>;

/** Every message type's fields, in the order they are written (the schemas' order). */
export const layouts: { [T in MessageType]: Layout<MessageOf<T>> } = {
  READY: [
    { key: 'id', kind: 'text' },
    { key: 'storeId', kind: 'text' },
    { key: 'rxNumber', kind: 'text' },
    { key: 'fillNumber', kind: 'int' },
    { key: 'patientId', kind: 'text' },
    { key: 'lastName', kind: 'text' },
    { key: 'firstName', kind: 'text' },
    { key: 'dateOfBirth', kind: 'text' },
    { key: 'drug', kind: 'optional' },
    { key: 'amountDue', kind: 'int' },
    { key: 'taxable', kind: 'bool' },
    { key: 'fsaHsaEligible', kind: 'int' },
    { key: 'hipaaNoticeRequired', kind: 'bool' },
    { key: 'counselingRequired', kind: 'bool' },
    { key: 'safetyCapWaiver', kind: 'bool' },
    { key: 'controlledSchedule', kind: 'nullable' },
    { key: 'willCallBin', kind: 'optional' },
    { key: 'fillDate', kind: 'text' },
    { key: 'partialFill', kind: 'bool' },
  ],
  STATUS: [
    { key: 'id', kind: 'text' },
    { key: 'storeId', kind: 'text' },
    { key: 'rxNumber', kind: 'text' },
    { key: 'fillNumber', kind: 'int' },
    { key: 'status', kind: 'text' },
  ],
  PATIENT_QUERY: [
    { key: 'id', kind: 'text' },
    { key: 'storeId', kind: 'text' },
    { key: 'patientId', kind: 'text' },
  ],
  PATIENT: [
    { key: 'id', kind: 'text' },
    { key: 'storeId', kind: 'text' },
    { key: 'patientId', kind: 'text' },
    { key: 'address', kind: 'optional' },
    { key: 'phone', kind: 'optional' },
  ],
  SOLD: [
    { key: 'id', kind: 'text' },
    { key: 'storeId', kind: 'text' },
    { key: 'invoice', kind: 'text' },
    { key: 'date', kind: 'text' },
    {
      key: 'lines',
      kind: 'list',
      item: [
        { key: 'rxNumber', kind: 'text' },
        { key: 'fillNumber', kind: 'int' },
        { key: 'amount', kind: 'int' },
      ],
    },
    {
      key: 'payments',
      kind: 'list',
      item: [
        { key: 'type', kind: 'text' },
        { key: 'amount', kind: 'int' },
        { key: 'reference', kind: 'optional' },
      ],
    },
    { key: 'counseling', kind: 'text' },
    { key: 'signatureRef', kind: 'optional' },
    { key: 'idCaptured', kind: 'bool' },
  ],
  VOID: [
    { key: 'id', kind: 'text' },
    { key: 'storeId', kind: 'text' },
    { key: 'invoice', kind: 'text' },
    { key: 'reason', kind: 'text' },
  ],
  RETURN: [
    { key: 'id', kind: 'text' },
    { key: 'storeId', kind: 'text' },
    { key: 'invoice', kind: 'text' },
    { key: 'rxNumber', kind: 'text' },
    { key: 'fillNumber', kind: 'int' },
    { key: 'reason', kind: 'text' },
  ],
  ACK: [
    { key: 'id', kind: 'text' },
    { key: 'of', kind: 'text' },
  ],
  NAK: [
    { key: 'id', kind: 'text' },
    { key: 'of', kind: 'text' },
    { key: 'reason', kind: 'text' },
  ],
  HEARTBEAT: [{ key: 'id', kind: 'text' }],
};

/** Core's schema of each type: the members of rx30MessageSchema. */
export const schemas: { [T in MessageType]: z.ZodType<MessageOf<T>> } = {
  READY: readySchema,
  STATUS: statusSchema,
  PATIENT_QUERY: patientQuerySchema,
  PATIENT: patientSchema,
  SOLD: soldSchema,
  VOID: voidSchema,
  RETURN: returnSchema,
  ACK: ackSchema,
  NAK: nakSchema,
  HEARTBEAT: heartbeatSchema,
};

export const defaultCodec: Codec = {
  name: 'backroom-text-1',
  encode: encodeMessage,
  decode: decodeMessage,
};

/**
 * What a framer's batch means for the relay, in order: each whole frame decoded, then each
 * framing error as a refusal (with the id of a complete-but-damaged frame when it can be
 * read, so it can be NAKed at once rather than waiting for the peer to resend).
 */
export function readBatch(batch: FrameBatch, codec: Codec = defaultCodec): DecodeResult[] {
  const received = batch.frames.map((payload) => codec.decode(payload));
  for (const error of batch.errors) {
    const inner = error.payload ? codec.decode(error.payload) : undefined;
    const named = inner?.ok ? inner.message : inner;
    received.push(refusal(error.message, named?.id, named?.type));
  }
  return received;
}

function encodeMessage(message: Rx30Message): Buffer {
  const parsed = schemas[message.type].safeParse(message);
  if (!parsed.success) {
    throw new TypeError(
      `Cannot send ${message.type} ${String(message.id)}: ${describeIssues(parsed.error)}`,
    );
  }
  // A type alias of plain properties is assignable to a record: read fields by layout key.
  const values: Readonly<Record<string, unknown>> = parsed.data;
  const fields: string[] = [message.type];
  const layout: readonly Field[] = layouts[message.type];
  for (const field of layout) {
    const value = values[field.key];
    if (field.kind !== 'list') {
      fields.push(`${field.key}=${writeValue(field.kind, value)}`);
      continue;
    }
    const items: readonly Readonly<Record<string, unknown>>[] = Array.isArray(value) ? value : [];
    items.forEach((item, index) => {
      for (const itemField of field.item) {
        fields.push(
          `${field.key}.${index}.${itemField.key}=${writeValue(itemField.kind, item[itemField.key])}`,
        );
      }
    });
  }
  return Buffer.from(fields.join('|'), 'utf8');
}

function writeValue(kind: Kind, value: unknown): string {
  switch (kind) {
    case 'int':
      return String(value);
    case 'bool':
      return value ? 'Y' : 'N';
    default:
      return value === undefined || value === null ? '' : escapeText(String(value));
  }
}

/** `\` `|` `=` CR LF as `\\` `\|` `\=` `\r` `\n`; any other control character as `\xHH`. */
export function escapeText(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '\\' || char === '|' || char === '=') out += `\\${char}`;
    else if (char === '\r') out += '\\r';
    else if (char === '\n') out += '\\n';
    else if (isControl(code)) out += `\\x${hex2(code)}`;
    else out += char;
  }
  return out;
}

function hex2(code: number): string {
  return code.toString(16).toUpperCase().padStart(2, '0');
}

/** Unicode's control characters (C0, DEL, C1): never raw in a payload. */
function isControl(code: number): boolean {
  return code < 0x20 || (code >= 0x7f && code <= 0x9f);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Lenient = new TextDecoder('utf-8');
const KEY = /^[A-Za-z][A-Za-z0-9]*$/;
const LIST_KEY = /^([A-Za-z][A-Za-z0-9]*)\.(0|[1-9][0-9]{0,2})\.([A-Za-z][A-Za-z0-9]*)$/;
const INT = /^(0|[1-9][0-9]{0,14})$/;

function decodeMessage(payload: Buffer): DecodeResult {
  let text: string;
  try {
    text = utf8.decode(payload);
  } catch {
    const named = nameOf(splitFields(utf8Lenient.decode(payload)));
    return refusal('The message is not valid UTF-8 text.', named.id, named.type);
  }
  const raw = splitFields(text);
  const named = nameOf(raw);
  const fail = (why: string) =>
    refusal(
      `${named.type ?? 'Message'}${named.id ? ` ${named.id}` : ''}: ${why}`,
      named.id,
      named.type,
    );

  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (isControl(code)) {
      return fail(`holds a raw control character 0x${hex2(code)}.`);
    }
  }
  const [typeField = '', ...rest] = raw;
  if (text.length === 0) return fail('the message is empty.');
  const type = named.type;
  if (!type) return fail(`unknown message type "${excerptText(typeField)}".`);

  const layout: readonly Field[] = layouts[type];
  const values: Record<string, unknown> = { type };
  const lists = new Map<string, Map<number, Record<string, unknown>>>();
  const seen = new Set<string>();
  for (const field of rest) {
    const eq = field.indexOf('=');
    if (eq < 0) return fail(`the field "${excerptText(field)}" has no "=".`);
    const key = field.slice(0, eq);
    if (seen.has(key)) return fail(`the field "${excerptText(key)}" appears twice.`);
    seen.add(key);
    const value = unescapeText(field.slice(eq + 1));
    if (typeof value !== 'string') return fail(`the field "${excerptText(key)}" ${value.error}`);

    const list = LIST_KEY.exec(key);
    if (list) {
      const [, listKey = '', index = '', itemKey = ''] = list;
      const spec = layout.find((f) => f.key === listKey);
      const itemSpec = spec?.kind === 'list' ? spec.item.find((f) => f.key === itemKey) : undefined;
      if (!itemSpec) return fail(`${type} has no field "${excerptText(key)}".`);
      const read = readValue(itemSpec.kind, value);
      if (!read.ok) return fail(`"${key}" ${read.error}`);
      const items = lists.get(listKey) ?? new Map<number, Record<string, unknown>>();
      lists.set(listKey, items);
      const item = items.get(Number(index)) ?? {};
      items.set(Number(index), item);
      if (read.value !== undefined) item[itemKey] = read.value;
      continue;
    }
    const spec = KEY.test(key) ? layout.find((f) => f.key === key) : undefined;
    if (!spec || spec.kind === 'list') return fail(`${type} has no field "${excerptText(key)}".`);
    const read = readValue(spec.kind, value);
    if (!read.ok) return fail(`"${key}" ${read.error}`);
    if (read.value !== undefined) values[key] = read.value;
  }
  for (const field of layout) {
    if (field.kind !== 'list') continue;
    const items = lists.get(field.key) ?? new Map<number, Record<string, unknown>>();
    const ordered = [...items.keys()].sort((a, b) => a - b);
    const gap = ordered.findIndex((index, position) => index !== position);
    if (gap >= 0) return fail(`"${field.key}" has no item ${gap} (items count from 0).`);
    values[field.key] = ordered.map((index) => items.get(index));
  }

  const checked = schemas[type].safeParse(values);
  if (!checked.success) return fail(describeIssues(checked.error));
  return { ok: true, message: checked.data };
}

type Read = { ok: true; value: unknown } | { ok: false; error: string };

function readValue(kind: Kind, value: string): Read {
  switch (kind) {
    case 'int':
      return INT.test(value)
        ? { ok: true, value: Number(value) }
        : {
            ok: false,
            error: `must be a whole number in digits (no sign, no leading zeros), got "${excerptText(value)}".`,
          };
    case 'bool':
      return value === 'Y' || value === 'N'
        ? { ok: true, value: value === 'Y' }
        : { ok: false, error: `must be Y or N, got "${excerptText(value)}".` };
    case 'optional':
      return { ok: true, value: value === '' ? undefined : value };
    case 'nullable':
      return { ok: true, value: value === '' ? null : value };
    case 'text':
      return { ok: true, value };
  }
}

/** Splits at each `|` that is not escaped; a field keeps its escapes. */
function splitFields(text: string): string[] {
  const fields: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i += 1) {
    if (text[i] === '\\') i += 1;
    else if (text[i] === '|') {
      fields.push(text.slice(start, i));
      start = i + 1;
    }
  }
  fields.push(text.slice(start));
  return fields;
}

function unescapeText(raw: string): string | { error: string } {
  let out = '';
  for (let i = 0; i < raw.length; i += 1) {
    const char = raw[i];
    if (char === '=') return { error: 'holds an "=" that is not escaped as "\\=".' };
    if (char !== '\\') {
      out += char;
      continue;
    }
    const next = raw[i + 1];
    i += 1;
    if (next === '\\' || next === '|' || next === '=') out += next;
    else if (next === 'r') out += '\r';
    else if (next === 'n') out += '\n';
    else if (next === 'x') {
      const digits = raw.slice(i + 1, i + 3);
      const code = /^[0-9A-F]{2}$/.test(digits) ? parseInt(digits, 16) : -1;
      if (code < 0 || !isControl(code) || code === 0x0d || code === 0x0a) {
        return {
          error: `holds "\\x${excerptText(digits)}": \\x is followed by two uppercase hex digits of a control character other than CR and LF.`,
        };
      }
      out += String.fromCharCode(code);
      i += 2;
    } else {
      return {
        error: `holds an unknown escape "\\${next ?? ''}" (known: \\\\ \\| \\= \\r \\n \\xHH).`,
      };
    }
  }
  return out;
}

/** The type and id as far as they can be read from fields that may be otherwise wrong. */
function nameOf(raw: readonly string[]): { type?: MessageType; id?: string } {
  const typeField = raw[0] ?? '';
  const type = messageTypes.find((t) => t === typeField);
  const idFields = raw.slice(1).filter((field) => field.startsWith('id='));
  const value = idFields.length === 1 ? unescapeText(idFields[0]?.slice(3) ?? '') : '';
  const id =
    typeof value === 'string' && messageIdSchema.safeParse(value).success ? value : undefined;
  return { ...(type && { type }), ...(id && { id }) };
}

function refusal(error: string, id?: string, type?: MessageType): DecodeResult {
  return { ok: false, error, ...(id && { id }), ...(type && { type }) };
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ` : '') + issue.message)
    .join('; ');
}

/** A value quoted in an error: short, control characters shown as escapes. */
function excerptText(text: string, max = 24): string {
  const shown = escapeText(text.slice(0, max));
  return text.length > max ? `${shown}…` : shown;
}
