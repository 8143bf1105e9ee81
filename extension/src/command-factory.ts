// What a command is to the extension: a factory that gets the context and returns the handler. Its own file, so the
// command modules and the registry that calls them do not import each other.
import type { Ctx } from './ctx';

// Handlers receive whatever VS Code or a caller passes (a Uri from a menu, a line from a CodeLens): each checks.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CommandHandler = (...args: any[]) => unknown;
export type CommandFactory = (ctx: Ctx) => CommandHandler;
