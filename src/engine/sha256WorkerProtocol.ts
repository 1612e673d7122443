export type ToSha256Worker = { type: 'update'; buffer: ArrayBuffer; offset: number; length: number } | { type: 'digest' };
export type FromSha256Worker = { type: 'ready' } | { type: 'free'; buffer: ArrayBuffer } | { type: 'digest'; hex: string };
