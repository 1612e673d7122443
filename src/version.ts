/**
 * This build's version, the same as package.json's (a unit test keeps them
 * equal). The page, the engine worker and the service worker each carry it,
 * so a page library and a service worker copied from another release can
 * notice each other.
 */
export const VERSION = '0.1.0';
