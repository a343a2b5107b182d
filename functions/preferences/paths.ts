/**
 * The customer API's preference routes. The page is public (its signed link is the credential);
 * the JSON routes sit behind the JWT authorizer. Links in messages point at the page.
 */
export const PREFERENCE_CENTRE_PATH = '/preference-centre';
export const PREFERENCES_API_PATH = '/preferences';

/** The `source` each route writes on the consent changes it makes. */
export const PAGE_SOURCE = 'preference_centre';
export const APP_SOURCE = 'app';
