/**
 * The customer API's preference routes, named once for the stack that routes them and the code
 * that answers and links to them. The page is public (its signed link is the credential); the
 * JSON routes sit behind the JWT authorizer. Links in messages point at the page.
 */
export const PREFERENCE_CENTRE_PATH = '/preference-centre';
export const PREFERENCES_API_PATH = '/preferences';
