// The OpenAPI shapes of /control/faults. Requests are checked by profile.ts (its messages name the
// field); these schemas document the body and describe the answers.
import { Integer } from '../http/json-integer.ts';
import { t } from 'elysia';
import { COMPONENT_NAME } from '../http/schemas.ts';
import { PRESETS } from './presets.ts';

const range = (description: string) =>
  t.Optional(t.Array(t.Number({ minimum: 0 }), { minItems: 2, maxItems: 2, description: `${description} [min, max], ms.` }));
const rate = (description: string) => t.Optional(t.Number({ minimum: 0, maximum: 1, description }));

export const FaultProfileSchema = t.Object(
  {
    latencyMs: range('Each task-endpoint answer waits a uniform delay in'),
    errorRate: rate('Share of task-endpoint requests answered with an injected error instead of being carried out.'),
    errorStatuses: t.Optional(
      t.Array(Integer({ minimum: 400, maximum: 599 }), { minItems: 1, description: 'Default [500, 502, 503, 429].' }),
    ),
    resetRate: rate('Share of task-endpoint requests whose connection is closed with no answer.'),
    stream: t.Optional(
      t.Object(
        {
          dropAfterMs: range('Each socket is dropped (no close frame, code 1006) after a uniform time in'),
          refuseRate: rate('Share of upgrades refused with 503.'),
          delayMs: range('Each message to a socket waits a uniform delay in'),
        },
        { additionalProperties: false },
      ),
    ),
    tasks: t.Optional(
      t.Object({ failRate: rate('Share of tasks that end `failed` instead of `completed`.') }, { additionalProperties: false }),
    ),
  },
  { [COMPONENT_NAME]: 'FaultProfile', additionalProperties: false, examples: [PRESETS.flaky] },
);

const PresetName = t.Union([t.Literal('none'), t.Literal('slow'), t.Literal('flaky'), t.Literal('chaos')], {
  [COMPONENT_NAME]: 'FaultPreset',
  description: 'none, slow (latency), flaky (the SPEC example), chaos.',
});

export const PutFaultsBody = t.Union([t.Object({ preset: PresetName }, { additionalProperties: false }), FaultProfileSchema], {
  [COMPONENT_NAME]: 'FaultsRequest',
  description: 'A preset by name, or a profile. `{"preset": "none"}` turns faults off for this workspace.',
  examples: [{ preset: 'flaky' }, { latencyMs: [30, 60], errorRate: 0.1 }],
});

export const FaultsInForceBody = t.Object(
  {
    scope: t.Union([t.Literal('workspace'), t.Literal('key'), t.Literal('server')], {
      description: "Where the profile comes from: the workspace's own, its key's (hosted mode) or the server's (FAULTS).",
    }),
    preset: t.Optional(PresetName),
    profile: FaultProfileSchema,
  },
  { [COMPONENT_NAME]: 'FaultsInForce', examples: [{ scope: 'workspace', preset: 'flaky', profile: PRESETS.flaky }] },
);
