/** The version of the API this agent serves (spec 2.1.3), written in its OpenAPI document. */
export const API_VERSION = '2.1.3';
