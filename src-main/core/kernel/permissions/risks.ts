/**
 * The phrases a permission card highlights. They are shown to people as they are, and clients may
 * match on them to choose a colour, so they only change together with the UI.
 */
export const RISK = {
  commandSubstitution: 'command substitution',
  processSubstitution: 'process substitution',
  arithmeticExpansion: 'arithmetic expansion',
  chained: 'chained commands',
  pipeline: 'pipeline',
  background: 'background job',
  subshell: 'subshell',
  functionDefinition: 'function definition',
  redirectOutside: 'redirection outside the workspace',
  variableCommand: 'variable expansion',
  obscuredCommand: 'command name decided at run time',
  nestedShell: 'nested shell',
  otherUser: 'sudo/su',
  networkTool: 'network tool',
  writesOutside: 'writes outside the workspace',
  readsOutside: 'reads outside the workspace',
  secrets: 'reads host secrets (keys, keychains, browser profiles)',
  unparsable: 'could not be parsed',
  networkAccess: 'network access',
  notWeb: 'not an http(s) address',
  badArguments: 'unexpected arguments',
} as const;

export type Risk = (typeof RISK)[keyof typeof RISK];
