// Photos are shrunk on the phone before they are queued: at most 1920 px on the long side, JPEG.
// A 12-megapixel camera photo (4–6 MB) becomes ~0.3–0.6 MB, which is what makes a queue of fifty
// reports send in seconds on a weak connection. The camera's EXIF orientation is applied by the
// decoder, so the stored pixels are upright.

export const MAX_SIDE = 1920;
const QUALITY = 0.85;
const THUMB_SIDE = 160;

async function decode(file) {
  if (typeof createImageBitmap === "function") {
    try {
      return await createImageBitmap(file, { imageOrientation: "from-image" });
    } catch (_) { /* some engines refuse the options or the format: fall back to <img> */ }
  }
  const url = URL.createObjectURL(file);
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    return img;
  } finally {
    URL.revokeObjectURL(url);
  }
}

function draw(source, width, height, maxSide) {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(1, Math.round(width * scale));
  canvas.height = Math.max(1, Math.round(height * scale));
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#fff"; // transparent PNGs become white, not black, as JPEG
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(source, 0, 0, canvas.width, canvas.height);
  return canvas;
}

const toBlob = (canvas, quality) => new Promise((resolve, reject) => {
  canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("JPEG encoding failed"))), "image/jpeg", quality);
});

/** {data: ArrayBuffer (JPEG ≤ 1920 px), type, width, height, size, thumb: data URL} */
export async function prepare(file) {
  const image = await decode(file);
  const width = image.width || image.naturalWidth;
  const height = image.height || image.naturalHeight;
  const canvas = draw(image, width, height, MAX_SIDE);
  const blob = await toBlob(canvas, QUALITY);
  const thumb = draw(canvas, canvas.width, canvas.height, THUMB_SIDE).toDataURL("image/jpeg", 0.7);
  if (image.close) image.close();
  return { data: await blob.arrayBuffer(), type: "image/jpeg", width: canvas.width, height: canvas.height,
    size: blob.size, thumb };
}

export const asBlob = (photo) => new Blob([photo.data], { type: photo.type });
