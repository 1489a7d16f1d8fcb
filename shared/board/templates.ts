/**
 * Board templates: the columns a new board starts with. `initBoard` takes the column titles; a template only
 * names a set of them, so a board created from a template is an ordinary board (B8 applies unchanged).
 */
import { DEFAULT_COLUMN_TITLES } from './mutations/board';

export interface BoardTemplate {
  readonly id: string;
  readonly name: string;
  /** What the board is for, shown beside the choice. */
  readonly description: string;
  readonly columnTitles: readonly string[];
}

export const BOARD_TEMPLATES: readonly BoardTemplate[] = [
  {
    id: 'kanban',
    name: 'Kanban',
    description: 'Track work as it moves along.',
    columnTitles: DEFAULT_COLUMN_TITLES,
  },
  {
    id: 'retrospective',
    name: 'Retrospective',
    description: 'Look back together, vote on what to discuss.',
    columnTitles: ['Went well', 'To improve', 'Action items'],
  },
  {
    id: 'start-stop-continue',
    name: 'Start-Stop-Continue',
    description: 'What to start, stop and keep doing.',
    columnTitles: ['Start', 'Stop', 'Continue'],
  },
  {
    id: 'planning',
    name: 'Planning',
    description: 'Estimate work together with planning poker.',
    columnTitles: ['Backlog', 'To estimate', 'Ready'],
  },
];

export const DEFAULT_TEMPLATE_ID = 'kanban';

/** The template with this id; the default (Kanban) for an unknown or missing id. */
export function boardTemplate(id: string | undefined): BoardTemplate {
  return BOARD_TEMPLATES.find((t) => t.id === id) ?? (BOARD_TEMPLATES[0] as BoardTemplate);
}
