import { contextBridge } from 'electron';
import { AGENT_API_VERSION } from '../shared/app-identity.ts';

// The preload stays narrow: typed service proxies of the src/shared contract, nothing else.
contextBridge.exposeInMainWorld('keyport', { agentApiVersion: AGENT_API_VERSION });
