// The admin page and its board routes (SPEC §13), mounted only with ADMIN_KEY, like the rest of
// /admin: without it GET /admin and every board route are unknown routes (404).
import type { Config } from '../config/config.ts';
import { adminPage } from './page.ts';
import { createWorkspaceBoard, type WorkspaceBoardOptions } from './workspace-board.ts';
import { adminWorkspaceRoutes, type AdminWorkspaceDependencies } from './workspace-routes.ts';

export interface AdminBoardOptions extends WorkspaceBoardOptions, Omit<AdminWorkspaceDependencies, 'adminKey' | 'board'> {
  config: Config;
  version: string;
}

export function adminBoard(options: AdminBoardOptions) {
  const { config, version } = options;
  if (config.adminKey === undefined) return [];
  const board = createWorkspaceBoard(options);
  return [adminPage({ version, config }), adminWorkspaceRoutes({ ...options, adminKey: config.adminKey, board })];
}
