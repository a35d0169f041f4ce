// What the stream sends, per format, as the stream page explains it and its console offers it.
// Each format (SPEC §12) is one entry here; the page and the console's format menu follow.
import type { Config } from '../config/config.ts';
import { formatDuration } from './limits.ts';

export interface StreamFormat {
  /** The `format` query value; the default one is sent without it. */
  name: string;
  isDefault: boolean;
  summary: string;
  /** When frames are sent, in order: one sentence each. */
  sends: string[];
  example: unknown;
}

const EXAMPLE_LIST = [
  {
    id: 1,
    name: 'resize images',
    type: 'gx.small',
    status: 'completed',
    createdAt: '2026-11-28T11:00:00.000Z',
    startedAt: '2026-11-28T11:00:01.000Z',
    completedAt: '2026-11-28T11:00:07.412Z',
  },
  {
    id: 2,
    name: 'send report',
    type: 'gx.tiny',
    status: 'queued',
    createdAt: '2026-11-28T11:00:09.000Z',
    startedAt: null,
    completedAt: null,
  },
];

/** The tick of SPEC §3, as configured on this server. */
export function tickSentence(config: Config): string {
  if (config.streamResendMs === 0) {
    return 'No periodic resend on this server (`STREAM_RESEND_MS` is 0): frames come only on open and on change.';
  }
  return (
    `Every ${formatDuration(config.streamResendMs)} (\`STREAM_RESEND_MS\`, real time) the current list again, changed or not: ` +
    'the one-second tick of the original API, for UIs that redraw on it or treat silence as a dead link.'
  );
}

export function streamFormats(config: Config): StreamFormat[] {
  return [
    {
      name: 'list',
      isDefault: true,
      summary: "The original API's frames: the workspace's whole task list, a JSON `Array<Task>`, ordered by id.",
      sends: [
        'At once on open: the current list (`[]` for an empty workspace).',
        'After every change in the workspace (create, start, complete, delete, flush): the whole list again. ' +
          'Changes made in the same instant are coalesced into one frame; none is ever missed, and the last ' +
          'frame always equals what `GET /tasks` answers.',
        tickSentence(config),
      ],
      example: EXAMPLE_LIST,
    },
    {
      name: 'envelope',
      isDefault: false,
      summary: 'The whole list with the workspace\'s version: `{"version": N, "tasks": [...]}` (the `version` of `GET /tasks`).',
      sends: [
        'At once on open: the current envelope. With `since=N` (a version you hold) nothing is sent while N is still current.',
        'After every change: the new envelope, versions strictly increasing. No periodic resend.',
      ],
      example: { version: 7, tasks: EXAMPLE_LIST },
    },
    {
      name: 'patch',
      isDefault: false,
      summary:
        'A full `{"version", "tasks"}` first, then only what changed: `{"version": N, "from": M, "changes": [...]}`, each change ' +
        '`{"op": "put", "task": Task}` or `{"op": "remove", "id": n}`. Bytes per change do not grow with the list.',
      sends: [
        'At once on open: the full list with its version. Reconnecting with `since=N`: only the changes after N while the ' +
          'server still holds them (the last 1,000 of the workspace, not across a restart), otherwise the full list.',
        'After every turn with changes: one patch whose `from` is the version you hold; never a gap, never a repeated ' +
          'version. Apply it and keep the list ordered by id. No periodic resend.',
      ],
      example: {
        version: 8,
        from: 7,
        changes: [
          { op: 'put', task: EXAMPLE_LIST[1] },
          { op: 'remove', id: 3 },
        ],
      },
    },
  ];
}
