// png.ts: a canvas as PNG bytes, and the bytes as base64 for handing across a page boundary.
// Imports nothing.

/** The canvas encoded as PNG (lossless: every pixel read back from the PNG equals the canvas's). */
export function canvasToPng(canvas: HTMLCanvasElement): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => {
      if (!blob) {
        reject(
          new Error(
            `canvasToPng: toBlob() gave no PNG for a ${canvas.width}×${canvas.height} canvas; expected image bytes. The canvas may be empty (0 pixels) or too large.`,
          ),
        );
        return;
      }
      blob.arrayBuffer().then((b) => resolve(new Uint8Array(b)), reject);
    }, 'image/png');
  });
}

/** Standard base64 of `bytes`, built in chunks so large buffers do not overflow the call stack. */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(binary);
}

/** The bytes of a standard base64 string. */
export function base64ToBytes(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
