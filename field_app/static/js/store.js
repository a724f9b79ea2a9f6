// IndexedDB: the outbox (reports and task answers), their photos, and a key-value store for the
// session, the offline bundle, the task inbox and recently used classes. IndexedDB survives
// reloads and closing the browser. Photos are kept as ArrayBuffers (every engine can store those;
// older WebKit could not store Blobs) in their own store, so listing or counting the outbox never
// copies megabytes of pictures.

const DB_NAME = "gridwatch-field";
const DB_VERSION = 1;
let dbPromise = null;

function open() {
  if (!dbPromise) {
    dbPromise = new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains("outbox")) {
          db.createObjectStore("outbox", { keyPath: "uuid" }).createIndex("created_at", "created_at");
        }
        if (!db.objectStoreNames.contains("photos")) db.createObjectStore("photos", { keyPath: "uuid" });
        if (!db.objectStoreNames.contains("kv")) db.createObjectStore("kv");
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
      request.onblocked = () => reject(new Error("IndexedDB upgrade blocked by another tab"));
    });
  }
  return dbPromise;
}

async function run(storeName, mode, action) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(storeName, mode);
    const request = action(tx.objectStore(storeName));
    let result;
    if (request) request.onsuccess = () => { result = request.result; };
    // Resolve on commit, not on request success: only then is the write durable.
    tx.oncomplete = () => resolve(result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error("transaction aborted"));
  });
}

export const kvGet = (key) => run("kv", "readonly", (s) => s.get(key));
export const kvSet = (key, value) => run("kv", "readwrite", (s) => s.put(value, key));
export const kvDelete = (key) => run("kv", "readwrite", (s) => s.delete(key));

async function both(mode, action) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(["outbox", "photos"], mode);
    action(tx.objectStore("outbox"), tx.objectStore("photos"));
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error("transaction aborted"));
  });
}

/** Queue an item with its photos, in one transaction: both are stored, or neither. */
export const outboxAdd = (item, photos) => both("readwrite", (items, pictures) => {
  items.put(item);
  pictures.put({ uuid: item.uuid, photos });
});
export const outboxGet = (uuid) => run("outbox", "readonly", (s) => s.get(uuid));
export const outboxDelete = (uuid) => both("readwrite", (items, pictures) => {
  items.delete(uuid);
  pictures.delete(uuid);
});
/** The photos of a queued item: [{data: ArrayBuffer, type}] (empty once it was sent). */
export const photosOf = async (uuid) => ((await run("photos", "readonly", (s) => s.get(uuid))) || { photos: [] }).photos;
/** Every item, oldest first. */
export const outboxAll = () => run("outbox", "readonly", (s) => s.index("created_at").getAll());

/** Apply ``change`` to the stored item inside one transaction (no lost updates between tabs);
 * ``dropPhotos`` deletes its photo bytes in the same transaction (once the server has them). */
export async function outboxUpdate(uuid, change, { dropPhotos = false } = {}) {
  let updated = null;
  await both("readwrite", (items, pictures) => {
    const request = items.get(uuid);
    request.onsuccess = () => {
      if (!request.result) return;
      updated = { ...request.result, ...change(request.result) };
      items.put(updated);
      if (dropPhotos) pictures.delete(uuid);
    };
  });
  return updated;
}
