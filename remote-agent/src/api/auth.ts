/** Every endpoint wants the API key in this header (the agent compares it in constant time). */
export const API_KEY_HEADER = 'X-API-Key';
