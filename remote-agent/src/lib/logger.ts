/** What the agent's services log through; pino satisfies it, and tests pass a plain object. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}
