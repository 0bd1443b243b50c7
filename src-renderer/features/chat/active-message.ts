import { createContext } from 'react';

/** Whether focus is inside the message around: its actions are tabbable only then. */
export const ActiveMessage = createContext(false);
