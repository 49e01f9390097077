/** Mailbox slots (Int32) of the browser's loss workers: a job counter (−1: quit), an idle flag and the fit's shapes. */
export const MAILBOX = { JOB: 0, IDLE: 1, RANK: 2, FILTER_LEN: 3, LEVELS: 4, MODE: 5, SHAPE: 6 } as const;
/** Int32 slots of a mailbox. */
export const MAILBOX_SIZE = 16;
