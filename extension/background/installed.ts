/**
 * A first install opens the options page, where the backend URL and token are entered: until
 * then the panel has nothing to show. Updates and Chrome's own updates do not.
 */
export function openOptionsOnInstall(
  details: { reason: string },
  openOptionsPage: () => Promise<void>,
): void {
  if (details.reason !== 'install') return;
  openOptionsPage().catch((error: unknown) =>
    console.warn('LoopDesk: could not open the options page', error),
  );
}
