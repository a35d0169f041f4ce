// The models of the admin board routes (a key's workspaces, their tasks, their clock and faults),
// as `t` schemas: the OpenAPI document's source. Clock and fault bodies are /control's own.
import { Integer } from '../http/json-integer.ts';
import { t } from 'elysia';
import { ClockBody } from '../control/control-schemas.ts';
import { FaultsInForceBody } from '../faults/schemas.ts';
import { COMPONENT_NAME, TaskListQuery, Task } from '../http/schemas.ts';

const count = (status: string) => Integer({ minimum: 0, description: `Tasks ${status}.` });

export const WorkspaceSummary = t.Object(
  {
    id: t.String({ examples: ['default'] }),
    version: Integer({ minimum: 0, description: "The workspace's version (SPEC §12)." }),
    tasks: Integer({ minimum: 0, description: 'How many tasks it holds.' }),
    byStatus: t.Object({
      queued: count('queued'),
      running: count('running'),
      completed: count('completed'),
      failed: count('failed (only under a fault profile with tasks.failRate)'),
    }),
    sockets: Integer({ minimum: 0, description: 'Open /ws/tasks sockets.' }),
    clock: ClockBody,
    faults: FaultsInForceBody,
  },
  { [COMPONENT_NAME]: 'WorkspaceSummary' },
);

export const WorkspaceList = t.Object(
  { workspaces: t.Array(WorkspaceSummary) },
  {
    [COMPONENT_NAME]: 'WorkspaceList',
    description:
      'Every workspace of the key that ever held a task or a clock of its own, or has an open socket now, by id; emptied ones stay listed (with 0 tasks).',
  },
);

export const WorkspaceTasks = t.Object(
  { tasks: t.Array(Task), version: Integer({ minimum: 0 }), clock: ClockBody },
  {
    [COMPONENT_NAME]: 'WorkspaceTasks',
    description: "The workspace's tasks as GET /tasks lists them, its version, and its clock.",
  },
);

export const KeyWorkspaceParams = t.Object({
  name: t.String({ examples: ['ada'], description: 'The key name.' }),
  workspace: t.String({ examples: ['default'], description: 'A workspace id of that key.' }),
});

export const BlockingReadQuery = t.Object({ index: TaskListQuery.properties.index, wait: TaskListQuery.properties.wait });
