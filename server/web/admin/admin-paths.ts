/** Paths of the administrator's pages. */
export const ADMIN_HOME_PATH = '/admin';
export const PARTNER_LIST_PATH = '/admin/partenaires';
export const PARTNER_NEW_PATH = '/admin/partenaires/nouveau';

/** Path of one partner's page. */
export function partnerPath(id: string): string {
  return `${PARTNER_LIST_PATH}/${encodeURIComponent(id)}`;
}

/** Path of the confirmation page, and of its form's target, for a status change. */
export function partnerStatusPath(id: string, change: 'suspend' | 'reactivate'): string {
  return `${partnerPath(id)}/${change === 'suspend' ? 'suspendre' : 'reactiver'}`;
}
