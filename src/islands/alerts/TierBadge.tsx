/**
 * An alert's tier as a coloured badge (tier 1: a single z spike … tier 5: strongest confluence;
 * tier 6: a cluster of tier ≤ 2 alerts). Any integer shows: a tier beyond 6 takes tier 6's colour.
 */
// Deep import on purpose: the package root would ship all of Tremor (~240 KB gzip) to every island.
import Badge from '@tremor/react/dist/components/icon-elements/Badge/Badge.js';
import { tierColor } from './tier-colors.ts';

export function TierBadge({ tier }: { tier: number }) {
  return (
    <Badge size="xs" color={tierColor(tier)}>
      T{tier}
    </Badge>
  );
}
