/** The alert contract lives with the other shared shapes; detectors import it from here too. */
export type { Alert } from '../contract/alert';
