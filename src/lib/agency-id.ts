/** An agency id: lowercase letters, digits and dashes, 2 to 63 characters, not starting with a dash. The one definition. */
export const AGENCY_ID_PATTERN = '^[a-z0-9][a-z0-9-]{1,62}$'

export const isAgencyId = (value: unknown): value is string => typeof value === 'string' && new RegExp(AGENCY_ID_PATTERN).test(value)
