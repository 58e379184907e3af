import type { MoodRatings } from '../core/report.js';

/** The mark of a session whose mood a machine estimated and no clinician has signed (issue 25). */
export const ESTIMATED_MARK = '[mood estimated]';

/**
 * "Moods: 3 clinician-rated, 2 estimated by a machine (counted; …)": every format says how many
 * mood values a machine estimated and whether the figures count them; null when none was and
 * every mood counts.
 */
export function moodRatingsLine(ratings: MoodRatings): string | null {
  if (ratings.estimated === 0 && ratings.rated_by === 'any') return null;
  const counted = ratings.left_out > 0
    ? 'left out of the mood figures (--rated-by clinician)'
    : ratings.estimated === 0 ? 'none to leave out' : 'counted in the mood figures; --rated-by clinician leaves them out';
  return `Moods: ${ratings.clinician_rated} clinician-rated, ${ratings.estimated} estimated by a machine and not yet signed (${counted})`;
}
