import { useUi } from '../../stores/ui.js';

/** What a command may do to the composer when chosen. */
export interface SlashContext {
  /** Replaces the composer's text (e.g. `/swarm ` to go on typing the task). */
  setText(text: string): void;
  /** Turns a flag of the next message on or off; the composer shows it and passes it along. */
  toggleFlag(flag: string): void;
  openConversationSettings(): void;
}

export interface SlashCommand {
  /** Without the slash. */
  name: string;
  /** One line, shown while typing. */
  hint: string;
  /** Where the command comes from, when not the chat itself (e.g. "lab"). */
  source?: string;
  run(ctx: SlashContext): void;
}

const commands: SlashCommand[] = [
  {
    name: 'swarm',
    hint: 'Run the task as a swarm: agents split it and work side by side',
    run: (ctx) => ctx.setText('/swarm '),
  },
  {
    name: 'model',
    hint: 'Choose the model of this chat',
    run: (ctx) => {
      ctx.setText('');
      document.querySelector<HTMLElement>('[data-testid="model-picker"]')?.focus();
    },
  },
  {
    name: 'dry-run',
    hint: 'Run the next reply’s tools in a copy-on-write dry run, then review the changes',
    source: 'lab',
    run: (ctx) => {
      ctx.setText('');
      ctx.toggleFlag('dryRun');
    },
  },
  {
    name: 'settings',
    hint: 'This chat’s system prompt, temperature, tools and memory',
    run: (ctx) => {
      ctx.setText('');
      ctx.openConversationSettings();
    },
  },
  {
    name: 'shortcuts',
    hint: 'Every keyboard shortcut',
    run: (ctx) => {
      ctx.setText('');
      useUi.getState().setShortcutsOpen(true);
    },
  },
];

/** Lets another feature add its commands (the lab's, the channels'…); a name already taken is replaced. */
export function registerSlashCommand(command: SlashCommand): void {
  const at = commands.findIndex((c) => c.name === command.name);
  if (at >= 0) commands[at] = command;
  else commands.push(command);
}

/** The commands the composer's text asks for: only while it is a lone `/word` with no space yet. */
export function matchSlashCommands(text: string): SlashCommand[] {
  const m = /^\/([\w-]*)$/.exec(text);
  if (!m) return [];
  const typed = m[1]!.toLowerCase();
  return commands.filter((c) => c.name.startsWith(typed));
}

/** Labels of the flags a command can set, for the chips above the composer. */
export const FLAG_LABELS: Record<string, string> = { dryRun: 'Dry run' };
