/** The `source` each route writes on the consent changes it makes. */
export const PAGE_SOURCE = 'preference_centre';
export const APP_SOURCE = 'app';
