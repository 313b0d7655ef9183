/** The kiosk's hub adapter: HTTP client, live events and the shapes both carry. */
export * from './client';
export * from './events';
export * from './schemas';
