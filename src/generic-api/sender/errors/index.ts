export * from './downstream-network-error';
export * from './downstream-timeout-error';
export * from './downstream-too-large-error';
export * from './oauth-not-linked-error';
export * from './oauth-token-error';
