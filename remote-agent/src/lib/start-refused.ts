/**
 * The agent will not start on this data dir as it stands: starting would lose data, or the data is
 * damaged. Nothing was changed; the message says what was found and which flag to start with.
 * main.ts exits with EXIT_START_REFUSED, which the systemd unit does not restart on.
 */
export class StartRefusedError extends Error {}

export const EXIT_START_REFUSED = 3;
